using System;
using Realtime.Core.Graph;

namespace Realtime.Core.Tests.Components;

/// <summary>A real, small transform for the family graphs: the root mean square of a float tensor, as a value.</summary>
internal sealed class TensorRms : Node
{
    public TensorRms(string name) : base(name, NodeRole.Transform, Realtime.Core.Pipeline.Stage.Decode)
    {
        Tensor = Input<TensorPayload>("tensor", PayloadType.Tensor(TensorElement.Float32, null));
        Rms = Output("rms", new ValuePayload<float>());
    }

    public InputPort<TensorPayload> Tensor { get; }
    public OutputPort<ValuePayload<float>> Rms { get; }

    public override void Process()
    {
        ReadOnlySpan<float> x = Tensor.Payload.Floats;
        double s = 0;
        foreach (float v in x) s += v * v;
        Rms.Payload.Value = (float)Math.Sqrt(s / x.Length);
        Rms.Payload.CaptureNs = Tensor.Payload.CaptureNs;
    }
}
