using System;
using System.Globalization;
using Realtime.Bench;
using Realtime.Core.Reporting;

namespace Realtime.App;

/// <summary>What a person reads at the end of a bench run: the run's table, then the bench's own lines.</summary>
internal static class BenchSummary
{
    public static void Print(RunReport r, BenchExtras x, string? reportPath)
    {
        Summary.Print(r, null);
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Throughput: {x.ThroughputFps:0.0} frames/s of loop time; model alone {x.FloorThroughputFps:0.0} runs/s (floor {x.FloorMode})"));
        if (x.StageShareOfEndToEndPct.Count > 0)
        {
            var parts = new System.Collections.Generic.List<string>();
            foreach (var kv in x.StageShareOfEndToEndPct) parts.Add(string.Create(c, $"{kv.Key} {kv.Value:0.0}%"));
            Console.WriteLine("Where end-to-end goes (mean): " + string.Join(", ", parts));
        }
        if (x.StampCost is { } s)
            Console.WriteLine(string.Create(c, $"Measurement cost: {s.P50Ns:0.0} ns per stage stamp (min {s.MinNs:0.0}, max {s.MaxNs:0.0} over {s.Repetitions} × {s.StampsPerRepetition}); {s.StampsPerFrame}"));
        if (x.Html is not null) Console.WriteLine($"Charts: {x.Html}");
        if (reportPath is not null) Console.WriteLine($"Report: {reportPath}");
    }
}
