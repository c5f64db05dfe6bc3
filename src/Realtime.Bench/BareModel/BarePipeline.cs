using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Bench.BareModel;

/// <summary>What a bare model's loop keeps of its outputs: the first float value (so the outputs are read).</summary>
public struct BareOutput
{
    /// <summary>The first element of the first float output.</summary>
    public float First;
}

/// <summary>
/// The sensor of a bare-model bench: it latches a 1×1 frame at once, so the capture stage is the
/// loop's own bookkeeping and end-to-end latency starts where a real sensor's would.
/// </summary>
public sealed class SyntheticSource : IFrameSource
{
    private long _sequence;

    /// <inheritdoc/>
    public int Width => 1;
    /// <inheritdoc/>
    public int Height => 1;
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Bgr24;

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        slot.Sequence = ++_sequence;
        slot.CaptureNs = MonotonicClock.NowNs();
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public void Dispose() { }
}

/// <summary>Preprocessing of a bare model: copies a prepared tensor into the bound input (an upload, as a real preprocessing pass ends with).</summary>
public sealed class TensorCopyPreprocessor : IPreprocessor
{
    private readonly float[] _prepared;

    /// <summary>Keeps a copy of <paramref name="prepared"/> to write into the input every frame.</summary>
    public TensorCopyPreprocessor(ReadOnlySpan<float> prepared) => _prepared = prepared.ToArray();

    /// <inheritdoc/>
    public void Process(FrameBuffer frame, Span<float> tensor) => _prepared.AsSpan(0, Math.Min(_prepared.Length, tensor.Length)).CopyTo(tensor);
}

/// <summary>Reads the first float output's first value.</summary>
public sealed class FirstValueDecoder : IDecoder<BareOutput>
{
    private readonly int _output;

    /// <summary>Finds the first float output of <paramref name="engine"/>.</summary>
    public FirstValueDecoder(IInferenceEngine engine, int outputs)
    {
        _output = -1;
        for (int i = 0; i < outputs && _output < 0; i++) if (engine.Output(i).Length > 0) _output = i;
    }

    /// <inheritdoc/>
    public void Decode(IInferenceEngine engine, FrameBuffer frame, ref BareOutput result) =>
        result.First = _output < 0 ? 0 : engine.Output(_output)[0];
}

/// <summary>No control law: the command stays as it is.</summary>
public sealed class HoldController : IController<BareOutput>
{
    /// <inheritdoc/>
    public void Update(in BareOutput observation, in ActuatorCommand applied, ref ActuatorCommand next) => next = applied;
}

/// <summary>No outputs: a bare model drives nothing.</summary>
public sealed class NoActuator : IActuator
{
    /// <inheritdoc/>
    public int Channels => 0;
    /// <inheritdoc/>
    public void Apply(in ActuatorCommand command) { }
    /// <inheritdoc/>
    public ActuatorCommand ApplySafeState() => default;
    /// <inheritdoc/>
    public void Dispose() { }
}
