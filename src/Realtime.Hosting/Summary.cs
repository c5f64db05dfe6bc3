using System;
using System.Globalization;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Hosting;

/// <summary>The summary a person reads at the end of a run.</summary>
public static class Summary
{
    /// <summary>Prints <paramref name="r"/> as a person reads it: stages, misses, allocations, cold start, the application's own figures; then where the report went (null: nowhere).</summary>
    public static void Print(RunReport r, string? reportPath)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Run: {r.Outcome}, {r.Frames} frames counted after {r.WarmupFrames} warm-up, {r.Scenario}, deadline {r.DeadlineUs} µs"));
        Console.WriteLine(string.Create(c, $"Scheduling: {r.Scheduling.Policy} priority {r.Scheduling.Priority}, cores [{string.Join(",", r.Scheduling.Affinity)}], mlockall {(r.Scheduling.Mlockall ? "on" : "off")}; kernel {r.Machine.Kernel}{(r.Machine.PreemptRt ? " (PREEMPT_RT)" : "")}"));
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{"stage (µs)",-12} {"p50",9} {"p90",9} {"p99",9} {"p99.9",9} {"max",9} {"mean",9}  over budget"));
        Row("capture", r.Stages.Capture, r);
        Row("preprocess", r.Stages.Preprocess, r);
        Row("infer", r.Stages.Infer, r);
        Row("decode", r.Stages.Decode, r);
        Row("control", r.Stages.Control, r);
        Row("actuate", r.Stages.Actuate, r);
        Row("end-to-end", r.EndToEnd, r);
        if (r.Floor is not null) Row("model alone", r.Floor, r);
        Console.WriteLine();
        if (r.OverheadVsFloor is { } o)
            Console.WriteLine(string.Create(c, $"Overhead vs model alone: p50 {o.P50Ratio:0.000}x (+{o.P50DeltaUs:0.0} µs), p99 {o.P99Ratio:0.000}x (+{o.P99DeltaUs:0.0} µs)"));
        Console.WriteLine(string.Create(c, $"Deadline misses: {r.DeadlineMisses} of {r.Frames}; dropped frames: {r.DroppedFrames}; held: {r.HeldFrames}; watchdog trips: {r.WatchdogTrips}; safe-state entries: {r.SafeStateEntries}"));
        if (r.SkippedFrames > 0) Console.WriteLine(string.Create(c, $"Skipped by a gate: {r.SkippedFrames} of {r.Frames} (the held result was used; each gate's paths are in its node's figures)"));
        if (r.MissCauses is { ByCause.Count: > 0 } causes)
        {
            var parts = new System.Collections.Generic.List<string>();
            foreach (var (cause, n) in causes.ByCause) parts.Add($"{cause} {n}");
            Console.WriteLine("  misses by cause: " + string.Join(", ", parts) + (causes.CountersUnavailable is { } why ? $" (kernel counters unavailable: {why})" : ""));
        }
        if (r.Resources is { Summary.Samples: > 0 } res)
        {
            var m = res.Summary;
            string machine = string.Create(c, $"Machine ({m.Samples} samples, every {res.PeriodS:0.###} s): process CPU mean {m.ProcessCpuMean:0.00} / max {m.ProcessCpuMax:0.00} cores, RSS max {m.RssMaxMb:0.#} MB (growth {m.RssGrowthMb:+0.0;-0.0;0} MB)");
            if (m.CpuPressureMax is double cpu) machine += string.Create(c, $", pressure max cpu/mem/io {cpu:0.00}/{m.MemoryPressureMax ?? 0:0.00}/{m.IoPressureMax ?? 0:0.00}");
            if (m.IoWaitMax is double io) machine += string.Create(c, $", I/O wait max {io:0.00}");
            if (m.FrequencyRatioMin is double f) machine += string.Create(c, $", core ≥{f * 100:0} % of max frequency ({m.ThrottledSamples} throttled)");
            if (m.TemperatureMaxC is double t) machine += string.Create(c, $", ≤{t:0.#} °C ({m.HotSamples} hot)");
            Console.WriteLine(machine);
        }
        if (r.PeriodJitterUs is { Count: > 0 } j)
            Console.WriteLine(string.Create(c, $"Period jitter: p50 {j.P50:0.0} µs, p99 {j.P99:0.0} µs, max {j.Max:0.0} µs, stddev {j.Stddev:0.0} µs"));
        Console.WriteLine(string.Create(c, $"Allocations: {r.AllocBytesPerFrame:0.##} bytes/frame, {r.GcCollections} GC collections, {r.GcPauseMs:0.###} ms GC pause"));
        Console.WriteLine(string.Create(c, $"Cold start: {r.ColdStartMs.ProcessToFirstActuation:0.0} ms process → first actuation (runtime {r.ColdStartMs.RuntimeStart:0.0}, model load {r.ColdStartMs.ModelLoad:0.0} of which ONNX Runtime init {r.ColdStartMs.OnnxruntimeInit:0.0}, first inference {r.ColdStartMs.FirstInference:0.0}; start from {r.ColdStartMs.ProcessStartSource})"));
        foreach (string line in r.Metrics.SummaryLines) Console.WriteLine(line);
        if (reportPath is not null) Console.WriteLine($"Report: {reportPath}");
    }

    private static void Row(string name, LatencySummary s, RunReport r)
    {
        var c = CultureInfo.InvariantCulture;
        string over = r.StageBudgetOverruns.TryGetValue(name, out int n) ? n.ToString(c) : "";
        string mark = s.NotEstablished is { Length: > 0 } ? $"  (n={s.Count}: {string.Join(",", s.NotEstablished)} not established)" : "";
        Console.WriteLine(string.Create(c, $"{name,-12} {s.P50Us,9:0.0} {s.P90Us,9:0.0} {s.P99Us,9:0.0} {s.P999Us,9:0.0} {s.MaxUs,9:0.0} {s.MeanUs,9:0.0}  {over}{mark}"));
    }
}
