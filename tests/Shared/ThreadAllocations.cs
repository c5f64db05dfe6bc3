using System;

namespace Realtime.Tests;

/// <summary>Managed bytes a step allocates on the calling thread, measured so that the JIT's one-off work is not taken for the step's.</summary>
public static class ThreadAllocations
{
    /// <summary>
    /// Managed bytes allocated by <paramref name="n"/> calls of <paramref name="step"/> after <paramref name="warm"/> warm-up calls: the least of three
    /// windows, so the JIT's one-off work while a method tiers up (on-stack replacement of a long loop at tier 0; a clean room once counted 7,472
    /// bytes of it over 500 inferences) is not taken for the step's cost; an allocation per call shows in every window.
    /// </summary>
    public static long Least(Action step, int n = 1000, int warm = 100)
    {
        for (int i = 0; i < warm; i++) step();
        long least = long.MaxValue;
        for (int w = 0; w < 3 && least != 0; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < n; i++) step();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
