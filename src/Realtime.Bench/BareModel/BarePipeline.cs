using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Bench.BareModel;

/// <summary>
/// A bare model's graph: a synthetic sensor → a copy of a prepared tensor into the model's bound
/// input (preprocess) → the model (infer) → a read of its first float output (decode) → no control
/// law → no outputs. The stages a demo's loop stamps, each doing the least it can, so the model's
/// floor and the loop's own cost can be read apart.
/// </summary>
public static class BarePipeline
{
    /// <summary>The graph around <paramref name="engine"/> (bound once; owned by the caller).</summary>
    public static AppGraph Graph(IInferenceEngine engine, int outputs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return new GraphBuilder("(bare model)")
            .Add(new SyntheticSource("source"))
            .Add(new TensorCopy("preprocess", engine))
            .Add(new ModelRun("infer", engine))
            .Add(new FirstValue("decode", engine, outputs))
            .Add(new Hold("control"))
            .Add(new NoOutputs("actuate"))
            .Connect("source.tick", "preprocess.tick")
            .Connect("preprocess.tensor", "infer.tensor")
            .Connect("infer.runs", "decode.runs")
            .Connect("decode.first", "control.first")
            .Connect("control.command", "actuate.command")
            .Build();
    }

    /// <summary>
    /// The sensor of a bare-model bench: it latches at once, so the capture stage is the loop's own
    /// bookkeeping and end-to-end latency starts where a real sensor's would.
    /// </summary>
    private sealed class SyntheticSource : SourceNode
    {
        private readonly OutputPort<ValuePayload<long>> _tick;

        public SyntheticSource(string name) : base(name) => _tick = Output("tick", new ValuePayload<long>());

        protected override CaptureStatus Capture()
        {
            CaptureNs = MonotonicClock.NowNs();
            _tick.Payload.CaptureNs = CaptureNs;
            _tick.Payload.Value++;
            return CaptureStatus.Ok;
        }
    }

    /// <summary>Preprocessing of a bare model: copies the input as it was bound (a prepared tensor) back into it every frame: an upload, as a real pass ends with.</summary>
    private sealed class TensorCopy : Node
    {
        private readonly IInferenceEngine _engine;
        private readonly float[] _prepared;
        private readonly OutputPort<ValuePayload<long>> _tensor;

        public TensorCopy(string name, IInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Preprocess)
        {
            _engine = engine;
            _prepared = engine.Input.ToArray();
            Input<ValuePayload<long>>("tick", PayloadType.Value<long>());
            _tensor = Output("tensor", new ValuePayload<long>());
        }

        public override void Process()
        {
            _prepared.AsSpan(0, Math.Min(_prepared.Length, _engine.Input.Length)).CopyTo(_engine.Input);
            _tensor.Payload.Value++;
        }
    }

    /// <summary>The model on its bound input.</summary>
    private sealed class ModelRun : Node
    {
        private readonly IInferenceEngine _engine;
        private readonly OutputPort<ValuePayload<long>> _runs;

        public ModelRun(string name, IInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Infer)
        {
            _engine = engine;
            Input<ValuePayload<long>>("tensor", PayloadType.Value<long>());
            _runs = Output("runs", new ValuePayload<long>());
        }

        public override void Process()
        {
            _engine.Run();
            _runs.Payload.Value++;
        }
    }

    /// <summary>Reads the first float output's first value (so the outputs are read).</summary>
    private sealed class FirstValue : Node
    {
        private readonly IInferenceEngine _engine;
        private readonly int _output;
        private readonly OutputPort<ValuePayload<float>> _first;

        public FirstValue(string name, IInferenceEngine engine, int outputs) : base(name, NodeRole.Transform, Stage.Decode)
        {
            _engine = engine;
            _output = -1;
            for (int i = 0; i < outputs && _output < 0; i++) if (engine.Output(i).Length > 0) _output = i;
            Input<ValuePayload<long>>("runs", PayloadType.Value<long>());
            _first = Output("first", new ValuePayload<float>());
        }

        public override void Process() => _first.Payload.Value = _output < 0 ? 0 : _engine.Output(_output)[0];
    }

    /// <summary>No control law: the command stays as it is.</summary>
    private sealed class Hold : Node
    {
        private readonly OutputPort<CommandPayload> _command;

        public Hold(string name) : base(name, NodeRole.Controller)
        {
            Input<ValuePayload<float>>("first", PayloadType.Value<float>());
            _command = Output("command", new CommandPayload(0));
        }

        public override void Process() => _command.Payload.Next = _command.Payload.Applied;
    }

    /// <summary>No outputs: a bare model drives nothing.</summary>
    private sealed class NoOutputs : SinkNode
    {
        public NoOutputs(string name) : base(name, 0)
        {
        }

        public override void Apply(in ActuatorCommand command) { }

        public override ActuatorCommand ApplySafeState() => default;
    }
}
