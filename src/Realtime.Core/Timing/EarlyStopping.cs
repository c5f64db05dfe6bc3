using System;

namespace Realtime.Core.Timing;

/// <summary>
/// MLPerf LoadGen's early-stopping rule (loadgen/early_stopping.cc): a run of <c>n</c> frames of
/// which <c>t</c> were over a latency limit shows that the limit holds at percentile <c>p</c> with
/// 99% confidence when, were the true share of frames over it as large as <c>1 − p</c>, seeing as
/// few as <c>t</c> would have had a chance of at most 1%: P(Binomial(n, 1 − p) ≤ t) ≤ 0.01. With one
/// frame over, this is where BENCHMARKS.md's 64 (p90), 662 (p99) and 6,636 (p99.9) come from; with none,
/// 459 frames establish p99.
/// </summary>
public static class EarlyStopping
{
    /// <summary>The confidence LoadGen claims percentiles at.</summary>
    public const double Confidence = 0.99;

    /// <summary>P(X ≤ <paramref name="t"/>) for X ~ Binomial(<paramref name="n"/>, <paramref name="q"/>), summed in log space (no underflow at a million frames).</summary>
    public static double BinomialCdf(long t, long n, double q)
    {
        if (t < 0) return 0;
        if (t >= n || q <= 0) return 1;
        if (q >= 1) return 0;
        double logRatio = Math.Log(q) - double.LogP1(-q);
        double logPmf = n * double.LogP1(-q);   // k = 0
        double logSum = logPmf;
        for (long k = 0; k < t; k++)
        {
            logPmf += Math.Log((double)(n - k) / (k + 1)) + logRatio;
            double hi = Math.Max(logSum, logPmf);
            logSum = hi + Math.Log(Math.Exp(logSum - hi) + Math.Exp(logPmf - hi));
        }
        return Math.Min(1, Math.Exp(logSum));
    }

    /// <summary>Whether <paramref name="overLimit"/> frames over the limit among <paramref name="frames"/> establish the limit at percentile <paramref name="percentile"/> (0..100).</summary>
    public static bool Established(long frames, long overLimit, double percentile) =>
        frames > overLimit && BinomialCdf(overLimit, frames, Tail(percentile)) <= 1 - Confidence;

    /// <summary>
    /// The fewest frames that establish percentile <paramref name="percentile"/> with
    /// <paramref name="overLimit"/> of them over the limit (every further frame under it).
    /// </summary>
    public static long FramesNeeded(long overLimit, double percentile)
    {
        double q = Tail(percentile);
        long lo = overLimit, hi = Math.Max(overLimit + 1, 16);
        // The chance falls as frames grow for a fixed count over: double, then halve the gap.
        while (BinomialCdf(overLimit, hi, q) > 1 - Confidence)
        {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (BinomialCdf(overLimit, mid, q) <= 1 - Confidence) hi = mid; else lo = mid;
        }
        return hi;
    }

    // Decimal keeps 1 − 99.9/100 exact.
    private static double Tail(double percentile)
    {
        if (!(percentile > 0 && percentile < 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile is between 0 and 100");
        return (double)(1m - (decimal)percentile / 100m);
    }
}
