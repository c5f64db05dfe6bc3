using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Graph;

/// <summary>A real transform between tensors: scales its input into its own output (the shapes it accepts and makes are given).</summary>
internal sealed class TensorScale : Node
{
    public TensorScale(string name, PayloadType accepts, TensorElement element, params int[] shape) : base(name, NodeRole.Transform, Stage.Infer)
    {
        In = Input<TensorPayload>("input", accepts);
        Out = Output("output", new TensorPayload(element, shape));
    }

    public InputPort<TensorPayload> In { get; }
    public OutputPort<TensorPayload> Out { get; }

    public override void Process()
    {
        var src = In.Payload.Floats;
        var dst = Out.Payload.Floats;
        for (int i = 0; i < dst.Length && i < src.Length; i++) dst[i] = 2 * src[i];
    }
}
