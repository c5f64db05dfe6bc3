using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A real metric node: each frame's figure is the mean it is given (none on every third frame, as a
/// tracker with nothing in view), and after the run it adds how many frames had one.
/// </summary>
internal sealed class MeanMetric : Node, IFrameMetric, IApplicationMetrics
{
    private int _frame;

    public MeanMetric(string name) : base(name, NodeRole.Controller, Stage.Control)
    {
        Mean = Input<ValuePayload<float>>("mean", PayloadType.Value<float>());
        // A controller needs an output; nothing need read it.
        Echo = Output("echo", new ValuePayload<float>());
    }

    public InputPort<ValuePayload<float>> Mean { get; }
    public OutputPort<ValuePayload<float>> Echo { get; }
    public float FrameMetric { get; private set; } = float.NaN;

    public override void Process()
    {
        FrameMetric = _frame++ % 3 == 2 ? float.NaN : Mean.Payload.Value;
        Echo.Payload.Value = Mean.Payload.Value;
    }

    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        long with = 0;
        foreach (ref readonly FrameRecord r in records) if (!float.IsNaN(r.DemoMetric)) with++;
        metrics.Add("frames_with_value", with);
    }
}
