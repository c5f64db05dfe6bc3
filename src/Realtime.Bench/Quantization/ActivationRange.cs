using System;

namespace Realtime.Bench.Quantization;

/// <summary>How an activation's range is chosen from what calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,
    /// <summary>Magnitudes up to the 99.99th percentile of |x|; rarer outliers saturate.</summary>
    Percentile,
    /// <summary>The threshold on |x| whose 128-level quantization loses least information (KL divergence, as TensorRT's calibrator).</summary>
    Entropy,
}

/// <summary>
/// What calibration saw of one activation: its extremes (first pass) and a histogram of |x| over
/// [0, max |x|] (second pass, for the percentile and entropy methods).
/// </summary>
public sealed class ActivationRange
{
    /// <summary>Bins of the |x| histogram (TensorRT's calibrator uses 2048).</summary>
    public const int Bins = 2048;
    /// <summary>Levels the entropy method quantizes the histogram into (8 bits, one sign).</summary>
    public const int Levels = 128;
    /// <summary>The percentile method's coverage of |x|, per cent.</summary>
    public const double PercentileKept = 99.99;

    private long[]? _histogram;

    /// <summary>The tensor's name in the graph.</summary>
    public string Name { get; }

    /// <summary>Smallest value seen.</summary>
    public float Min { get; private set; } = float.PositiveInfinity;

    /// <summary>Largest value seen.</summary>
    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>Values seen in the first pass.</summary>
    public long Count { get; private set; }

    /// <summary>Starts an empty range for tensor <paramref name="name"/>.</summary>
    public ActivationRange(string name) => Name = name;

    /// <summary>The largest magnitude seen.</summary>
    public float AbsMax => Math.Max(Math.Abs(Min), Math.Abs(Max));

    /// <summary>First pass: widens the extremes to cover <paramref name="values"/>; non-finite values are skipped.</summary>
    public void Observe(ReadOnlySpan<float> values)
    {
        float lo = Min, hi = Max;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        Min = lo;
        Max = hi;
        Count += values.Length;
    }

    /// <summary>Second pass: counts |x| of <paramref name="values"/> into the histogram over [0, <see cref="AbsMax"/>].</summary>
    public void Histogram(ReadOnlySpan<float> values)
    {
        _histogram ??= new long[Bins];
        float top = AbsMax;
        if (!(top > 0)) { _histogram[0] += values.Length; return; }
        float perBin = Bins / top;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int bin = (int)(Math.Abs(v) * perBin);
            _histogram[bin >= Bins ? Bins - 1 : bin]++;
        }
    }

    /// <summary>The range [lo, hi] the method chooses (always containing 0, as a quantized zero must be exact).</summary>
    public (float Lo, float Hi) Chosen(CalibrationMethod method)
    {
        if (Count == 0) throw new InvalidOperationException($"activation {Name}: calibration saw no value");
        float lo = Math.Min(0f, float.IsFinite(Min) ? Min : 0f), hi = Math.Max(0f, float.IsFinite(Max) ? Max : 0f);
        if (method == CalibrationMethod.MinMax || _histogram is null || !(AbsMax > 0)) return (lo, hi);
        float threshold = method == CalibrationMethod.Percentile ? PercentileThreshold(_histogram, AbsMax) : EntropyThreshold(_histogram, AbsMax);
        return (Math.Max(lo, -threshold), Math.Min(hi, threshold));
    }

    /// <summary>The |x| below which <see cref="PercentileKept"/> % of the values lie (the top of that bin).</summary>
    public static float PercentileThreshold(long[] histogram, float absMax)
    {
        long total = 0;
        foreach (long c in histogram) total += c;
        long keep = (long)Math.Ceiling(total * PercentileKept / 100.0), seen = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= keep) return (i + 1) * absMax / histogram.Length;
        }
        return absMax;
    }

    /// <summary>
    /// TensorRT's entropy calibration: for each candidate threshold (bin i from <see cref="Levels"/> on),
    /// P is the histogram up to i with everything beyond folded into its last bin, Q is the histogram up
    /// to i merged into <see cref="Levels"/> levels and spread back over the bins that held values; the
    /// threshold with the smallest KL(P‖Q) wins.
    /// </summary>
    public static float EntropyThreshold(long[] histogram, float absMax)
    {
        int bins = histogram.Length;
        if (bins <= Levels) return absMax;
        var p = new double[bins];
        var q = new double[bins];
        double bestKl = double.PositiveInfinity;
        int best = bins;
        long beyond = 0;
        for (int i = bins - 1; i >= Levels; i--) beyond += histogram[i];
        for (int i = Levels; i <= bins; i++)
        {
            // beyond: the count in bins i.. (folded into P's last bin).
            if (i > Levels) beyond -= histogram[i - 1];
            double pTotal = 0;
            for (int k = 0; k < i; k++) { p[k] = histogram[k]; pTotal += p[k]; }
            p[i - 1] += beyond;
            pTotal += beyond;
            if (pTotal == 0) continue;
            double perLevel = (double)i / Levels;
            double qTotal = 0;
            for (int j = 0; j < Levels; j++)
            {
                int start = (int)Math.Floor(j * perLevel), end = j == Levels - 1 ? i : (int)Math.Floor((j + 1) * perLevel);
                double sum = 0;
                int nonZero = 0;
                for (int k = start; k < end; k++)
                    if (histogram[k] != 0) { sum += histogram[k]; nonZero++; }
                double spread = nonZero > 0 ? sum / nonZero : 0;
                for (int k = start; k < end; k++) { q[k] = histogram[k] != 0 ? spread : 0; qTotal += q[k]; }
            }
            double kl = 0;
            for (int k = 0; k < i; k++)
            {
                if (p[k] == 0) continue;
                double pk = p[k] / pTotal;
                // A bin P has and Q lacks (the folded outliers' bin when it was empty): a small floor instead of infinity.
                double qk = qTotal > 0 && q[k] > 0 ? q[k] / qTotal : 1e-12;
                kl += pk * Math.Log(pk / qk);
            }
            if (kl < bestKl) { bestKl = kl; best = i; }
        }
        return Math.Min(absMax, (best + 0.5f) * absMax / bins);
    }
}
