using System;

namespace Realtime.Core.Timing;

/// <summary>
/// Whether a run's tail moved against a baseline's beyond sampling noise: a percentile bootstrap
/// confidence interval of the difference of the two runs' nearest-rank percentiles (new − old); the
/// tail moved when the interval leaves out 0.
/// <para>
/// Why the bootstrap of the percentile, not Mann-Whitney: Mann-Whitney tests whether one run tends
/// to be slower as a whole (it weighs the median's frames as much as the tail's), and a loop whose
/// p99 doubled while its median held can pass it; the question here is the tail's, and the
/// bootstrap interval is about the very figure the report gives, in its unit (µs).
/// </para>
/// <para>
/// Each resample is drawn exactly and cheaply: the k-th smallest of n indices drawn uniformly from
/// a sorted run is the index ⌊n·U⌋ where U ~ Beta(k, n − k + 1) (the k-th order statistic of n
/// uniforms), so a replicate of a nearest-rank percentile costs two gamma draws, not a resample of
/// n frames and a sort. The generator is seeded: the same two runs give the same verdict.
/// </para>
/// <para>
/// What it does not cover: the interval is the noise of sampling within each run; two runs on a busy
/// machine can differ by more (the load changed between them). Compare runs made alike.
/// </para>
/// </summary>
public static class TailComparison
{
    /// <summary>Resamples drawn.</summary>
    public const int Resamples = 4000;
    /// <summary>Two-sided confidence of the interval.</summary>
    public const double Confidence = 0.95;

    /// <summary>Compares percentile <paramref name="percentile"/> (0..100] of two runs' latencies (ns; not modified).</summary>
    public static TailShift Compare(ReadOnlySpan<long> baselineNs, ReadOnlySpan<long> currentNs, double percentile, int seed = 20261204)
    {
        if (baselineNs.Length == 0 || currentNs.Length == 0) throw new ArgumentException("both runs need frames");
        var a = baselineNs.ToArray();
        var b = currentNs.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        var rng = new Random(seed);
        var diffs = new double[Resamples];
        for (int i = 0; i < Resamples; i++)
            diffs[i] = Replicate(b, percentile, rng) - Replicate(a, percentile, rng);
        Array.Sort(diffs);
        double alpha = (1 - Confidence) / 2;
        double low = diffs[(int)Math.Floor(alpha * (Resamples - 1))];
        double high = diffs[(int)Math.Ceiling((1 - alpha) * (Resamples - 1))];
        long oldNs = Percentiles.NearestRank(a, percentile), newNs = Percentiles.NearestRank(b, percentile);
        return new TailShift
        {
            Percentile = percentile,
            BaselineUs = oldNs / 1000.0,
            CurrentUs = newNs / 1000.0,
            DifferenceUs = (newNs - oldNs) / 1000.0,
            IntervalLowUs = Math.Round(low / 1000.0, 3),
            IntervalHighUs = Math.Round(high / 1000.0, 3),
            Moved = low > 0 || high < 0,
            Direction = low > 0 ? "slower" : high < 0 ? "faster" : "unchanged",
            Test = $"bootstrap: {Confidence * 100:0}% percentile interval of p{percentile} (this run − baseline) over {Resamples} resamples of each run; moved when it leaves out 0",
        };
    }

    /// <summary>The nearest-rank percentile of one resample of the sorted run, ns.</summary>
    private static double Replicate(long[] sorted, double percentile, Random rng)
    {
        int n = sorted.Length;
        long k = (long)Math.Ceiling((decimal)percentile * n / 100m);
        k = Math.Clamp(k, 1, n);
        double x = Gamma(k, rng), y = Gamma(n - k + 1, rng);
        double u = x / (x + y);
        int index = (int)Math.Min(n - 1, Math.Floor(u * n));
        return sorted[index];
    }

    /// <summary>A Gamma(<paramref name="shape"/>, 1) draw for shape ≥ 1 (Marsaglia and Tsang, 2000).</summary>
    private static double Gamma(double shape, Random rng)
    {
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(rng);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    private static double Normal(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>One percentile of two runs side by side, and whether it moved beyond noise (the bench report's <c>baseline.tail</c>).</summary>
public sealed class TailShift
{
    /// <summary>The percentile compared.</summary>
    public double Percentile { get; set; }
    /// <summary>The baseline's figure, µs.</summary>
    public double BaselineUs { get; set; }
    /// <summary>This run's figure, µs.</summary>
    public double CurrentUs { get; set; }
    /// <summary>This run's minus the baseline's, µs.</summary>
    public double DifferenceUs { get; set; }
    /// <summary>The interval's low end, µs.</summary>
    public double IntervalLowUs { get; set; }
    /// <summary>The interval's high end, µs.</summary>
    public double IntervalHighUs { get; set; }
    /// <summary>Whether the interval leaves out 0.</summary>
    public bool Moved { get; set; }
    /// <summary>slower, faster or unchanged.</summary>
    public string Direction { get; set; } = "";
    /// <summary>The test, in words.</summary>
    public string Test { get; set; } = "";
}
