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
        if (r.PeriodJitterUs is { Count: > 0 } j)
            Console.WriteLine(string.Create(c, $"Period jitter: p50 {j.P50:0.0} µs, p99 {j.P99:0.0} µs, max {j.Max:0.0} µs, stddev {j.Stddev:0.0} µs"));
        Console.WriteLine(string.Create(c, $"Allocations: {r.AllocBytesPerFrame:0.##} bytes/frame, {r.GcCollections} GC collections, {r.GcPauseMs:0.###} ms GC pause"));
        Console.WriteLine(string.Create(c, $"Cold start: {r.ColdStartMs.ProcessToFirstActuation:0.0} ms process → first actuation (runtime {r.ColdStartMs.RuntimeStart:0.0}, model load {r.ColdStartMs.ModelLoad:0.0} of which ONNX Runtime init {r.ColdStartMs.OnnxruntimeInit:0.0}, first inference {r.ColdStartMs.FirstInference:0.0}; start from {r.ColdStartMs.ProcessStartSource})"));
        var d = r.DemoMetrics;
        if (d.TrackingErrorPx is { } e)
            Console.WriteLine(string.Create(c, $"Tracking: face found in {d.FramesWithTarget} of {r.Frames} frames; error from centre after {d.SettleFrames} settle frames: p50 {e.P50:0.0} px, p95 {e.P95:0.0} px, max {e.Max:0.0} px (image {d.ImageWidthPx} px wide)"));
        else if (d.TrackLengthCm is null && d.ImageWidthPx is not null && d.FramesWithTarget is int withTarget)
            // No value is not zero error: say there was nothing to track.
            Console.WriteLine(withTarget == 0
                ? string.Create(c, $"Tracking: no face in view in any of {r.Frames} frames: no tracking error to report")
                : string.Create(c, $"Tracking: face found in {withTarget} of {r.Frames} frames, none after the {d.SettleFrames} settle frames: no tracking error to report"));
        if (d.Phrases is int phrases)
        {
            Console.WriteLine(string.Create(c, $"Relay: closed on {d.PhrasesClosed} of {phrases} phrases; false closures {d.FalseClosures} ({d.FalseClosureChunks} chunks closed in silence); chunk {d.ChunkMs:0.#} ms"));
            if (d.OnsetLatencyFrames is { } on)
                Console.WriteLine(string.Create(c, $"  onset → close: p50 {on.P50:0.#} frames, max {on.Max:0.#} frames ({on.Max * (d.ChunkMs ?? 0):0} ms)"));
            if (d.OffsetLatencyFrames is { } off)
                Console.WriteLine(string.Create(c, $"  offset → release: p50 {off.P50:0.#} frames, max {off.Max:0.#} frames ({off.Max * (d.ChunkMs ?? 0):0} ms)"));
            foreach (var ph in d.RelayPhrases ?? new())
                Console.WriteLine(string.Create(c, $"  phrase {ph.Phrase} (pass {ph.Pass}) {ph.StartS:0.00}-{ph.EndS:0.00} s, gap after {ph.GapAfterS:0.0} s: {(ph.Bridged ? "bridged" : ph.OnsetFrames is int onsetFrames ? $"closed +{onsetFrames} frames ({ph.OnsetMs:0} ms)" : "never closed")}, {(ph.OffsetFrames is int f ? $"released +{f} frames ({ph.OffsetMs:0} ms)" : "held")}"));
        }
        if (d.AudioOverruns is long overruns) Console.WriteLine(string.Create(c, $"Audio: {overruns} chunks lost to overruns, {d.AudioUnderruns} frames found no new chunk"));
        if (d.TrackLengthCm is not null && d.CrossTrackErrorCm is null)
            Console.WriteLine(string.Create(c, $"Line: found in {d.FramesWithTarget} of {r.Frames} frames: no cross-track error to report"));
        if (d.CrossTrackErrorCm is { } x)
        {
            Console.WriteLine(string.Create(c, $"Line: found in {d.FramesWithTarget} of {r.Frames} frames; cross-track error p50 {x.P50:0.00} cm, p95 {x.P95:0.00} cm, max {x.Max:0.00} cm ({d.CrossTrackErrorPx?.P50:0.0} / {d.CrossTrackErrorPx?.P95:0.0} / {d.CrossTrackErrorPx?.Max:0.0} px at the camera's scale)"));
            Console.WriteLine(d.LapCompleted == true
                ? string.Create(c, $"Lap: completed in {d.LapTimeS:0.00} s of simulated time ({d.TrackLengthCm:0} cm track; {d.LapProgressPct:0}% of a lap driven in the run)")
                : string.Create(c, $"Lap: NOT completed ({d.LapProgressPct:0}% of the {d.TrackLengthCm:0} cm track driven)"));
        }
        if (d.CameraFramesCaptured is long captured)
            Console.WriteLine(string.Create(c, $"Camera (V4L2): {captured} frames captured, {d.CameraFramesDropped} replaced by a newer one before the loop took them, {d.CameraDriverDropped} lost by the driver, {d.CameraErrorFrames} corrupt; capture times from {(d.CameraKernelTimestamps == true ? "the kernel's buffer timestamps" : "dequeue (the driver gives no monotonic timestamps)")}"));
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
