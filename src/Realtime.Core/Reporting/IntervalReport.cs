using System.Collections.Generic;
using Realtime.Core.Timing;

namespace Realtime.Core.Reporting;

/// <summary>
/// A continuous run's report while it runs (every <c>telemetry.interval_s</c>, on SIGHUP): the last
/// interval and the run so far, from the loop's histograms (percentiles within
/// <see cref="RelativeError"/>), written by the telemetry thread into the state directory.
/// </summary>
public sealed class IntervalReport
{
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version of the binary.</summary>
    public string Version { get; set; } = "";
    /// <summary>Board profile name.</summary>
    public string Board { get; set; } = "";
    /// <summary>Application name.</summary>
    public string Demo { get; set; } = "";
    /// <summary>The loop's name (<c>apps[].name</c>) when the host runs several applications; null for a single loop.</summary>
    public string? Loop { get; set; }
    /// <summary>Why it was written: interval, sighup.</summary>
    public string Reason { get; set; } = "";
    /// <summary>Its sequence number in this run, from 1.</summary>
    public long Sequence { get; set; }
    /// <summary>When it was written, UTC (ISO 8601 in the JSON; a date, not a string, so a report costs no allocation).</summary>
    public System.DateTime WrittenAt { get; set; }
    /// <summary>Seconds since the loop started.</summary>
    public double UptimeS { get; set; }
    /// <summary>Where the percentiles come from: "histogram".</summary>
    public string Percentiles { get; set; } = "histogram";
    /// <summary>The largest relative difference between a percentile given and the exact nearest-rank one.</summary>
    public double RelativeError { get; set; } = LatencyHistogram.RelativeError;
    /// <summary>Nominal rate.</summary>
    public double RateHz { get; set; }
    /// <summary>Deadline after capture, µs.</summary>
    public long DeadlineUs { get; set; }
    /// <summary>Since the report before (or the loop's start).</summary>
    public IntervalFigures Interval { get; set; } = new();
    /// <summary>Since the loop started (warm-up not counted).</summary>
    public IntervalFigures Run { get; set; } = new();
    /// <summary>The machine and the process over the interval (when sampled).</summary>
    public ResourceSummary? Resources { get; set; }
}

/// <summary>Counts and latencies over one span of a continuous run.</summary>
public sealed class IntervalFigures
{
    /// <summary>Length of the span, s.</summary>
    public double Seconds { get; set; }
    /// <summary>Counted frames.</summary>
    public long Frames { get; set; }
    /// <summary>Counted frames whose end-to-end latency passed the deadline.</summary>
    public long DeadlineMisses { get; set; }
    /// <summary>Frames the source produced that the loop never took.</summary>
    public long DroppedFrames { get; set; }
    /// <summary>Frames the source failed, or delivered stale or flat.</summary>
    public long SourceFaultFrames { get; set; }
    /// <summary>Capture to actuation.</summary>
    public LatencySummary EndToEnd { get; set; } = new();
    /// <summary>Each stage, by name (the run's span only).</summary>
    public Dictionary<string, LatencySummary>? Stages { get; set; }
}

/// <summary>How a continuous run's report was made (null in a bounded run's, whose percentiles are exact).</summary>
public sealed class ContinuousInfo
{
    /// <summary>Where the percentiles of stages, end to end, jitter and floor come from: "histogram".</summary>
    public string Percentiles { get; set; } = "histogram";
    /// <summary>The largest relative difference between a percentile given and the exact nearest-rank one.</summary>
    public double RelativeError { get; set; } = LatencyHistogram.RelativeError;
    /// <summary>Counted frames whose records the run keeps (the last ones).</summary>
    public int RingFrames { get; set; }
    /// <summary>Counted frames whose records the report's per-frame figures (demo metrics, stage budget overruns) cover.</summary>
    public int FramesInRing { get; set; }
    /// <summary>Seconds between interval reports.</summary>
    public double IntervalS { get; set; }
    /// <summary>Interval reports written (interval and SIGHUP).</summary>
    public long IntervalReports { get; set; }
    /// <summary>The state directory they went to (null: stdout only).</summary>
    public string? StateDirectory { get; set; }
    /// <summary>The last interval report that could not be written, in words (null: none failed).</summary>
    public string? LastWriteError { get; set; }
}
