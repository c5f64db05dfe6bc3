using System;
using Realtime.Core.Timing;

namespace Realtime.Bench;

/// <summary>What one stage stamp (<see cref="MonotonicClock.NowNs"/>) costs on this machine.</summary>
public sealed class StampCostSummary
{
    /// <summary>Median over the repetitions of the mean cost of one stamp, ns.</summary>
    public double P50Ns { get; set; }
    /// <summary>Lowest repetition's mean cost, ns.</summary>
    public double MinNs { get; set; }
    /// <summary>Highest repetition's mean cost, ns (a preemption during a repetition shows here).</summary>
    public double MaxNs { get; set; }
    /// <summary>Stamps per repetition.</summary>
    public int StampsPerRepetition { get; set; }
    /// <summary>Repetitions.</summary>
    public int Repetitions { get; set; }
    /// <summary>Stamps the loop takes per frame (start, capture end, five stage ends) and per floor run (two).</summary>
    public string StampsPerFrame { get; set; } = "7 per frame + 2 per floor run";
    /// <summary>Managed bytes the stamps allocated (the goal is 0).</summary>
    public long AllocatedBytes { get; set; }
}

/// <summary>Times back-to-back stamps, the way the loop takes them.</summary>
public static class StampCost
{
    /// <summary>Takes <paramref name="repetitions"/> runs of <paramref name="stamps"/> stamps each and summarises the per-stamp cost.</summary>
    public static StampCostSummary Measure(int stamps = 200_000, int repetitions = 9)
    {
        var means = new double[repetitions];
        long sink = 0;
        long bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < repetitions; r++)
        {
            long t0 = MonotonicClock.NowNs();
            for (int i = 0; i < stamps; i++) sink ^= MonotonicClock.NowNs();
            long t1 = MonotonicClock.NowNs();
            means[r] = (double)(t1 - t0) / (stamps + 1);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        GC.KeepAlive(sink);
        Array.Sort(means);
        return new StampCostSummary
        {
            P50Ns = Math.Round(means[repetitions / 2], 2),
            MinNs = Math.Round(means[0], 2),
            MaxNs = Math.Round(means[^1], 2),
            StampsPerRepetition = stamps,
            Repetitions = repetitions,
            AllocatedBytes = allocated,
        };
    }
}
