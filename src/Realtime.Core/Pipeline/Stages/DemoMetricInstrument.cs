using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>Writes an <see cref="IDemoMetric{TResult}"/>'s figure for each processed frame (not a source fault) into its record.</summary>
public sealed class DemoMetricInstrument<TResult>(IDemoMetric<TResult> metric, ValuePayload<TResult> observation, FrameBuffer slot) : LoopInstrument where TResult : struct
{
    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        if ((record.Flags & FrameFlags.SourceFault) == 0) record.DemoMetric = metric.Measure(in observation.Value, slot);
    }
}
