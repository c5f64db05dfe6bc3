using System;

namespace Realtime.Tests;

/// <summary>
/// Managed bytes a step allocates on the calling thread, measured so that the runtime's one-off work is not taken for the step's.
/// Zero-allocation assertions whose work can be repeated go through here. The runtime now and then counts bytes of its own on the
/// measured thread: the JIT's on-stack replacement of a long loop (a clean room once counted 7,472 bytes over 500 inferences, a CI run
/// 4,032 over 10,000 ladder steps), and work not yet named (a Core run under load counted 304 bytes over 1,000 ring writes and reads
/// that allocate nothing, with loops compiled optimized at once and no GC accounting at fault). Such work lands in one window;
/// an allocation per call lands in every window, so the least of three is the step's own.
/// </summary>
public static class ThreadAllocations
{
    /// <summary>
    /// Managed bytes allocated by <paramref name="n"/> calls of <paramref name="step"/> after <paramref name="warm"/> warm-up calls:
    /// the least of up to three windows (it stops at the first window that allocated nothing).
    /// </summary>
    public static long Least(Action step, int n = 1000, int warm = 100)
    {
        for (int i = 0; i < warm; i++) step();
        long least = long.MaxValue;
        for (int w = 0; w < 3 && least != 0; w++) least = Math.Min(least, Of(step, n));
        return least;
    }

    /// <summary>
    /// The least of the bytes each of three runs of <paramref name="window"/> allocated. All three always run, so a test that counts
    /// frames or writes afterwards counts three windows' worth.
    /// </summary>
    public static long LeastOfThree(Action window)
    {
        long least = long.MaxValue;
        for (int w = 0; w < 3; w++) least = Math.Min(least, Of(window, 1));
        return least;
    }

    private static long Of(Action step, int n)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
