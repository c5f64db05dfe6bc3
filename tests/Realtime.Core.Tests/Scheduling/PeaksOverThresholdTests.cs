using System;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>
/// The peaks-over-threshold fit on seeded samples from distributions whose tails are known: the fitted
/// shape lands on the tail's own (exponential 0, Pareto 1/α, uniform −1) and the time for a per-frame
/// exceedance on the true quantile, within stated tolerances.
/// </summary>
public sealed class PeaksOverThresholdTests
{
    private static double[] Draw(int n, int seed, Func<double, double> inverseSurvival)
    {
        var rng = new Random(seed);
        var x = new double[n];
        // 1 − NextDouble() is in (0, 1]: a survival probability, never 0.
        for (int i = 0; i < n; i++) x[i] = inverseSurvival(1 - rng.NextDouble());
        return x;
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void ExponentialTimesFitShapeZeroAndTheirTrueQuantile(int seed)
    {
        // Exp(mean 1000): the excesses over any threshold are Exp(1000) again (GPD ξ = 0, σ = 1000);
        // the time exceeded with p = 1e-6 is −1000·ln p = 13 816.
        var x = Draw(200_000, seed, s => -1000 * Math.Log(s));
        var e = PeaksOverThreshold.Estimate(x, 1e-6, rateHz: 100)!;
        Assert.InRange(e.Fit.Shape, -0.05, 0.05);
        Assert.InRange(e.Fit.Scale, 920, 1080);
        Assert.Equal(10_000, e.Exceedances);
        Assert.Equal(200_000, e.Samples);
        Assert.InRange(e.ThresholdNs, -1000 * Math.Log(0.05) * 0.97, -1000 * Math.Log(0.05) * 1.03);
        double truth = -1000 * Math.Log(1e-6);
        Assert.InRange(e.ValueNs, truth * 0.9, truth * 1.1);
        Assert.Equal(Pwcet.PerHour(1e-6, 100), e.PerHourExceedance);
    }

    [Theory]
    [InlineData(41, 4)]
    [InlineData(42, 5)]
    public void ParetoTimesFitShapeOneOverAlphaAndTheirTrueQuantile(int seed, double alpha)
    {
        // P(X > x) = x^(−α), x ≥ 1: over u the excess is GPD(ξ = 1/α, σ = u/α); the time exceeded with p is p^(−1/α).
        var x = Draw(200_000, seed, s => Math.Pow(s, -1 / alpha));
        var e = PeaksOverThreshold.Estimate(x, 1e-6, rateHz: 30)!;
        Assert.InRange(e.Fit.Shape, 1 / alpha - 0.06, 1 / alpha + 0.06);
        Assert.InRange(e.Fit.Scale, e.ThresholdNs / alpha * 0.9, e.ThresholdNs / alpha * 1.1);
        double truth = Math.Pow(1e-6, -1 / alpha);
        Assert.InRange(e.ValueNs, truth * 0.75, truth * 1.25);
        // A heavy tail: block maxima's Gumbel, which assumes an exponential one, gives less at the same probability.
        Assert.True(Pwcet.Estimate(x, 1e-6, 30)!.ValueNs < e.ValueNs);
    }

    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public void UniformTimesFitANegativeShapeAndABoundNearTheirEnd(int seed)
    {
        // U(0, 1000): over u = 950 the excess is uniform on (0, 50), GPD ξ = −1, σ = 50, ending at 1000;
        // far into the tail the pWCET is that end, not beyond.
        var x = Draw(200_000, seed, s => 1000 * (1 - s));
        var e = PeaksOverThreshold.Estimate(x, 1e-9, rateHz: 30)!;
        Assert.InRange(e.Fit.Shape, -1.2, -0.8);
        Assert.InRange(e.ThresholdNs + e.Fit.UpperEnd, 995, 1005);
        Assert.InRange(e.ValueNs, 995, 1005);
    }

    [Fact]
    public void TheDistributionsQuantileAndExceedanceAreInverse()
    {
        foreach (var d in new[] { new GeneralizedPareto(0, 100), new GeneralizedPareto(0.3, 100), new GeneralizedPareto(-0.5, 100) })
        foreach (double p in new[] { 0.5, 1e-3, 1e-9 })
            Assert.Equal(p, d.Exceedance(d.Quantile(p)), p * 1e-6);
        // A bounded tail ends at −σ/ξ: nothing beyond.
        Assert.Equal(200, new GeneralizedPareto(-0.5, 100).UpperEnd);
        Assert.Equal(0, new GeneralizedPareto(-0.5, 100).Exceedance(250));
        Assert.Equal(double.PositiveInfinity, new GeneralizedPareto(0.1, 100).UpperEnd);
    }

    [Fact]
    public void PerFrameProbabilityAndValueAgreeAndTheSampleIsNotTheTail()
    {
        var fit = new GeneralizedPareto(0.1, 50);
        double value = PeaksOverThreshold.ValueAt(fit, 1000, 0.05, 1e-7);
        Assert.Equal(1e-7, PeaksOverThreshold.PerFrame(fit, 1000, 0.05, value), 1e-13);
        // A probability the threshold's own share already covers is answered by the threshold.
        Assert.Equal(1000, PeaksOverThreshold.ValueAt(fit, 1000, 0.05, 0.1));
    }

    [Fact]
    public void TooFewExceedancesGiveNoEstimate()
    {
        // 599 samples at the 95th percentile leave 29 above: one short of a fit; 600 leave 30.
        var rising = new double[600];
        for (int i = 0; i < rising.Length; i++) rising[i] = i;
        Assert.Null(PeaksOverThreshold.Estimate(rising.AsSpan(0, 599), 1e-6, 30));
        Assert.Equal(30, PeaksOverThreshold.Estimate(rising, 1e-6, 30)!.Exceedances);
        // A flat sample has nothing above its percentile.
        Assert.Null(PeaksOverThreshold.Estimate(new double[10_000], 1e-6, 30));
    }
}
