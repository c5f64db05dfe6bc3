using System;
using System.Linq;
using Realtime.Bench.Charts;

namespace Realtime.Bench.Tests;

/// <summary>The arithmetic behind the charts, on distributions whose answer is known.</summary>
public sealed class ChartMathTests
{
    private static double[] OneTo(int n) => Enumerable.Range(1, n).Select(i => (double)i).ToArray();

    [Fact]
    public void ACdfOfFewSamplesKeepsEverySampleWithFractionRankOverCount()
    {
        var cdf = ChartMath.Cdf(OneTo(10), 600);
        Assert.Equal(10, cdf.Length);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i + 1, cdf[i].Value);
            Assert.Equal((i + 1) / 10.0, cdf[i].Fraction, 12);
        }
    }

    [Fact]
    public void AThinnedCdfKeepsTheFirstAndTheMaximumAndStaysOnTheEmpiricalCdf()
    {
        // Uniform 1..10000: the empirical CDF at value v is v/10000 exactly.
        var cdf = ChartMath.Cdf(OneTo(10_000), 600);
        Assert.Equal(600, cdf.Length);
        Assert.Equal(1, cdf[0].Value);
        Assert.Equal(10_000, cdf[^1].Value);
        Assert.Equal(1.0, cdf[^1].Fraction);
        foreach (var p in cdf) Assert.Equal(p.Value / 10_000, p.Fraction, 12);
        for (int i = 1; i < cdf.Length; i++) Assert.True(cdf[i].Value > cdf[i - 1].Value);
    }

    [Fact]
    public void AThinnedCdfOfAHeavyTailStillEndsAtTheOutlier()
    {
        var v = Enumerable.Repeat(100.0, 9999).Append(50_000.0).ToArray();
        var cdf = ChartMath.Cdf(v, 100);
        Assert.Equal(50_000, cdf[^1].Value);
        Assert.Equal(0.0001, cdf[0].Fraction, 12);
        // Thinned by rank: the point before the outlier is the 9,899th sample, still on the body.
        Assert.Equal(100, cdf[^2].Value);
        Assert.Equal(0.9899, cdf[^2].Fraction, 12);
    }

    [Fact]
    public void AUniformDistributionFillsEqualLinearBinsEqually()
    {
        var bins = ChartMath.Histogram(OneTo(100).Select(x => x - 0.5).ToArray(), 10);
        Assert.False(bins.Log);
        Assert.Equal(0.5, bins.Min);
        Assert.Equal(99.5, bins.Max);
        Assert.Equal(11, bins.Edges.Length);
        Assert.Equal(100, bins.Counts.Sum());
        // [0.5, 10.4) holds 0.5..9.5 (10 values), and every bin after it as many; the maximum lands in the last bin.
        Assert.All(bins.Counts, c => Assert.Equal(10, c));
    }

    [Fact]
    public void LogBinsPutEachDecadeInItsOwnBinAndTheMaximumInTheLast()
    {
        var bins = ChartMath.Histogram(new[] { 1.0, 10, 100, 1000, 1000 }, 3, log: true);
        Assert.True(bins.Log);
        Assert.Equal(new[] { 1.0, 10, 100, 1000 }, bins.Edges.Select(e => Math.Round(e, 9)));
        Assert.Equal(new[] { 1, 1, 3 }, bins.Counts);
    }

    [Fact]
    public void LogBinsFallBackToLinearWhenAValueIsNotPositive()
    {
        var bins = ChartMath.Histogram(new[] { 0.0, 1, 2, 3 }, 3, log: true);
        Assert.False(bins.Log);
        Assert.Equal(4, bins.Counts.Sum());
    }

    [Fact]
    public void EqualValuesMakeOneBinHoldingThemAll()
    {
        var bins = ChartMath.Histogram(new[] { 7.0, 7, 7 }, 40);
        Assert.Equal(new[] { 3 }, bins.Counts);
        Assert.Equal(7, bins.Min);
    }

    [Fact]
    public void AShortSeriesIsDrawnPointForPoint()
    {
        var pts = ChartMath.Envelope(new double[] { 3, 1, 2 }, 10);
        Assert.Equal(new[] { 0, 1, 2 }, pts.Select(p => p.Index));
        Assert.Equal(new double[] { 3, 1, 2 }, pts.Select(p => p.Value));
    }

    [Fact]
    public void AThinnedSeriesKeepsEveryBucketsMinimumAndMaximumInOrder()
    {
        // 100,000 points of 10 with one spike of 9,000 at 77,777 and one dip of -5 at 12,345.
        var v = Enumerable.Repeat(10.0, 100_000).ToArray();
        v[77_777] = 9000;
        v[12_345] = -5;
        var pts = ChartMath.Envelope(v, 1000);
        Assert.InRange(pts.Length, 1000, 2000);
        Assert.Contains(pts, p => p.Index == 77_777 && p.Value == 9000);
        Assert.Contains(pts, p => p.Index == 12_345 && p.Value == -5);
        for (int i = 1; i < pts.Length; i++) Assert.True(pts[i].Index > pts[i - 1].Index);
    }

    [Fact]
    public void LinearTicksAreRoundAndCoverTheRange()
    {
        Assert.Equal(new double[] { 0, 20, 40, 60, 80, 100 }, ChartMath.LinearTicks(0, 100, 5));
        Assert.Equal(new double[] { 0, 0.5, 1 }, ChartMath.LinearTicks(0, 1, 2));
        Assert.Equal(new double[] { 1500, 2000, 2500, 3000 }, ChartMath.LinearTicks(1234, 3210, 4));
    }

    [Fact]
    public void LogTicksArePowersOfTenWithTwosAndFivesOnShortRanges()
    {
        Assert.Equal(new double[] { 10, 100, 1000, 10000, 100000 }, ChartMath.LogTicks(5, 200_000).Select(t => Math.Round(t, 6)));
        Assert.Equal(new double[] { 10, 20, 50, 100, 200, 500 }, ChartMath.LogTicks(10, 600).Select(t => Math.Round(t, 6)));
        Assert.Equal(new double[] { 1000, 1500, 2000, 2500 }, ChartMath.LogTicks(800, 2600));
    }
}
