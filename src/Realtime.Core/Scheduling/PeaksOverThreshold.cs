using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// pWCET by peaks over a threshold, the other branch of extreme-value theory beside block maxima
/// (<see cref="Pwcet"/>): the times above a high percentile u of the sample are fitted with a generalized
/// Pareto distribution; with ζ the share of frames above u, one frame exceeds u + y with probability
/// ζ·P(Y &gt; y). Unlike the Gumbel of block maxima, which assumes an exponential tail, the fitted shape
/// says whether the tail is heavier (ξ &gt; 0: the Gumbel's figure is too low) or bounded (ξ &lt; 0).
/// </summary>
public static class PeaksOverThreshold
{
    /// <summary>The percentile of the sample the threshold sits at, by default.</summary>
    public const double DefaultThresholdPercentile = 95;

    /// <summary>The shape at and above which the fit is outside its range (an infinite variance; the moments do not converge).</summary>
    public const double MaxShape = 0.5;

    /// <summary>Fewest exceedances a fit is made from (a sample of 600 at the 95th percentile).</summary>
    public const int MinExceedances = 30;

    /// <summary>
    /// Fits the times of <paramref name="samples"/> above their <paramref name="thresholdPercentile"/>th
    /// percentile (nearest rank) and returns the time one frame exceeds with probability
    /// <paramref name="perFrameExceedance"/>, and its probability per hour at <paramref name="rateHz"/>;
    /// null when fewer than <see cref="MinExceedances"/> samples lie above the threshold.
    /// </summary>
    public static PotEstimate? Estimate(ReadOnlySpan<double> samples, double perFrameExceedance, double rateHz, double thresholdPercentile = DefaultThresholdPercentile)
    {
        if (!(perFrameExceedance > 0 && perFrameExceedance < 1)) throw new ArgumentOutOfRangeException(nameof(perFrameExceedance), perFrameExceedance, "a probability in (0, 1)");
        if (!(thresholdPercentile > 0 && thresholdPercentile < 100)) throw new ArgumentOutOfRangeException(nameof(thresholdPercentile), thresholdPercentile, "a percentile in (0, 100)");
        if (samples.Length == 0) return null;
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        // Nearest rank, as the reports' percentiles.
        int rank = Math.Clamp((int)Math.Ceiling(thresholdPercentile / 100 * sorted.Length), 1, sorted.Length);
        double threshold = sorted[rank - 1];
        int above = sorted.Length - UpperBound(sorted, threshold);
        if (above < MinExceedances) return null;
        var excesses = new double[above];
        for (int i = 0; i < above; i++) excesses[i] = sorted[sorted.Length - above + i] - threshold;
        var fit = GeneralizedPareto.FitProbabilityWeightedMoments(excesses);
        double zeta = (double)above / sorted.Length;
        double value = ValueAt(fit, threshold, zeta, perFrameExceedance);
        return new PotEstimate(value, perFrameExceedance, Pwcet.PerHour(perFrameExceedance, rateHz), threshold, thresholdPercentile, above, sorted.Length, fit);
    }

    /// <summary>
    /// The time one frame exceeds with probability <paramref name="perFrameExceedance"/>, from a fit of the
    /// excesses over <paramref name="threshold"/>, which a share <paramref name="zeta"/> of frames exceed.
    /// A probability at or above ζ is inside the sample, not the tail: the threshold itself is returned.
    /// </summary>
    public static double ValueAt(GeneralizedPareto fit, double threshold, double zeta, double perFrameExceedance) =>
        perFrameExceedance >= zeta ? threshold : threshold + fit.Quantile(perFrameExceedance / zeta);

    /// <summary>The per-frame probability that one frame exceeds <paramref name="value"/>.</summary>
    public static double PerFrame(GeneralizedPareto fit, double threshold, double zeta, double value) =>
        value <= threshold ? zeta : zeta * fit.Exceedance(value - threshold);

    // The first index whose value is above x (the sample is sorted ascending).
    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
