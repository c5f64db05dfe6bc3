using System.Collections.Generic;

namespace Realtime.Core.Reporting;

/// <summary>
/// Why frames missed their deadline, as the kernel and the stamps tell it: a count per cause and
/// the most recent misses with what was measured about each.
/// </summary>
public sealed class MissCauseReport
{
    /// <summary>
    /// Misses per cause, in the order they are tried: <c>preempted</c>, <c>page_faults</c>,
    /// <c>source_late</c>, <c>throttled</c>, <c>hot</c>, <c>memory_pressure</c>, <c>io_pressure</c>,
    /// <c>slow_stage:STAGE</c>.
    /// </summary>
    public Dictionary<string, int> ByCause { get; set; } = new();
    /// <summary>The most recent misses (at most <see cref="Kept"/>), oldest first.</summary>
    public List<MissCause> Frames { get; set; } = new();
    /// <summary>How many misses the list can hold; older ones are only counted.</summary>
    public int Kept { get; set; }
    /// <summary>Why the pipeline thread's kernel counters could not be read (causes then come from the stamps alone), or null.</summary>
    public string? CountersUnavailable { get; set; }
    /// <summary>What one minor page fault was taken to cost when weighing page faults against the overrun, µs (measured on this machine at start).</summary>
    public double MinorFaultUs { get; set; }
}

/// <summary>One missed frame and its cause.</summary>
public sealed class MissCause
{
    /// <summary>The frame's index (warm-up included).</summary>
    public int Frame { get; set; }
    /// <summary>The cause: what, taken away, would have let the frame make its deadline.</summary>
    public string Cause { get; set; } = "";
    /// <summary>End-to-end latency, µs.</summary>
    public double EndToEndUs { get; set; }
    /// <summary>By how much it missed, µs.</summary>
    public double OverByUs { get; set; }
    /// <summary>Time the pipeline thread was runnable but off the CPU during the frame, µs.</summary>
    public double RunQueueWaitUs { get; set; }
    /// <summary>Times it was preempted during the frame.</summary>
    public long InvoluntarySwitches { get; set; }
    /// <summary>Times it blocked during the frame.</summary>
    public long VoluntarySwitches { get; set; }
    /// <summary>Minor page faults during the frame.</summary>
    public long MinorFaults { get; set; }
    /// <summary>Major page faults (waiting for I/O) during the frame.</summary>
    public long MajorFaults { get; set; }
    /// <summary>The longest stage, or the one over its budget.</summary>
    public string Stage { get; set; } = "";
    /// <summary>That stage's duration, µs.</summary>
    public double StageUs { get; set; }
    /// <summary>What the machine was doing in the sample interval of the miss (e.g. <c>throttled+hot</c>), null when nothing (or not sampled).</summary>
    public string? Machine { get; set; }
}
