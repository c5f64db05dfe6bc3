using System;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>
/// The extreme-value fit on samples drawn (seeded) from distributions whose tails are known: the fitted
/// time for a per-frame exceedance probability lands within a stated tolerance of the true quantile.
/// </summary>
public sealed class PwcetTests
{
    private static double[] Exponential(int n, double mean, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = -mean * Math.Log(1 - rng.NextDouble());
        return x;
    }

    private static double[] GumbelSamples(int n, double location, double scale, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = location - scale * Math.Log(-Math.Log(1 - rng.NextDouble()));
        return x;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BothFitsRecoverAGumbelsParameters(int seed)
    {
        var x = GumbelSamples(5000, 1000, 100, seed);
        foreach (var fit in new[] { Gumbel.FitMoments(x), Gumbel.FitMaximumLikelihood(x) })
        {
            Assert.InRange(fit.Location, 990, 1010);
            Assert.InRange(fit.Scale, 95, 105);
        }
    }

    [Theory]
    [InlineData(11, 1e-6)]
    [InlineData(12, 1e-9)]
    [InlineData(13, 1e-4)]
    public void ExponentialTimesGiveTheirTrueQuantileWithinTenPercent(int seed, double p)
    {
        // Exp(mean 1000): P(X > x) = e^(−x/1000), so the time exceeded with probability p is −1000·ln p
        // (13 816 at 1e-6); maxima of blocks of b are Gumbel(1000·ln b, 1000) in the limit.
        var x = Exponential(100_000, 1000, seed);
        var e = Pwcet.Estimate(x, p, rateHz: 100, blockSize: 100)!;
        double truth = -1000 * Math.Log(p);
        Assert.InRange(e.ValueNs, truth * 0.9, truth * 1.1);
        Assert.Equal(1000, e.Blocks);
        Assert.InRange(e.Fit.Scale, 900, 1100);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void GumbelTimesGiveTheirTrueQuantileWithinFivePercent(int seed)
    {
        // Per-frame Gumbel(1000, 100): the time exceeded with p = 1e-6 is 1000 − 100·ln(−ln(1 − 1e-6)) = 2381.6;
        // a block of 50 is exactly Gumbel(1000 + 100·ln 50, 100).
        var x = GumbelSamples(50_000, 1000, 100, seed);
        var e = Pwcet.Estimate(x, 1e-6, rateHz: 30, blockSize: 50)!;
        double truth = 1000 - 100 * Math.Log(-Math.Log(1 - 1e-6));
        Assert.InRange(e.ValueNs, truth * 0.95, truth * 1.05);
        Assert.InRange(e.Fit.Location, 1000 + 100 * Math.Log(50) - 15, 1000 + 100 * Math.Log(50) + 15);
    }

    [Fact]
    public void ProbabilitiesPerFramePerHourAndBackAgree()
    {
        // At 100 Hz an hour is 360 000 frames: 1 − (1 − 1e-9)^360000 = 3.6e-4 (to 1e-7 relative, the square term is 6.5e-8).
        Assert.Equal(3.6e-4, Pwcet.PerHour(1e-9, 100), 6);
        var fit = new Gumbel(1000, 100);
        double value = Pwcet.ValueAt(fit, 50, 1e-7);
        Assert.Equal(1e-7, Pwcet.PerFrame(fit, 50, value), 12);
        // A rarer exceedance is a longer time.
        Assert.True(Pwcet.ValueAt(fit, 50, 1e-9) > value);
    }

    [Fact]
    public void TooFewSamplesGiveNoEstimateAndBlocksAreCutInRunOrder()
    {
        Assert.Null(Pwcet.Estimate(new double[19], 1e-6, 30));
        Assert.Equal(new double[] { 3, 9 }, Pwcet.BlockMaxima(new double[] { 1, 3, 2, 9, 4, 5, 7 }, 3));
        Assert.Equal(0, Pwcet.BlockSize(10));
        Assert.Equal(100, Pwcet.BlockSize(1_000_000));
        var flat = Pwcet.Estimate(new double[300], 1e-6, 30)!;
        Assert.Equal(0, flat.ValueNs);
    }
}
