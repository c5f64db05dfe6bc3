using System;
using Realtime.Bench;

namespace Realtime.Bench.Tests;

/// <summary>The rate search: which rates it tries and what it concludes from kept and lost runs.</summary>
public sealed class SustainedRateTests
{
    private static Func<double, RateStep> Capacity(double hz, System.Collections.Generic.List<double> tried) => rate =>
    {
        tried.Add(rate);
        return new RateStep { RateHz = rate, Frames = 100, Sustained = rate <= hz, DeadlineMisses = rate <= hz ? 0 : 3 };
    };

    [Fact]
    public void ItNarrowsDownToTheCapacityWithinTheResolution()
    {
        var tried = new System.Collections.Generic.List<double>();
        var (kept, lost, steps) = SustainedRateSearch.Search(30, 400, maxSteps: 20, resolution: 0.05, Capacity(47, tried));
        Assert.Equal(30, tried[0]);                       // the profile's rate first
        Assert.InRange(kept, 47 / 1.05, 47);
        Assert.InRange(lost, 47, 47 * 1.05);
        Assert.True(lost / kept < 1.05);
        Assert.Equal(steps.Count, tried.Count);
        foreach (var s in steps) Assert.Equal(s.RateHz <= 47, s.Sustained);
    }

    [Fact]
    public void WhenTheProfilesRateIsLostItHalvesUntilARateIsKept()
    {
        var tried = new System.Collections.Generic.List<double>();
        var (kept, _, _) = SustainedRateSearch.Search(30, 400, maxSteps: 20, resolution: 0.05, Capacity(5, tried));
        Assert.Equal(new[] { 30.0, 15.0, 7.5, 3.75 }, tried.GetRange(0, 4));
        Assert.InRange(kept, 5 / 1.05, 5);
    }

    [Fact]
    public void WhenEverythingIsKeptItClosesOnTheBoundAndItStopsAfterMaxSteps()
    {
        var tried = new System.Collections.Generic.List<double>();
        var (kept, lost, steps) = SustainedRateSearch.Search(30, 100, maxSteps: 20, resolution: 0.05, Capacity(1000, tried));
        Assert.InRange(kept, 100 / 1.05, 100);            // within the resolution of the bound
        Assert.Equal(0, lost);                            // nothing was lost
        Assert.True(steps.Count <= 8);
        tried.Clear();
        (_, _, steps) = SustainedRateSearch.Search(30, 400, maxSteps: 3, resolution: 0.0001, Capacity(47, tried));
        Assert.Equal(3, steps.Count);
    }
}
