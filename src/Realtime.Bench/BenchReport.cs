using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Bench;

/// <summary>
/// What a bench report holds beyond the run report's contract (shared/BENCHMARKS.md): written as
/// the top-level <c>throughput_fps</c> and a <c>bench</c> object, next to the contract's fields.
/// </summary>
public sealed class BenchExtras
{
    /// <summary>Counted frames per second of loop time (the max-rate figure; given for every scenario).</summary>
    [JsonIgnore]
    public double ThroughputFps { get; set; }
    /// <summary>Duration asked for, s (null when a frame count was asked for).</summary>
    public double? DurationRequestedS { get; set; }
    /// <summary>Whether the run ended because its duration was up.</summary>
    public bool EndedByDuration { get; set; }
    /// <summary>Wall time of the counted part, floor runs included, s.</summary>
    public double WallS { get; set; }
    /// <summary>How the model-alone floor was interleaved with the loop.</summary>
    public string FloorMode { get; set; } = "";
    /// <summary>Model-alone runs per second (1 / mean floor).</summary>
    public double FloorThroughputFps { get; set; }
    /// <summary>The file the session was created from (the model, or its saved optimized form).</summary>
    public string ModelLoadedFrom { get; set; } = "";
    /// <summary>What a stage stamp costs here.</summary>
    public StampCostSummary? StampCost { get; set; }
    /// <summary>Per-stage latency of the warm-up frames, reported apart.</summary>
    public Dictionary<string, LatencySummary> WarmupStages { get; set; } = new();
    /// <summary>Stages' share of end-to-end latency at the mean, in per cent (they add up to 100).</summary>
    public Dictionary<string, double> StageShareOfEndToEndPct { get; set; } = new();
    /// <summary>The HTML page with the run's charts, when one was written.</summary>
    public string? Html { get; set; }
    /// <summary>The naive loop, run in the same process beside this one (<c>--compare naive</c>).</summary>
    public NaiveComparison? CompareNaive { get; set; }
    /// <summary>Things a reader should know about this run.</summary>
    public List<string> Notes { get; set; } = new();
    /// <summary>This run beside an earlier one (<c>--baseline</c>).</summary>
    public Baseline.BaselineComparison? Baseline { get; set; }
    /// <summary>The latency objective's judgement (<c>--slo</c>).</summary>
    public SloVerdict? Slo { get; set; }
    /// <summary>
    /// Each counted frame's end-to-end latency, ns, in run order (frames the source failed to deliver
    /// left out): what a later run's <c>--baseline</c> resamples. 8 bytes a frame in memory, about 8 in the file.
    /// </summary>
    public long[] EndToEndNs { get; set; } = Array.Empty<long>();
}

/// <summary>The optimized loop and the naive one, side by side (<c>--compare naive</c>).</summary>
public sealed class NaiveComparison
{
    /// <summary>What the naive loop does differently, in words.</summary>
    public string Description { get; set; } = "";
    /// <summary>How the two loops shared the run.</summary>
    public string Interleaving { get; set; } = "";
    /// <summary>The optimized loop.</summary>
    public LoopFigures Optimized { get; set; } = new();
    /// <summary>The naive loop.</summary>
    public LoopFigures Naive { get; set; } = new();
}

/// <summary>One loop's cost figures, for a side-by-side table.</summary>
public sealed class LoopFigures
{
    /// <summary>Counted frames.</summary>
    public int Frames { get; set; }
    /// <summary>Managed bytes allocated per counted frame on the pipeline thread.</summary>
    public double AllocBytesPerFrame { get; set; }
    /// <summary>GC collections during its counted frames (each once, whatever its generation).</summary>
    public int GcCollections { get; set; }
    /// <summary>Of those, full (gen2) collections.</summary>
    public int Gen2Collections { get; set; }
    /// <summary>GC pause during its counted frames, ms.</summary>
    public double GcPauseMs { get; set; }
    /// <summary>End-to-end latency.</summary>
    public LatencySummary EndToEnd { get; set; } = new();
    /// <summary>Inference stage latency.</summary>
    public LatencySummary Infer { get; set; } = new();
    /// <summary>Preprocessing stage latency.</summary>
    public LatencySummary Preprocess { get; set; } = new();
    /// <summary>Deadline misses among its counted frames.</summary>
    public int DeadlineMisses { get; set; }
}

/// <summary>Source-generated JSON for the bench's own types (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchExtras))]
[JsonSerializable(typeof(Profiling.ProfileReport))]
[JsonSerializable(typeof(Startup.ColdStartReport))]
[JsonSerializable(typeof(Variants.VariantReport))]
[JsonSerializable(typeof(SustainedRateReport))]
[JsonSerializable(typeof(Sessions.SessionReport))]
[JsonSerializable(typeof(AppsBenchReport))]
[JsonSerializable(typeof(Commands.FirstRunReport))]
public sealed partial class BenchJsonContext : JsonSerializerContext
{
}

/// <summary>Turns a bench run into its report: the contract's fields, filled as <c>rtapp run</c> fills them, plus the bench's own.</summary>
public static class BenchReports
{
    /// <summary>Fills the timing, allocation, miss and floor fields of <paramref name="report"/> from <paramref name="run"/>, and returns the bench's own figures.</summary>
    public static BenchExtras Fill(RunReport report, BenchRun run, BenchTarget target, IReadOnlyDictionary<string, long> budgetsUs)
    {
        ReportBuilder.FillTiming(report, run.Records, run.Options, budgetsUs);
        report.Scenario = BenchScenarios.Name(run.Scenario);
        report.Demo = target.Demo;
        report.Model = Path.GetFileName(target.ModelPath);
        report.Outcome = run.Outcome switch
        {
            LoopOutcome.Completed => "completed",
            LoopOutcome.Stopped => run.EndedByDuration ? "completed (duration)" : "stopped",
            LoopOutcome.SourceEnded => "source-ended",
            _ => "faulted",
        };
        report.Fault = run.Fault?.ToString();
        report.WatchdogTrips = target.Watchdog.Trips;
        report.SafeStateEntries = target.Watchdog.SafeStateEntries;
        report.GcCollections = run.GcCollections;
        report.GcPauseMs = Math.Round(run.GcPause.TotalMilliseconds, 3);
        report.AllocBytesPerFrame = run.CountedFrames > 0 ? Math.Round((double)run.AllocatedBytes / run.CountedFrames, 3) : 0;
        target.Describe(report, run.Records);

        var extras = new BenchExtras
        {
            ThroughputFps = Math.Round(run.ThroughputFps, 2),
            EndedByDuration = run.EndedByDuration,
            WallS = Math.Round(run.WallNs / 1e9, 3),
            FloorMode = run.Scenario == BenchScenario.MaxRate
                ? $"blocks: every {BenchDriver.BlockFrames} back-to-back frames are followed by {BenchDriver.BlockFrames} model-alone runs on the same bound buffers"
                : run.Scenario == BenchScenario.Periodic
                    ? "per frame: the model alone runs half a period after each frame, on the same bound buffers"
                    : "per frame: the model alone runs right after each frame, on the same bound buffers",
            FloorThroughputFps = report.Floor is { MeanUs: > 0 } f ? Math.Round(1e6 / f.MeanUs, 2) : 0,
        };
        extras.EndToEndNs = EndToEndSamples(run);
        var warm = run.Records.AsSpan(0, run.WarmupFrames);
        var stages = StageSamples(warm);
        for (int s = 0; s < StageNames.Length; s++) extras.WarmupStages[StageNames[s]] = Percentiles.Summarize(stages[s]);
        var counted = StageSamples(run.Records.AsSpan(run.WarmupFrames));
        if (counted[0].Length > 0)
        {
            // End-to-end starts at the latch, inside capture: it is the latch-to-slot gap plus the five stages after capture.
            double latch = 0;
            foreach (ref readonly FrameRecord r in run.Records.AsSpan(run.WarmupFrames)) latch += r.CaptureEndNs - r.CaptureNs;
            latch /= counted[0].Length;
            double sum = latch;
            for (int s = 1; s < StageNames.Length; s++) sum += Mean(counted[s]);
            if (sum > 0)
            {
                extras.StageShareOfEndToEndPct["latch_to_slot"] = Math.Round(100 * latch / sum, 2);
                for (int s = 1; s < StageNames.Length; s++) extras.StageShareOfEndToEndPct[StageNames[s]] = Math.Round(100 * Mean(counted[s]) / sum, 2);
            }
        }
        return extras;
    }

    /// <summary>The counted frames' end-to-end latencies, ns, in run order (source faults have none: left out, as the report's end_to_end leaves them).</summary>
    public static long[] EndToEndSamples(BenchRun run)
    {
        var counted = run.Records.AsSpan(run.WarmupFrames);
        var e2e = new List<long>(counted.Length);
        foreach (ref readonly FrameRecord r in counted)
            if ((r.Flags & FrameFlags.SourceFault) == 0) e2e.Add(r.EndToEndNs);
        return e2e.ToArray();
    }

    /// <summary>One loop's cost figures from its run, for the side-by-side comparison.</summary>
    public static LoopFigures Figures(BenchRun run)
    {
        var counted = run.Records.AsSpan(run.WarmupFrames);
        var stages = StageSamples(counted);
        var e2e = new long[counted.Length];
        int misses = 0;
        for (int i = 0; i < counted.Length; i++)
        {
            e2e[i] = counted[i].EndToEndNs;
            if ((counted[i].Flags & FrameFlags.DeadlineMiss) != 0) misses++;
        }
        return new LoopFigures
        {
            Frames = run.CountedFrames,
            AllocBytesPerFrame = run.CountedFrames > 0 ? Math.Round((double)run.AllocatedBytes / run.CountedFrames, 1) : 0,
            GcCollections = run.GcCollections,
            Gen2Collections = run.Gen2Collections,
            GcPauseMs = Math.Round(run.GcPause.TotalMilliseconds, 3),
            EndToEnd = Percentiles.Summarize(e2e),
            Infer = Percentiles.Summarize(stages[2]),
            Preprocess = Percentiles.Summarize(stages[1]),
            DeadlineMisses = misses,
        };
    }

    /// <summary>Stage names, in loop order.</summary>
    public static readonly string[] StageNames = Realtime.Core.Profiles.ProfileLoader.StageNames;

    /// <summary>Per-stage durations of <paramref name="records"/>, ns: capture, preprocess, infer, decode, control, actuate.</summary>
    public static long[][] StageSamples(ReadOnlySpan<FrameRecord> records)
    {
        var s = new long[6][];
        for (int k = 0; k < 6; k++) s[k] = new long[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly FrameRecord r = ref records[i];
            s[0][i] = r.CaptureStageNs;
            s[1][i] = r.PreprocessEndNs - r.CaptureEndNs;
            s[2][i] = r.InferEndNs - r.PreprocessEndNs;
            s[3][i] = r.DecodeEndNs - r.InferEndNs;
            s[4][i] = r.ControlEndNs - r.DecodeEndNs;
            s[5][i] = r.ActuateEndNs - r.ControlEndNs;
        }
        return s;
    }

    private static double Mean(long[] v)
    {
        if (v.Length == 0) return 0;
        double sum = 0;
        foreach (long x in v) sum += x;
        return sum / v.Length;
    }

    /// <summary>
    /// The report as JSON: the run report's contract fields under their contract names, then
    /// <c>throughput_fps</c> and the <c>bench</c> object.
    /// </summary>
    public static string ToJson(RunReport report, BenchExtras extras)
    {
        var root = (JsonObject)JsonSerializer.SerializeToNode(report, ReportJsonContext.Default.RunReport)!;
        root["throughput_fps"] = extras.ThroughputFps;
        root["bench"] = JsonSerializer.SerializeToNode(extras, BenchJsonContext.Default.BenchExtras);
        return Write(root);
    }

    /// <summary>Writes a JSON node indented (AOT-safe: no serializer options needed).</summary>
    public static string Write(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            node.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
