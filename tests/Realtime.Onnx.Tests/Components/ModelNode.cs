using System;
using System.Text;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Onnx.Tests.Components;

/// <summary>
/// The real model in a test graph (the built-in model node is another branch's): a loaded engine
/// whose primary input is this node's <c>input</c> and whose float outputs are its outputs, named
/// after the model's (characters a port name cannot have become '_'). Copies in and out; allocates nothing.
/// </summary>
internal sealed class ModelNode : Node
{
    private readonly OnnxInferenceEngine _engine;
    private readonly OutputPort<TensorPayload>[] _outputs;

    public ModelNode(string name, OnnxInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Infer)
    {
        _engine = engine;
        Input = Input<TensorPayload>("input", PayloadType.Tensor(TensorElement.Float32, Ints(engine.InputShape)));
        _outputs = new OutputPort<TensorPayload>[engine.OutputNames.Count];
        for (int i = 0; i < _outputs.Length; i++)
            _outputs[i] = Output(PortName(engine.OutputNames[i]), new TensorPayload(TensorElement.Float32, Ints(engine.OutputShapes[i])));
    }

    public InputPort<TensorPayload> Input { get; }

    public static string PortName(string modelName)
    {
        var sb = new StringBuilder(modelName.Length);
        foreach (char c in modelName) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        return sb.ToString();
    }

    private static int[] Ints(long[] shape)
    {
        var s = new int[shape.Length];
        for (int i = 0; i < s.Length; i++) s[i] = checked((int)shape[i]);
        return s;
    }

    public override void Process()
    {
        Input.Payload.Floats.CopyTo(_engine.Input);
        _engine.Run();
        for (int i = 0; i < _outputs.Length; i++)
        {
            _engine.Output(i).CopyTo(_outputs[i].Payload.Floats);
            _outputs[i].Payload.CaptureNs = Input.Payload.CaptureNs;
        }
    }
}
