using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Graph;

/// <summary>
/// A node that knows some of the application's own figures (a tracking error, a lap time, a relay's
/// latencies): it adds them to the report's <c>demo_metrics</c> once the run is over.
/// </summary>
public interface IApplicationMetrics
{
    /// <summary>
    /// Adds this node's figures (and the lines a person reads) to <paramref name="metrics"/> from
    /// <paramref name="records"/>, every frame of the run, warm-up included (see <see cref="FrameRecord.Flags"/>).
    /// Called once after the run, off the hot path: it may allocate.
    /// </summary>
    void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records);
}
