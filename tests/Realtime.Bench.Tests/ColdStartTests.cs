using System.Collections.Generic;
using System.Linq;
using Realtime.Bench.Startup;

namespace Realtime.Bench.Tests;

/// <summary>The cold-start summary follows the project's percentile rule.</summary>
public sealed class ColdStartTests
{
    [Fact]
    public void TwentyLaunchesOfOneToTwentyMsHaveTheNearestRankFiguresAndMarkTheTailNotEstablished()
    {
        var ms = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToList();
        var s = ColdStartRunner.Summarize(ms);
        Assert.Equal(20, s.Count);
        Assert.Equal(1, s.MinMs);
        Assert.Equal(10, s.P50Ms);
        Assert.Equal(18, s.P90Ms);
        Assert.Equal(20, s.P99Ms);
        Assert.Equal(20, s.MaxMs);
        Assert.Equal(10.5, s.MeanMs);
        Assert.Equal(new[] { "p90", "p99", "p999" }, s.NotEstablished);
        Assert.Equal(ms, s.Samples); // launch order kept
    }

    [Fact]
    public void FractionsOfAMillisecondSurvive()
    {
        var s = ColdStartRunner.Summarize(new List<double> { 0.125, 0.25 });
        Assert.Equal(0.125, s.P50Ms);
        Assert.Equal(0.25, s.MaxMs);
        Assert.Equal(0.188, s.MeanMs);
    }
}
