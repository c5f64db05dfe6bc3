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

    /// <summary>This run beside its baseline: a table, then the tail test's verdict.</summary>
    public static void PrintBaseline(Baseline.BaselineComparison b)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"Against the baseline {b.File} (commit {b.Commit ?? "unknown"}, {b.Host}, {b.Timestamp}):");
        Console.WriteLine(string.Create(c, $"{"end-to-end",-18} {"baseline",12} {"this run",12} {"change",12}"));
        Row("p50, µs", b.Baseline.P50Us, b.Current.P50Us);
        Row("p90, µs", b.Baseline.P90Us, b.Current.P90Us);
        Row("p99, µs", b.Baseline.P99Us, b.Current.P99Us);
        Row("p99.9, µs", b.Baseline.P999Us, b.Current.P999Us);
        Row("max, µs", b.Baseline.MaxUs, b.Current.MaxUs);
        Row("deadline misses", b.BaselineDeadlineMisses, b.CurrentDeadlineMisses);
        Row("frames", b.Baseline.Count, b.Current.Count);
        var t = b.Tail;
        Console.WriteLine(string.Create(c,
            $"p99 {(t.Moved ? $"moved beyond noise: {t.Direction}" : "did not move beyond noise")}: {t.DifferenceUs:+0.0;-0.0;0} µs, 95% interval [{t.IntervalLowUs:+0.0;-0.0;0}, {t.IntervalHighUs:+0.0;-0.0;0}] µs ({t.Test})"));
        foreach (string note in b.Notes) Console.WriteLine("  " + note);

        void Row(string name, double old, double now) =>
            Console.WriteLine(string.Create(c, $"{name,-18} {old,12:0.0} {now,12:0.0} {now - old,12:+0.0;-0.0;0}"));
    }

    /// <summary>The latency objective's verdict.</summary>
    public static void PrintSlo(Realtime.Core.Timing.SloVerdict v) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SLO {v.Objective}: {v.Result} (observed {v.ObservedUs:0.0} µs): {v.Explanation}"));

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
