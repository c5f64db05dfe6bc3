using System;
using System.Globalization;
using Realtime.Bench;
using Realtime.Core.Reporting;
using Realtime.Hosting;

namespace Realtime.Bench.Commands;

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

    public static void PrintComparison(NaiveComparison cmp)
    {
        var c = CultureInfo.InvariantCulture;
        var a = cmp.Optimized;
        var b = cmp.Naive;
        Console.WriteLine();
        Console.WriteLine("Optimized loop against the naive one (same process, same run):");
        Console.WriteLine(string.Create(c, $"{"",-30} {"optimized",14} {"naive",14}"));
        Console.WriteLine(string.Create(c, $"{"bytes allocated / frame",-30} {a.AllocBytesPerFrame,14:N0} {b.AllocBytesPerFrame,14:N0}"));
        Console.WriteLine(string.Create(c, $"{"GC collections (of them gen2)",-30} {$"{a.GcCollections} ({a.Gen2Collections})",14} {$"{b.GcCollections} ({b.Gen2Collections})",14}"));
        Console.WriteLine(string.Create(c, $"{"GC pause, ms",-30} {a.GcPauseMs,14:0.###} {b.GcPauseMs,14:0.###}"));
        Console.WriteLine(string.Create(c, $"{"end-to-end p50, µs",-30} {a.EndToEnd.P50Us,14:0.0} {b.EndToEnd.P50Us,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"end-to-end p99, µs",-30} {a.EndToEnd.P99Us,14:0.0} {b.EndToEnd.P99Us,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"end-to-end p99.9, µs",-30} {a.EndToEnd.P999Us,14:0.0} {b.EndToEnd.P999Us,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"end-to-end max, µs",-30} {a.EndToEnd.MaxUs,14:0.0} {b.EndToEnd.MaxUs,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"preprocess p99, µs",-30} {a.Preprocess.P99Us,14:0.0} {b.Preprocess.P99Us,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"infer p99, µs",-30} {a.Infer.P99Us,14:0.0} {b.Infer.P99Us,14:0.0}"));
        Console.WriteLine(string.Create(c, $"{"deadline misses",-30} {a.DeadlineMisses,14} {b.DeadlineMisses,14}"));
        Console.WriteLine(string.Create(c, $"{"counted frames",-30} {a.Frames,14} {b.Frames,14}"));
        Console.WriteLine(cmp.Interleaving);
    }
}
