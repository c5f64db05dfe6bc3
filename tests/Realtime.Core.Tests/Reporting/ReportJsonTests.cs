using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Reporting;

/// <summary>
/// The report's JSON is a contract (shared/BENCHMARKS.md): every field it names is written under
/// that name; and ReportBuilder turns frame records into the right counts and figures.
/// </summary>
public sealed class ReportJsonTests
{
    private static readonly string[] PFields = { "count", "p50_us", "p90_us", "p95_us", "p99_us", "p999_us", "max_us", "mean_us" };
    private static readonly string[] StageNames = { "capture", "preprocess", "infer", "decode", "control", "actuate" };

    private static LatencySummary P(double p50) => new()
    {
        Count = 1000, P50Us = p50, P90Us = p50 + 1, P95Us = p50 + 2, P99Us = p50 + 3, P999Us = p50 + 4, MaxUs = p50 + 5, MeanUs = p50 + 0.5,
    };

    private static RunReport FullReport() => new RunReport()
    {
        Version = "0.1.0",
        Board = "sim",
        Demo = "face-tracker",
        Model = "face_detection_front_128x128_barracuda.onnx",
        Scenario = "periodic",
        Outcome = "completed",
        Commit = "0123456789ab",
        OnnxruntimeVersion = "1.22.0",
        ModelSha256 = new Dictionary<string, string> { ["face_detection_front_128x128_barracuda.onnx"] = new string('a', 64) },
        Machine = new MachineInfo { Host = "board-7", CpuModel = "Cortex-A76", Cores = 2, Kernel = "6.1.0-test", PreemptRt = false, IsolatedCores = "", Governor = "performance", Arch = "x64" },
        Scheduling = new SchedulingInfo { Policy = "SCHED_FIFO", Priority = 80, Affinity = new[] { 1 }, Mlockall = true, Notes = new List<string> { "a note" } },
        Frames = 3000,
        WarmupFrames = 50,
        RateHz = 30.0,
        DeadlineUs = 15000,
        DeadlineMisses = 3,
        DroppedFrames = 4,
        WatchdogTrips = 5,
        SafeStateEntries = 6,
        AllocBytesPerFrame = 0,
        GcCollections = 7,
        ColdStartMs = new ColdStart { ProcessToFirstActuation = 812.5, ModelLoad = 120.25, FirstInference = 9.5 },
        Stages = new StageSummaries { Capture = P(1), Preprocess = P(2), Infer = P(3), Decode = P(4), Control = P(5), Actuate = P(6) },
        EndToEnd = P(20),
        WarmupEndToEnd = P(30),
        PeriodJitterUs = new JitterSummary { Count = 2999, P50 = 11, P99 = 12, Max = 13, Stddev = 14 },
        Floor = P(15),
        OverheadVsFloor = new OverheadVsFloor { P50Ratio = 1.25, P99Ratio = 1.5, P50DeltaUs = 5, P99DeltaUs = 9 },
    }.WithMetrics(m =>
    {
        m.Add("tracking_error_px", new ValueSummary { Count = 2970, P50 = 8.5, P95 = 21.5, Max = 40, Mean = 9 });
        m.Add("frames_with_target", 2990L);
        m.Add("image_width_px", 320L);
        m.Add("settle_frames", 30L);
    });

    private static JsonElement Serialize(RunReport r) =>
        JsonDocument.Parse(JsonSerializer.Serialize(r, ReportJsonContext.Default.RunReport)).RootElement;

    private static JsonElement Field(JsonElement root, string dotted)
    {
        JsonElement e = root;
        foreach (string part in dotted.Split('.'))
        {
            Assert.True(e.ValueKind == JsonValueKind.Object, $"'{dotted}': '{part}' is not inside an object");
            Assert.True(e.TryGetProperty(part, out e), $"the report JSON has no field '{dotted}' (missing '{part}')");
        }
        return e;
    }

    [Theory]
    [InlineData("tool")]
    [InlineData("version")]
    [InlineData("board")]
    [InlineData("demo")]
    [InlineData("model")]
    [InlineData("scenario")]
    [InlineData("machine.cores")]
    [InlineData("machine.kernel")]
    [InlineData("machine.preempt_rt")]
    [InlineData("machine.isolated_cores")]
    [InlineData("scheduling.policy")]
    [InlineData("scheduling.priority")]
    [InlineData("scheduling.affinity")]
    [InlineData("scheduling.mlockall")]
    [InlineData("scheduling.notes")]
    [InlineData("frames")]
    [InlineData("warmup_frames")]
    [InlineData("rate_hz")]
    [InlineData("deadline_us")]
    [InlineData("deadline_misses")]
    [InlineData("dropped_frames")]
    [InlineData("watchdog_trips")]
    [InlineData("safe_state_entries")]
    [InlineData("alloc_bytes_per_frame")]
    [InlineData("gc_collections")]
    [InlineData("cold_start_ms.process_to_first_actuation")]
    [InlineData("cold_start_ms.model_load")]
    [InlineData("cold_start_ms.first_inference")]
    [InlineData("period_jitter_us.p50")]
    [InlineData("period_jitter_us.p99")]
    [InlineData("period_jitter_us.max")]
    [InlineData("period_jitter_us.stddev")]
    [InlineData("overhead_vs_floor.p50_ratio")]
    [InlineData("overhead_vs_floor.p99_ratio")]
    [InlineData("demo_metrics.tracking_error_px.p50")]
    [InlineData("demo_metrics.tracking_error_px.p95")]
    [InlineData("schema_version")]
    [InlineData("timestamp")]
    [InlineData("commit")]
    [InlineData("onnxruntime_version")]
    [InlineData("model_sha256")]
    [InlineData("machine.host")]
    [InlineData("machine.cpu_model")]
    public void ReportJsonHasTheContractField(string dotted)
    {
        Field(Serialize(FullReport()), dotted);
    }

    [Fact]
    public void ANewReportCarriesTheSchemaVersionAndAUtcIso8601Timestamp()
    {
        var root = Serialize(new RunReport());
        Assert.Equal(RunReport.CurrentSchemaVersion, Field(root, "schema_version").GetInt32());
        var at = DateTime.ParseExact(Field(root, "timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.True(Math.Abs((DateTime.UtcNow - at).TotalMinutes) < 5);
    }

    [Fact]
    public void EveryStageEndToEndAndFloorIsAPObjectWithAllItsFields()
    {
        var root = Serialize(FullReport());
        foreach (string owner in StageNames.Select(s => "stages." + s).Append("end_to_end").Append("floor"))
            foreach (string f in PFields)
                Field(root, owner + "." + f);
    }

    [Fact]
    public void ContractFieldsCarryTheirValues()
    {
        var root = Serialize(FullReport());
        Assert.Equal("rtapp", Field(root, "tool").GetString());
        Assert.Equal("sim", Field(root, "board").GetString());
        Assert.Equal(2, Field(root, "machine.cores").GetInt32());
        Assert.False(Field(root, "machine.preempt_rt").GetBoolean());
        Assert.Equal("SCHED_FIFO", Field(root, "scheduling.policy").GetString());
        Assert.Equal(80, Field(root, "scheduling.priority").GetInt32());
        Assert.Equal(new[] { 1 }, Field(root, "scheduling.affinity").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(new[] { "a note" }, Field(root, "scheduling.notes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3000, Field(root, "frames").GetInt32());
        Assert.Equal(50, Field(root, "warmup_frames").GetInt32());
        Assert.Equal(15000, Field(root, "deadline_us").GetInt64());
        Assert.Equal(3, Field(root, "deadline_misses").GetInt32());
        Assert.Equal(4, Field(root, "dropped_frames").GetInt64());
        Assert.Equal(5, Field(root, "watchdog_trips").GetInt32());
        Assert.Equal(6, Field(root, "safe_state_entries").GetInt32());
        Assert.Equal(7, Field(root, "gc_collections").GetInt32());
        Assert.Equal(812.5, Field(root, "cold_start_ms.process_to_first_actuation").GetDouble());
        Assert.Equal(3.0, Field(root, "stages.infer.p50_us").GetDouble());
        Assert.Equal(7.0, Field(root, "stages.infer.p999_us").GetDouble());
        Assert.Equal(1000, Field(root, "stages.infer.count").GetInt32());
        Assert.Equal(20.0, Field(root, "end_to_end.p50_us").GetDouble());
        Assert.Equal(14.0, Field(root, "period_jitter_us.stddev").GetDouble());
        Assert.Equal(1.5, Field(root, "overhead_vs_floor.p99_ratio").GetDouble());
        Assert.Equal(21.5, Field(root, "demo_metrics.tracking_error_px.p95").GetDouble());
    }

    [Fact]
    public void OptionalSectionsLeftNullAreOmittedRatherThanWrittenAsNull()
    {
        var root = Serialize(new RunReport());
        Assert.False(root.TryGetProperty("floor", out _));
        Assert.False(root.TryGetProperty("period_jitter_us", out _));
        Assert.False(root.TryGetProperty("overhead_vs_floor", out _));
        Assert.False(Field(root, "demo_metrics").TryGetProperty("tracking_error_px", out _));
        Assert.Equal("rtapp", Field(root, "tool").GetString());
    }

    // ---- ReportBuilder.FillTiming on hand-built records ----

    private const int Warm = 10, Counted = 100;
    private const long Period = 10_000_000; // 100 Hz

    /// <summary>
    /// 10 warm-up frames then 100 counted ones, exactly periodic. Counted frame k: capture 1 µs,
    /// preprocess 2 µs, infer (k+1) µs·1000, decode 3, control 4, actuate 5 µs; capture is latched
    /// 100 ns after the start. Warm-up frames have a 500 µs inference, a miss, a hold, drops, a
    /// floor and a metric, none of which may reach the counted figures.
    /// </summary>
    private static FrameRecord[] Records(bool withFloor = true)
    {
        var r = new FrameRecord[Warm + Counted];
        for (int i = 0; i < r.Length; i++)
        {
            int k = i - Warm;
            bool warm = k < 0;
            long start = 1_000_000 + i * Period;
            long infer = warm ? 500_000 : (k + 1) * 1_000L;
            ref FrameRecord f = ref r[i];
            f.StartNs = start;
            f.CaptureNs = start + 100;
            f.CaptureEndNs = start + 1_000;
            f.PreprocessEndNs = f.CaptureEndNs + 2_000;
            f.InferEndNs = f.PreprocessEndNs + infer;
            f.DecodeEndNs = f.InferEndNs + 3_000;
            f.ControlEndNs = f.DecodeEndNs + 4_000;
            f.ActuateEndNs = f.ControlEndNs + 5_000;
            if (warm)
            {
                f.Flags = FrameFlags.Warmup | FrameFlags.DeadlineMiss | FrameFlags.Held;
                f.DroppedBefore = 100;
                f.FloorNs = withFloor ? 999_000 : 0;
                f.DemoMetric = 1000f;
                continue;
            }
            if (k >= 90 && k <= 96) f.Flags |= FrameFlags.DeadlineMiss;       // 7 misses
            if (k == 3 || (k >= 50 && k <= 52)) f.Flags |= FrameFlags.Held;   // 4 held
            f.DroppedBefore = k == 3 ? 2 : k == 5 ? 3 : 0;                      // 5 dropped
            f.FloorNs = withFloor && k % 2 == 0 ? 20_000 : 0;                   // 50 floor runs of 20 µs
            f.DemoMetric = k % 10 == 5 ? float.NaN : k;                         // 10 frames without a face
        }
        return r;
    }

    private static readonly Dictionary<string, long> Budgets = new() { ["capture"] = 1, ["infer"] = 80, ["decode"] = 2 };

    private static RunReport Fill(LoopScenario scenario = LoopScenario.Periodic, bool withFloor = true)
    {
        var report = new RunReport();
        var options = new ClosedLoopOptions { Frames = Counted, WarmupFrames = Warm, PeriodNs = Period, DeadlineNs = 15_000_000, Scenario = scenario };
        ReportBuilder.FillTiming(report, Records(withFloor), options, Budgets);
        return report;
    }

    [Fact]
    public void FillTimingCountsWarmupAndCountedFramesApart()
    {
        var r = Fill();
        Assert.Equal(100, r.Frames);
        Assert.Equal(10, r.WarmupFrames);
        Assert.Equal(100, r.EndToEnd.Count);
        Assert.Equal(10, r.WarmupEndToEnd.Count);
        Assert.Equal(514.9, r.WarmupEndToEnd.P50Us, 9);
        Assert.Equal(15000, r.DeadlineUs);
        Assert.Equal(100.0, r.RateHz);
        Assert.Equal("periodic", r.Scenario);
    }

    [Fact]
    public void FillTimingCountsMissesHeldAndDroppedFramesOfCountedFramesOnly()
    {
        var r = Fill();
        Assert.Equal(7, r.DeadlineMisses);
        Assert.Equal(4, r.HeldFrames);
        Assert.Equal(5, r.DroppedFrames);
    }

    [Fact]
    public void FillTimingComputesEachStageFromTheDifferenceOfConsecutiveStamps()
    {
        var r = Fill();
        Assert.Equal(1.0, r.Stages.Capture.P50Us);
        Assert.Equal(2.0, r.Stages.Preprocess.P50Us);
        Assert.Equal(50.0, r.Stages.Infer.P50Us);
        Assert.Equal(99.0, r.Stages.Infer.P99Us);
        Assert.Equal(100.0, r.Stages.Infer.MaxUs);
        Assert.Equal(50.5, r.Stages.Infer.MeanUs, 9);
        Assert.Equal(3.0, r.Stages.Decode.P50Us);
        Assert.Equal(4.0, r.Stages.Control.P50Us);
        Assert.Equal(5.0, r.Stages.Actuate.P50Us);
        Assert.All(new[] { r.Stages.Capture, r.Stages.Preprocess, r.Stages.Infer, r.Stages.Decode, r.Stages.Control, r.Stages.Actuate },
            s => Assert.Equal(100, s.Count));
        // End to end is capture latch (start + 100 ns) to actuation: 14.9 µs plus the inference.
        Assert.Equal(64.9, r.EndToEnd.P50Us, 9);
        Assert.Equal(113.9, r.EndToEnd.P99Us, 9);
        Assert.Equal(new[] { "p99", "p999" }, r.EndToEnd.NotEstablished);
    }

    [Fact]
    public void FillTimingSummarisesTheFloorAndSetsEndToEndBesideIt()
    {
        var r = Fill();
        Assert.NotNull(r.Floor);
        Assert.Equal(50, r.Floor.Count);
        Assert.Equal(20.0, r.Floor.P50Us);
        Assert.Equal(20.0, r.Floor.P99Us);
        Assert.NotNull(r.OverheadVsFloor);
        Assert.Equal(3.245, r.OverheadVsFloor.P50Ratio, 9);
        Assert.Equal(5.695, r.OverheadVsFloor.P99Ratio, 9);
        Assert.Equal(44.9, r.OverheadVsFloor.P50DeltaUs, 9);
        Assert.Equal(93.9, r.OverheadVsFloor.P99DeltaUs, 9);
    }

    [Fact]
    public void FillTimingLeavesFloorAndOverheadNullWithoutFloorRuns()
    {
        var r = Fill(withFloor: false);
        Assert.Null(r.Floor);
        Assert.Null(r.OverheadVsFloor);
    }

    [Fact]
    public void FillTimingCountsStageBudgetOverrunsOnlyForBudgetedStagesAndOnlyAboveTheBudget()
    {
        var r = Fill();
        // capture takes exactly its 1 µs budget (not an overrun); infer is above 80 µs on 20 frames; decode (3 µs) always overruns 2 µs.
        Assert.Equal(new Dictionary<string, int> { ["capture"] = 0, ["infer"] = 20, ["decode"] = 100 }, r.StageBudgetOverruns);
    }

    [Fact]
    public void FillTimingMeasuresJitterOfCountedStartsInThePeriodicScenario()
    {
        var r = Fill();
        Assert.NotNull(r.PeriodJitterUs);
        Assert.Equal(99, r.PeriodJitterUs.Count);
        Assert.Equal(0.0, r.PeriodJitterUs.Max);
        Assert.Equal(0.0, r.PeriodJitterUs.Stddev);
    }

    [Fact]
    public void FillTimingHasNoJitterInTheSingleStreamScenario()
    {
        var r = Fill(LoopScenario.SingleStream);
        Assert.Equal("single-stream", r.Scenario);
        Assert.Null(r.PeriodJitterUs);
    }

    [Fact]
    public void DemoMetricLeavesOutWarmupSourceFaultsTheSettleFramesAndFramesWithoutATarget()
    {
        var e = ReportBuilder.SummarizeDemoMetric(Records(withFloor: true), settleFrames: 10, out int withValue);
        Assert.Equal(90, withValue);
        Assert.NotNull(e);
        // Values 10..99 without 15, 25, ..., 95: 81 of them. Nearest rank: 41st is 54, 77th is 94.
        Assert.Equal(81, e.Count);
        Assert.Equal(54.0, e.P50);
        Assert.Equal(94.0, e.P95);
        Assert.Equal(99.0, e.Max);
        Assert.Equal(54.44, e.Mean, 9);
    }

    [Fact]
    public void FilledReportSerialisesWithTheContractNames()
    {
        var report = Fill();
        report.Metrics.Add("tracking_error_px", ReportBuilder.SummarizeDemoMetric(Records(), settleFrames: 10, out _));
        var root = Serialize(report);
        Assert.Equal(100, Field(root, "frames").GetInt32());
        Assert.Equal(50.0, Field(root, "stages.infer.p50_us").GetDouble());
        Assert.Equal(20, Field(root, "stage_budget_overruns.infer").GetInt32());
        Assert.Equal(54.0, Field(root, "demo_metrics.tracking_error_px.p50").GetDouble());
        Assert.Equal(3.245, Field(root, "overhead_vs_floor.p50_ratio").GetDouble(), 9);
    }

    [Fact]
    public void DemoMetricIsNullWhenNoFrameHadATargetSoItCannotReadAsZeroError()
    {
        var records = Records();
        for (int i = 0; i < records.Length; i++) records[i].DemoMetric = float.NaN;
        Assert.Null(ReportBuilder.SummarizeDemoMetric(records, settleFrames: 10, out int withValue));
        Assert.Equal(0, withValue);
        var report = Fill();
        report.Metrics.Add("tracking_error_px", (ValueSummary?)null);
        report.Metrics.Add("frames_with_target", 0L);
        var metrics = Serialize(report).GetProperty("demo_metrics");
        Assert.False(metrics.TryGetProperty("tracking_error_px", out _));
        Assert.Equal(0, metrics.GetProperty("frames_with_target").GetInt32());
    }

    [Fact]
    public void FillWatchdogMergesTheWatchdogThreadsStallsInTimeOrderAtTheirLatchTimes()
    {
        var w = new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 3, 2);
        w.OnFrame(5, 1 << (int)FaultKind.DeadlineMiss, 1_050_000_000);
        // The pipeline came back from the stall at frame 7 and took the latch over: counted, no event of its own.
        w.CountExternal(FaultKind.Stall, FaultAction.SafeState);
        w.OnFrame(8, 0, 1_300_000_000);
        w.OnFrame(9, 0, 1_400_000_000);
        // The watchdog thread latched at 1.2 s during frame 7, and again at 1.9 s in a stall the loop never left.
        var thread = new[]
        {
            new WatchdogEvent { Frame = 7, TimeNs = 1_200_000_000, Kind = FaultKind.Stall, Action = FaultAction.SafeState },
            new WatchdogEvent { Frame = 10, TimeNs = 1_900_000_000, Kind = FaultKind.Stall, Action = FaultAction.SafeState },
        };
        var report = new RunReport();
        ReportBuilder.FillWatchdog(report, w, runStartNs: 1_000_000_000, thread, stallsSeenByThread: 2);
        var events = report.WatchdogEvents.Select(e => (e.Frame, e.AtMs, e.Kind, e.Action)).ToArray();
        Assert.Equal(new[]
        {
            (5, 50.0, "deadline_miss", "hold-last"),
            (7, 200.0, "stall", "safe-state"),
            (9, 400.0, "recovered", "safe-state"),
            (10, 900.0, "stall", "safe-state"),
        }, events);
        Assert.Equal(2, report.Faults["stall"]);
        Assert.Equal(0, report.Faults["output_failure"]);
    }
}

internal static class RunReportMetricsExtensions
{
    /// <summary>Lets a report's initializer fill its application metrics.</summary>
    public static RunReport WithMetrics(this RunReport report, System.Action<ApplicationMetrics> fill)
    {
        fill(report.Metrics);
        return report;
    }
}
