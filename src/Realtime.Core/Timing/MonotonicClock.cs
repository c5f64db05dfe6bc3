using System.Diagnostics;

namespace Realtime.Core.Timing;

/// <summary>The one clock of the hot path: CLOCK_MONOTONIC in nanoseconds (Stopwatch uses it on Linux).</summary>
public static class MonotonicClock
{
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;
    private static readonly bool TicksAreNs = Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Now, in nanoseconds of CLOCK_MONOTONIC.</summary>
    public static long NowNs()
    {
        long t = Stopwatch.GetTimestamp();
        return TicksAreNs ? t : (long)(t * NsPerTick);
    }
}
