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

    private static ColdStartVariantResult Variant(string name, string cache, params double[] firstActuationMs) => new()
    {
        Name = name,
        PageCache = cache,
        Phases = { ["process_to_first_actuation"] = ColdStartRunner.Summarize(firstActuationMs.ToList()) },
    };

    [Fact]
    public void EachVariantIsSetAgainstTheFloorOfItsOwnPageCacheButNotTheFloorItselfOrAnEarlierBinary()
    {
        var report = new ColdStartReport
        {
            Variants =
            {
                Variant("before:saved-ort", "warm", 50, 60),
                Variant("saved-ort", "warm", 40, 60, 50),
                Variant("model-alone", "warm", 20, 30, 25),
                Variant("saved-ort", "cold", 90, 100),
                Variant("model-alone", "cold", 45, 50),
            },
        };
        ColdStartRunner.SetAgainstFloor(report, "model-alone");
        var warm = report.Variants[1].FirstActuationVsFloor!;
        Assert.Equal("model-alone", warm.Floor);
        Assert.Equal(2, warm.P50Ratio); // 50 / 25
        Assert.Equal(2, warm.MaxRatio); // 60 / 30
        Assert.Equal(25, warm.P50DeltaMs);
        Assert.Equal(30, warm.MaxDeltaMs);
        var cold = report.Variants[3].FirstActuationVsFloor!;
        Assert.Equal(2, cold.P50Ratio); // 90 / 45, the cold floor's, not the warm one's
        Assert.Equal(2, cold.MaxRatio);
        Assert.Null(report.Variants[0].FirstActuationVsFloor);
        Assert.Null(report.Variants[2].FirstActuationVsFloor);
        Assert.Null(report.Variants[4].FirstActuationVsFloor);
    }

    [Fact]
    public void WithoutAFloorNothingIsSet()
    {
        var report = new ColdStartReport { Variants = { Variant("saved-ort", "warm", 40, 60) } };
        ColdStartRunner.SetAgainstFloor(report, "model-alone");
        Assert.Null(report.Variants[0].FirstActuationVsFloor);
    }
}
