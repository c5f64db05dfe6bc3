using System;

namespace Realtime.Core.Timing;

/// <summary>
/// Nearest-rank percentiles (as MLPerf LoadGen computes them) over every sample, with LoadGen's
/// minimum sample counts for a percentile to count as established at 99% confidence.
/// </summary>
public static class Percentiles
{
    /// <summary>Samples LoadGen's early-stopping rule needs before p90 means anything.</summary>
    public const int MinSamplesP90 = 64;
    /// <summary>Samples needed before p99 means anything.</summary>
    public const int MinSamplesP99 = 662;
    /// <summary>Samples needed before p99.9 means anything.</summary>
    public const int MinSamplesP999 = 6636;

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..100] of ascending-sorted values.</summary>
    public static long NearestRank(ReadOnlySpan<long> sortedAscending, double p)
    {
        if (sortedAscending.Length == 0) return 0;
        if (p <= 0) return sortedAscending[0];
        // Decimal keeps p×n/100 exact: in double, 99.9/100×1000 is 999.0000000000001 and would round up a rank.
        long rank = (long)Math.Ceiling((decimal)p * sortedAscending.Length / 100m);
        if (rank < 1) rank = 1;
        if (rank > sortedAscending.Length) rank = sortedAscending.Length;
        return sortedAscending[(int)rank - 1];
    }

    /// <summary>Summarises nanosecond samples (not modified) into microsecond percentiles.</summary>
    public static LatencySummary Summarize(ReadOnlySpan<long> samplesNs)
    {
        var sorted = samplesNs.ToArray();
        Array.Sort(sorted);
        return SummarizeSorted(sorted);
    }

    /// <summary>
    /// Summarises a histogram's counts (a continuous run's: no samples are kept), each percentile
    /// within <see cref="LatencyHistogram.RelativeError"/> of the nearest-rank value; max and mean are exact.
    /// </summary>
    public static LatencySummary FromHistogram(HistogramSnapshot h)
    {
        var s = new LatencySummary();
        FillFromHistogram(h, s);
        return s;
    }

    /// <summary>
    /// <see cref="FromHistogram"/> into a summary the caller keeps, allocating nothing (a service's
    /// interval reports reuse theirs, so the telemetry thread causes no garbage collection).
    /// </summary>
    public static void FillFromHistogram(HistogramSnapshot h, LatencySummary s)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(s);
        s.Count = (int)Math.Min(h.Count, int.MaxValue);
        bool any = h.Count > 0;
        s.P50Us = any ? h.ValueAtQuantile(0.50) / 1000.0 : 0;
        s.P90Us = any ? h.ValueAtQuantile(0.90) / 1000.0 : 0;
        s.P95Us = any ? h.ValueAtQuantile(0.95) / 1000.0 : 0;
        s.P99Us = any ? h.ValueAtQuantile(0.99) / 1000.0 : 0;
        s.P999Us = any ? h.ValueAtQuantile(0.999) / 1000.0 : 0;
        s.MaxUs = any ? h.MaxNs / 1000.0 : 0;
        s.MeanUs = any ? h.MeanNs / 1000.0 : 0;
        s.NotEstablished = !any ? null : NotEstablishedFor(h.Count);
    }

    // The three possible lists, made once (a summary's list is read, never changed).
    private static readonly string[] MissingAll = ["p90", "p99", "p999"], MissingP99Up = ["p99", "p999"], MissingP999 = ["p999"];

    private static string[]? NotEstablishedFor(long count) =>
        count < MinSamplesP90 ? MissingAll : count < MinSamplesP99 ? MissingP99Up : count < MinSamplesP999 ? MissingP999 : null;

    /// <summary>Summarises ascending-sorted nanosecond samples.</summary>
    public static LatencySummary SummarizeSorted(ReadOnlySpan<long> sorted)
    {
        var s = new LatencySummary { Count = sorted.Length };
        if (sorted.Length == 0) return s;
        double sum = 0;
        foreach (long v in sorted) sum += v;
        s.P50Us = sorted.Length == 0 ? 0 : NearestRank(sorted, 50) / 1000.0;
        s.P90Us = NearestRank(sorted, 90) / 1000.0;
        s.P95Us = NearestRank(sorted, 95) / 1000.0;
        s.P99Us = NearestRank(sorted, 99) / 1000.0;
        s.P999Us = NearestRank(sorted, 99.9) / 1000.0;
        s.MaxUs = sorted[^1] / 1000.0;
        s.MeanUs = sum / sorted.Length / 1000.0;
        s.NotEstablished = NotEstablishedFor(sorted.Length);
        return s;
    }
}

/// <summary>Latency percentiles in microseconds: the report's <c>P</c> object.</summary>
public sealed class LatencySummary
{
    /// <summary>Number of samples.</summary>
    public int Count { get; set; }
    /// <summary>Median.</summary>
    public double P50Us { get; set; }
    /// <summary>90th percentile.</summary>
    public double P90Us { get; set; }
    /// <summary>95th percentile.</summary>
    public double P95Us { get; set; }
    /// <summary>99th percentile.</summary>
    public double P99Us { get; set; }
    /// <summary>99.9th percentile.</summary>
    public double P999Us { get; set; }
    /// <summary>Largest sample.</summary>
    public double MaxUs { get; set; }
    /// <summary>Arithmetic mean.</summary>
    public double MeanUs { get; set; }
    /// <summary>Percentiles with fewer samples than LoadGen's rule needs; null when all are established.</summary>
    public string[]? NotEstablished { get; set; }
}

/// <summary>Period jitter of a periodic loop: |actual start-to-start − nominal period|.</summary>
public sealed class JitterSummary
{
    /// <summary>Intervals measured.</summary>
    public int Count { get; set; }
    /// <summary>Median of the absolute jitter, µs.</summary>
    public double P50 { get; set; }
    /// <summary>99th percentile of the absolute jitter, µs.</summary>
    public double P99 { get; set; }
    /// <summary>Largest absolute jitter, µs.</summary>
    public double Max { get; set; }
    /// <summary>Standard deviation of the signed jitter, µs.</summary>
    public double Stddev { get; set; }

    /// <summary>Computes jitter from ascending frame start times and the nominal period.</summary>
    public static JitterSummary FromStarts(ReadOnlySpan<long> startNs, long periodNs)
    {
        var j = new JitterSummary();
        if (startNs.Length < 2 || periodNs <= 0) return j;
        int n = startNs.Length - 1;
        var abs = new long[n];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            long d = startNs[i + 1] - startNs[i] - periodNs;
            abs[i] = Math.Abs(d);
            sum += d;
            sumSq += (double)d * d;
        }
        Array.Sort(abs);
        double mean = sum / n;
        j.Count = n;
        j.P50 = Percentiles.NearestRank(abs, 50) / 1000.0;
        j.P99 = Percentiles.NearestRank(abs, 99) / 1000.0;
        j.Max = abs[^1] / 1000.0;
        j.Stddev = Math.Sqrt(Math.Max(0, sumSq / n - mean * mean)) / 1000.0;
        return j;
    }
}
