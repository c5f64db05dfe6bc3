using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>
/// One application of a profile that runs several in one host (<c>apps[]</c>): a loop of its own, named,
/// running a registered application (its graph and timing from the profile's <c>demos</c> entry for it),
/// with its own rate, deadline, pipeline cores and priority; a field left out is the application's own.
/// </summary>
public sealed class AppEntryProfile
{
    /// <summary>The loop's name (letters, digits, '-' and '_'), unique in the profile: reports, logs, metrics and the timing file name it.</summary>
    public string Name { get; set; } = "";
    /// <summary>The registered application the loop runs (the command line's <c>--demo</c> name).</summary>
    public string Demo { get; set; } = "";
    /// <summary>Loop rate, Hz (the application's <c>app.loop.rate_hz</c> or <c>timing.rate_hz</c> when left out).</summary>
    public double? RateHz { get; set; }
    /// <summary>Deadline after capture, µs (the application's when left out).</summary>
    public long? DeadlineUs { get; set; }
    /// <summary>The cores the loop's thread may run on (the profile's <c>threads.pipeline.cores</c> when left out).</summary>
    public List<int>? Cores { get; set; }
    /// <summary>The loop thread's SCHED_FIFO priority, 1..99 (the profile's <c>threads.pipeline.priority</c> when left out).</summary>
    public int? Priority { get; set; }
}
