using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// The Gumbel (type I extreme-value) distribution G(x) = exp(−exp(−(x − μ)/β)): the limit law of the
/// maximum of many light-tailed samples, the law block maxima of execution times are fitted to.
/// </summary>
public readonly record struct Gumbel(double Location, double Scale)
{
    /// <summary>The Euler–Mascheroni constant (the mean of the standard Gumbel).</summary>
    public const double EulerGamma = 0.5772156649015329;

    /// <summary>P(X ≤ x).</summary>
    public double Cdf(double x) => Scale <= 0 ? (x >= Location ? 1 : 0) : Math.Exp(-Math.Exp(-(x - Location) / Scale));

    /// <summary>P(X &gt; x), accurate far into the tail (no 1 − 1 cancellation).</summary>
    public double Exceedance(double x) => Scale <= 0 ? (x >= Location ? 0 : 1) : -TailMath.ExpM1(-Math.Exp(-(x - Location) / Scale));

    /// <summary>The x exceeded with probability <paramref name="exceedance"/> (0..1).</summary>
    public double Quantile(double exceedance) => Location - Scale * Math.Log(-TailMath.Log1P(-exceedance));

    /// <summary>
    /// Method-of-moments fit: β = s·√6/π, μ = mean − γ·β (s: the sample standard deviation).
    /// </summary>
    public static Gumbel FitMoments(ReadOnlySpan<double> samples)
    {
        if (samples.Length < 2) throw new ArgumentException($"a fit needs at least 2 samples; got {samples.Length}");
        double mean = 0;
        foreach (double x in samples) mean += x;
        mean /= samples.Length;
        double ss = 0;
        foreach (double x in samples) ss += (x - mean) * (x - mean);
        double beta = Math.Sqrt(ss / (samples.Length - 1)) * Math.Sqrt(6) / Math.PI;
        return new Gumbel(mean - EulerGamma * beta, beta);
    }

    /// <summary>
    /// Maximum-likelihood fit: β solves β = mean − Σxᵢe^(−xᵢ/β) / Σe^(−xᵢ/β) (Newton from the moments'
    /// β), then μ = −β·ln(Σe^(−xᵢ/β)/n). Falls back to the moments' fit where Newton does not converge.
    /// </summary>
    public static Gumbel FitMaximumLikelihood(ReadOnlySpan<double> samples)
    {
        var start = FitMoments(samples);
        if (start.Scale <= 0) return start;
        double mean = 0, min = double.MaxValue;
        foreach (double x in samples) { mean += x; min = Math.Min(min, x); }
        mean /= samples.Length;
        double beta = start.Scale;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            // Shifted by the minimum so that e^(−(x − min)/β) ≤ 1 never overflows.
            double s0 = 0, s1 = 0, s2 = 0;
            foreach (double x in samples)
            {
                double y = x - min, w = Math.Exp(-y / beta);
                s0 += w; s1 += y * w; s2 += y * y * w;
            }
            double f = beta - (mean - min) + s1 / s0;
            // d/dβ of s1/s0 = (s2·s0 − s1²) / (β²·s0²)
            double df = 1 + (s2 * s0 - s1 * s1) / (beta * beta * s0 * s0);
            double next = beta - f / df;
            if (!(next > 0) || double.IsNaN(next)) return start;
            if (Math.Abs(next - beta) <= 1e-10 * beta)
            {
                beta = next;
                double sum = 0;
                foreach (double x in samples) sum += Math.Exp(-(x - min) / beta);
                return new Gumbel(min - beta * Math.Log(sum / samples.Length), beta);
            }
            beta = next;
        }
        return start;
    }
}
