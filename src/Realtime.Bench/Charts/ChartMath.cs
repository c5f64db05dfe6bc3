using System;
using System.Collections.Generic;

namespace Realtime.Bench.Charts;

/// <summary>
/// The arithmetic behind the charts, kept apart so it can be tested on known data. Nothing here
/// drops an outlier: a thinned CDF keeps the largest sample, a histogram's last bin holds the
/// maximum, and a thinned timeline keeps each bucket's minimum and maximum.
/// </summary>
public static class ChartMath
{
    /// <summary>One point of an empirical CDF: a value and the fraction of samples at or below it.</summary>
    public readonly record struct CdfPoint(double Value, double Fraction);

    /// <summary>
    /// The empirical CDF of ascending <paramref name="sorted"/> values: every sample when there are at
    /// most <paramref name="maxPoints"/>, else <paramref name="maxPoints"/> samples evenly spaced in
    /// rank, the first and the last (the maximum) always among them. Fraction of sample i is (i+1)/n.
    /// </summary>
    public static CdfPoint[] Cdf(ReadOnlySpan<double> sorted, int maxPoints)
    {
        int n = sorted.Length;
        if (n == 0) return Array.Empty<CdfPoint>();
        if (maxPoints < 2) throw new ArgumentOutOfRangeException(nameof(maxPoints), "a CDF needs at least 2 points");
        int m = Math.Min(n, maxPoints);
        var points = new CdfPoint[m];
        for (int k = 0; k < m; k++)
        {
            int i = m == n ? k : (int)Math.Round((double)k * (n - 1) / (m - 1));
            points[k] = new CdfPoint(sorted[i], (i + 1) / (double)n);
        }
        return points;
    }

    /// <summary>A histogram: bins from the smallest to the largest value, of equal width or (log) of equal ratio.</summary>
    public sealed class Bins
    {
        /// <summary>Bin edges, one more than the bins: the first is the minimum, the last the maximum.</summary>
        public double[] Edges { get; init; } = Array.Empty<double>();
        /// <summary>Samples per bin; they add up to the sample count.</summary>
        public int[] Counts { get; init; } = Array.Empty<int>();
        /// <summary>Whether the bins are of equal ratio (a log axis).</summary>
        public bool Log { get; init; }
        /// <summary>Left edge of the first bin.</summary>
        public double Min => Edges.Length > 0 ? Edges[0] : 0;
        /// <summary>Right edge of the last bin.</summary>
        public double Max => Edges.Length > 0 ? Edges[^1] : 0;
    }

    /// <summary>
    /// Puts <paramref name="values"/> in <paramref name="bins"/> bins over [min, max]: bin k holds
    /// values in [edge k, edge k+1), the last bin also holds the maximum. Edges are equally spaced,
    /// or equally spaced in log10 when <paramref name="log"/> and every value is positive (a latency
    /// tail then keeps the body readable). All values equal: one bin holds them all.
    /// </summary>
    public static Bins Histogram(ReadOnlySpan<double> values, int bins, bool log = false)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        if (values.Length == 0) return new Bins { Edges = new double[bins + 1], Counts = new int[bins] };
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values) { if (v < min) min = v; if (v > max) max = v; }
        if (max == min)
        {
            return new Bins { Edges = new[] { min, max }, Counts = new[] { values.Length } };
        }
        log = log && min > 0;
        double a = log ? Math.Log10(min) : min, b = log ? Math.Log10(max) : max;
        double w = (b - a) / bins;
        var edges = new double[bins + 1];
        for (int k = 0; k <= bins; k++) edges[k] = log ? Math.Pow(10, a + k * w) : a + k * w;
        edges[0] = min;
        edges[bins] = max;
        var counts = new int[bins];
        foreach (double v in values)
        {
            int k = (int)(((log ? Math.Log10(v) : v) - a) / w);
            counts[Math.Clamp(k, 0, bins - 1)]++;
        }
        return new Bins { Edges = edges, Counts = counts, Log = log };
    }

    /// <summary>One point of a thinned series: its index in the original series and its value.</summary>
    public readonly record struct IndexedPoint(int Index, double Value);

    /// <summary>
    /// A series thinned for drawing: every point when there are at most 2·<paramref name="buckets"/>,
    /// else each of <paramref name="buckets"/> consecutive runs is drawn by its minimum and maximum,
    /// in the order they occur — spikes and dips survive at any length.
    /// </summary>
    public static IndexedPoint[] Envelope(ReadOnlySpan<double> values, int buckets)
    {
        int n = values.Length;
        if (buckets < 1) throw new ArgumentOutOfRangeException(nameof(buckets));
        if (n <= 2 * buckets)
        {
            var all = new IndexedPoint[n];
            for (int i = 0; i < n; i++) all[i] = new IndexedPoint(i, values[i]);
            return all;
        }
        var list = new List<IndexedPoint>(2 * buckets);
        for (int b = 0; b < buckets; b++)
        {
            int start = (int)((long)b * n / buckets), end = (int)((long)(b + 1) * n / buckets);
            int lo = start, hi = start;
            for (int i = start; i < end; i++)
            {
                if (values[i] < values[lo]) lo = i;
                if (values[i] > values[hi]) hi = i;
            }
            int first = Math.Min(lo, hi), second = Math.Max(lo, hi);
            list.Add(new IndexedPoint(first, values[first]));
            if (second != first) list.Add(new IndexedPoint(second, values[second]));
        }
        return list.ToArray();
    }

    /// <summary>About <paramref name="count"/> round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi].</summary>
    public static double[] LinearTicks(double lo, double hi, int count)
    {
        if (!(hi > lo)) return new[] { lo };
        double raw = (hi - lo) / Math.Max(1, count);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag : 10 * mag;
        var ticks = new List<double>();
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks.ToArray();
    }

    /// <summary>Tick values for a log axis over [lo, hi] (lo &gt; 0): powers of ten, with 2 and 5 between them when the range is short, round linear steps within a decade.</summary>
    public static double[] LogTicks(double lo, double hi)
    {
        if (!(lo > 0) || !(hi > lo)) return new[] { Math.Max(lo, 1e-9) };
        // Within one decade, powers of ten say little: round linear steps read better.
        if (hi / lo < 8) return LinearTicks(lo, hi, 4);
        var ticks = new List<double>();
        int d0 = (int)Math.Floor(Math.Log10(lo)), d1 = (int)Math.Ceiling(Math.Log10(hi));
        bool fine = d1 - d0 <= 3;
        for (int d = d0; d <= d1; d++)
        {
            double p = Math.Pow(10, d);
            foreach (double m in fine ? new[] { 1.0, 2, 5 } : new[] { 1.0 })
            {
                double t = m * p;
                if (t >= lo * 0.999 && t <= hi * 1.001) ticks.Add(t);
            }
        }
        if (ticks.Count == 0) ticks.Add(lo);
        return ticks.ToArray();
    }
}
