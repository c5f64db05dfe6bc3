using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// The generalized Pareto distribution of an excess y ≥ 0 over a threshold: P(Y &gt; y) = (1 + ξy/σ)^(−1/ξ),
/// e^(−y/σ) at ξ = 0. The limit law of exceedances over a high threshold (Pickands–Balkema–de Haan):
/// ξ &gt; 0 a heavy (polynomial) tail, ξ = 0 an exponential one, ξ &lt; 0 a bounded one ending at −σ/ξ.
/// </summary>
public readonly record struct GeneralizedPareto(double Shape, double Scale)
{
    // |ξ| below this is treated as 0: (1 + ξy/σ)^(−1/ξ) loses its digits there.
    private const double ZeroShape = 1e-9;

    /// <summary>P(Y &gt; <paramref name="excess"/>).</summary>
    public double Exceedance(double excess)
    {
        if (excess <= 0) return 1;
        if (Math.Abs(Shape) < ZeroShape) return Math.Exp(-excess / Scale);
        double z = 1 + Shape * excess / Scale;
        return z <= 0 ? 0 : Math.Exp(-TailMath.Log1P(Shape * excess / Scale) / Shape);
    }

    /// <summary>The excess exceeded with probability <paramref name="exceedance"/> (0..1].</summary>
    public double Quantile(double exceedance) =>
        Math.Abs(Shape) < ZeroShape
            ? -Scale * Math.Log(exceedance)
            : Scale / Shape * TailMath.ExpM1(-Shape * Math.Log(exceedance));

    /// <summary>The largest excess possible (a bounded tail, ξ &lt; 0), else +∞.</summary>
    public double UpperEnd => Shape < 0 ? -Scale / Shape : double.PositiveInfinity;

    /// <summary>
    /// Probability-weighted moments fit (Hosking &amp; Wallis, "Parameter and quantile estimation for the
    /// generalized Pareto distribution", Technometrics 1987): with a₀ the mean of the excesses and
    /// a₁ = (1/m)·Σ (m − j)/(m − 1)·y₍ⱼ₎ over the sorted excesses, k = a₀/(a₀ − 2a₁) − 2, σ = 2a₀a₁/(a₀ − 2a₁),
    /// ξ = −k. Consistent for ξ &lt; 1/2 (a finite variance), and better than maximum likelihood on the
    /// few hundred excesses a calibration has.
    /// </summary>
    /// <param name="excesses">Excesses over the threshold (each ≥ 0), in any order; sorted in place.</param>
    public static GeneralizedPareto FitProbabilityWeightedMoments(Span<double> excesses)
    {
        int m = excesses.Length;
        if (m < 2) throw new ArgumentException($"a fit needs at least 2 excesses; got {m}");
        excesses.Sort();
        double a0 = 0, a1 = 0;
        for (int j = 0; j < m; j++)
        {
            if (!(excesses[j] >= 0)) throw new ArgumentException($"an excess over the threshold is at least 0; got {excesses[j]}");
            a0 += excesses[j];
            a1 += (m - 1 - j) * excesses[j];   // (m − j)/(m − 1) with j counted from 1
        }
        a0 /= m;
        a1 /= (double)m * (m - 1);
        double d = a0 - 2 * a1;
        // All excesses equal (a flat tail): no spread to fit; a point mass at the mean.
        if (!(d > 0) || a0 <= 0) return new GeneralizedPareto(-1, a0);
        return new GeneralizedPareto(-(a0 / d - 2), 2 * a0 * a1 / d);
    }
}
