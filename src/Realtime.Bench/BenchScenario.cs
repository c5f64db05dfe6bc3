using System;
using System.Collections.Generic;

namespace Realtime.Bench;

/// <summary>How a bench run issues frames (MLPerf LoadGen's scenarios).</summary>
public enum BenchScenario
{
    /// <summary>The next frame starts when the last completes; the model-alone floor runs after each frame. Report p90 and p99.</summary>
    SingleStream,
    /// <summary>Frames at the profile's fixed rate (the control-loop case); the floor runs half a period after each frame. Report misses, jitter, end-to-end.</summary>
    Periodic,
    /// <summary>Frames back to back in blocks, each block followed by as many floor runs. Report throughput.</summary>
    MaxRate,
}

/// <summary>Names of the scenarios on the command line and in the report.</summary>
public static class BenchScenarios
{
    /// <summary>Every scenario, in the order <c>all</c> runs them.</summary>
    public static readonly BenchScenario[] All = { BenchScenario.SingleStream, BenchScenario.Periodic, BenchScenario.MaxRate };

    /// <summary>The report's name of a scenario: single-stream, periodic or max-rate.</summary>
    public static string Name(BenchScenario s) => s switch
    {
        BenchScenario.SingleStream => "single-stream",
        BenchScenario.Periodic => "periodic",
        _ => "max-rate",
    };

    /// <summary>Parses a comma-separated list of scenario names (or <c>all</c>); null when a name is unknown.</summary>
    public static List<BenchScenario>? ParseList(string text)
    {
        var list = new List<BenchScenario>();
        foreach (string raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (raw)
            {
                case "all": foreach (var s in All) if (!list.Contains(s)) list.Add(s); break;
                case "single-stream": if (!list.Contains(BenchScenario.SingleStream)) list.Add(BenchScenario.SingleStream); break;
                case "periodic": if (!list.Contains(BenchScenario.Periodic)) list.Add(BenchScenario.Periodic); break;
                case "max-rate": if (!list.Contains(BenchScenario.MaxRate)) list.Add(BenchScenario.MaxRate); break;
                default: return null;
            }
        }
        return list.Count == 0 ? null : list;
    }
}
