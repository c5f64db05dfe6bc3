using System;
using System.Linq;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Timing;

/// <summary>The bootstrap test of a moved tail on synthetic runs: a moved tail is found, an equal one is not.</summary>
public sealed class TailComparisonTests
{
    /// <summary>A log-normal-ish run: 2 ms median with a long tail, <paramref name="tailScale"/> stretching its slowest 2%.</summary>
    private static long[] Run(int n, int seed, double tailScale = 1)
    {
        var rng = new Random(seed);
        var v = new long[n];
        for (int i = 0; i < n; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double us = 2000 * Math.Exp(0.25 * z);
            if (z > 2.05) us *= tailScale;   // the slowest 2% of frames
            v[i] = (long)(us * 1000);
        }
        return v;
    }

    [Fact]
    public void TwoRunsOfOneDistributionDoNotMove()
    {
        int moved = 0;
        for (int seed = 1; seed <= 10; seed++)
            if (TailComparison.Compare(Run(5000, seed), Run(5000, seed + 100), 99).Moved) moved++;
        // A 95% interval leaves out 0 for about 1 pair in 20 by chance; 3 of 10 would mean it is too narrow.
        Assert.True(moved <= 2, $"{moved} of 10 equal pairs were called moved");
    }

    [Fact]
    public void ATailStretchedBy30PercentIsFoundSlower()
    {
        var shift = TailComparison.Compare(Run(5000, 1), Run(5000, 2, tailScale: 1.3), 99);
        Assert.True(shift.Moved);
        Assert.Equal("slower", shift.Direction);
        Assert.True(shift.IntervalLowUs > 0);
        Assert.True(shift.DifferenceUs > 0);
    }

    [Fact]
    public void ATailShrunkIsFoundFasterWhileTheMedianHolds()
    {
        var old = Run(5000, 3, tailScale: 1.5);
        var now = Run(5000, 4);
        Assert.Equal(Percentiles.NearestRank(old.OrderBy(x => x).ToArray(), 50) / 1e6, Percentiles.NearestRank(now.OrderBy(x => x).ToArray(), 50) / 1e6, 1);
        var shift = TailComparison.Compare(old, now, 99);
        Assert.True(shift.Moved);
        Assert.Equal("faster", shift.Direction);
    }

    [Fact]
    public void TheSameTwoRunsGiveTheSameInterval()
    {
        var a = TailComparison.Compare(Run(2000, 5), Run(2000, 6), 99);
        var b = TailComparison.Compare(Run(2000, 5), Run(2000, 6), 99);
        Assert.Equal(a.IntervalLowUs, b.IntervalLowUs);
        Assert.Equal(a.IntervalHighUs, b.IntervalHighUs);
    }
}
