using System;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;
using Realtime.Demos;
using Realtime.Hosting.Telemetry;
using Realtime.Linux;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// A model ladder on the real pipeline with the real models (M-LSD large over M-LSD tiny, both
/// 320x320 with the same outputs) on the simulated line follower: under an injected slowdown of the
/// inference stage the single model misses and the ladder steps down and misses none, then steps
/// back up; a hot thermal zone (a settable /sys) moves it down ahead of any miss; a variant whose
/// tensors differ, a missing one and an empty ladder are each one problem naming its field.
/// Deadlines are derived from the rungs' times measured in this process, with wide margins: the
/// assertions are counts.
/// </summary>
[Collection(LoopCountersCollection.Name)]
public sealed class ModelLadderTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Warmup = 2, Frames = 24, SlowFrom = 8, SlowTo = 13, StepUp = 3;
    private const long ReserveUs = 4000;
    private readonly string _dir = Directory.CreateTempSubdirectory("ladder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The line follower's graph with M-LSD large as its model and, given <paramref name="ladder"/>, that ladder.</summary>
    private string Profile(string name, long deadlineUs, string? ladder)
    {
        string model = "\"path\": \"models/mlsd_320x320_large.onnx\"" + (ladder is null ? "" : ", \"ladder\": " + ladder);
        string text = $$"""
        {
          "extends": "sim", "name": "{{name}}", "demo": "ladder-follower",
          "pwm": [
            { "name": "left-motor",  "chip": 0, "channel": 0, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 },
            { "name": "right-motor", "chip": 0, "channel": 1, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 }
          ],
          "app": {
            "nodes": [
              { "name": "motors", "type": "motor", "config": { "pwm": [0, 1] } },
              { "name": "robot", "type": "line-track-camera", "config": {
                  "width": 320, "height": 320, "view_width_cm": 40, "near_cm": 6,
                  "track_width_cm": 220, "track_height_cm": 140, "corner_radius_cm": 40, "line_width_cm": 2.5,
                  "wheel_base_cm": 12, "max_wheel_cm_s": 40, "motor_time_constant_s": 0.08, "pwm": [0, 1] } },
              { "name": "pre", "type": "image-preprocess", "config": { "width": 320, "height": 320, "resize": "stretch", "low": 0, "high": 255, "alpha": 1 } },
              { "name": "mlsd", "type": "onnx-model", "config": { {{model}} } },
              { "name": "lines", "type": "mlsd-segments", "config": { "input_size": 320, "image_width": 320, "image_height": 320, "score_threshold": 0.1, "min_length_px": 16 } },
              { "name": "steering", "type": "pure-pursuit", "config": {
                  "image_width": 320, "image_height": 320, "view_width_cm": 40, "near_cm": 6,
                  "cruise_cm_s": 20, "max_wheel_cm_s": 40, "wheel_base_cm": 12, "lookahead_cm": 24, "gate_cm": 8, "merge_cm": 4, "hold_frames": 5 } }
            ],
            "connections": [
              { "from": "robot.image", "to": "pre.image" },
              { "from": "pre.tensor", "to": "mlsd.input_image_with_alpha_0" },
              { "from": "mlsd.scores", "to": "lines.scores" },
              { "from": "mlsd.offsets", "to": "lines.offsets" },
              { "from": "lines.segments", "to": "steering.segments" },
              { "from": "steering.command", "to": "motors.command" }
            ],
            "loop": { "rate_hz": 0.1, "deadline_us": {{deadlineUs.ToString(CultureInfo.InvariantCulture)}}, "budgets_us": { "decode": 3000, "control": 500, "actuate": 500 } }
          }
        }
        """;
        string path = Path.Combine(_dir, name + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Ladder(string extra = "") =>
        "{ \"name\": \"large\", \"variants\": { \"tiny\": { \"path\": \"models/mlsd_320x320_tiny.onnx\", \"sha256\": \"8ed66620ee42e13b814f9d281f21873fe0ffca44261087188384dc4f365440f7\" } }, "
        + $"\"reserve_us\": {ReserveUs}, \"step_up_frames\": {StepUp}{extra} }}";

    private static GraphApplicationInstance Build(string path, RunOverrides overrides)
    {
        var host = new RealtimeHost("test").AddDemos();
        var (profile, source) = ProfileCatalog.Load(path);
        return (GraphApplicationInstance)host.ApplicationFor(profile, source).Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = overrides,
        });
    }

    private static RunOverrides Overrides(FaultPlan? faults = null, MachineSpeed? speed = null, LadderTimings? timings = null) => new()
    {
        Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream, Faults = faults, Speed = speed ?? new MachineSpeed(), LadderTimings = timings,
    };

    private static OnnxModelNode Model(GraphApplicationInstance app)
    {
        foreach (Node n in app.Graph.Nodes) if (n is OnnxModelNode m) return m;
        throw new InvalidOperationException("no model node");
    }

    // Each frame's rung and end-to-end time, for a failure's message.
    private static string Show(ReadOnlySpan<FrameRecord> records)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < records.Length; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i}:{records[i].Variant}/{records[i].EndToEndNs / 1_000_000}ms{((records[i].Flags & FrameFlags.DeadlineMiss) != 0 ? "!" : "")} ");
        return text.ToString();
    }

    private static int Misses(ReadOnlySpan<FrameRecord> records)
    {
        int misses = 0;
        foreach (ref readonly var r in records)
            if ((r.Flags & FrameFlags.Warmup) == 0 && (r.Flags & FrameFlags.DeadlineMiss) != 0) misses++;
        return misses;
    }

    [Fact]
    public void UnderAnInjectedSlowdownTheLadderStepsDownAndMissesNoneWhereTheSingleModelMisses()
    {
        const long deadlineUs = 9_000_000;
        using var ladder = Build(Profile("ladder", deadlineUs, Ladder()), Overrides());
        using var single = Build(Profile("single", deadlineUs, null), Overrides());
        var m = Model(ladder);
        Assert.Equal("measured-at-start", m.LadderTimingSource);
        Assert.Equal(new[] { "large", "tiny" }, m.LadderRungs);
        // The rungs' medians, measured at start just now: the slowed frames leave 0.8 × large's median, no room for large
        // (the p99 the selector sees is above its median) and as much as can be for tiny (about 4 × its median: a loaded
        // machine was seen to slow tiny's frames 6-fold against its start, so the geometric mean's 2.4-fold was not enough).
        // The two loops take turns frame by frame, so a change in the machine's load falls on both alike.
        double largeUs = m.LadderP50Us(0), tinyUs = m.LadderP50Us(1);
        Assert.True(largeUs > 2 * tinyUs && largeUs < deadlineUs / 2, $"large {largeUs} µs, tiny {tinyUs} µs");
        long gapUs = (long)(0.8 * largeUs);
        long slowMs = (deadlineUs - gapUs) / 1000;
        var faults = FaultPlan.Parse($"slow:infer:{slowMs}:from={SlowFrom}:to={SlowTo}");
        ladder.GraphLoop.Attach(new FaultInjector(faults));
        single.GraphLoop.Attach(new FaultInjector(faults));
        long allocated = 0;
        for (int f = 0; f < Warmup + Frames; f++)
        {
            single.GraphLoop.RunFrames(1);
            long before = GC.GetAllocatedBytesForCurrentThread();
            ladder.GraphLoop.RunFrames(1);
            if (f >= Warmup) allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var records = ladder.GraphLoop.Records;
        int singleMisses = Misses(single.GraphLoop.Records);
        output.WriteLine($"large p50 {largeUs:0} µs, tiny p50 {tinyUs:0} µs, deadline {deadlineUs} µs, slowed {slowMs} ms");
        output.WriteLine($"single: {Show(single.GraphLoop.Records)}");
        output.WriteLine($"ladder: {Show(records)}");
        Assert.True(singleMisses > 0, $"the single model should miss with {slowMs} ms injected: {Show(single.GraphLoop.Records)}");
        Assert.Equal(-1, single.GraphLoop.Records[Warmup].Variant);
        Assert.True(Misses(records) == 0, $"slowed by {slowMs} ms: {Show(records)}");
        Assert.Equal(0, allocated);
        // Full speed before the slowdown, tiny through it, large again StepUp frames after it.
        string frames = Show(records);
        for (int f = Warmup; f < SlowFrom; f++) Assert.True(records[f].Variant == 0, frames);
        for (int f = SlowFrom; f <= SlowTo; f++) Assert.True(records[f].Variant == 1, frames);
        for (int f = SlowTo + 1; f < SlowTo + StepUp; f++) Assert.True(records[f].Variant == 1, frames);
        for (int f = SlowTo + StepUp; f < Warmup + Frames; f++) Assert.True(records[f].Variant == 0, frames);
        var model = m;
        Assert.Equal(2, model.LadderSelector!.Switches);
        Assert.Equal(SlowTo - SlowFrom + StepUp, model.LadderRuns(1));

        // The report: frames per rung, switches and the rung of every counted frame, and the summary's line.
        var metrics = new ApplicationMetrics();
        ladder.FillMetrics(metrics, records);
        var entry = (JsonObject)((JsonObject)metrics["model_ladder"]!)["mlsd"]!;
        Assert.Equal(2, (int)entry["switches"]!);
        var rungs = (JsonArray)entry["rungs"]!;
        Assert.Equal(Frames - (SlowTo - SlowFrom + StepUp), (long)rungs[0]!["frames"]!);
        Assert.Equal(SlowTo - SlowFrom + StepUp, (long)rungs[1]!["frames"]!);
        Assert.Equal(Frames, ((JsonArray)entry["variant_per_frame"]!).Count);
        Assert.Contains(metrics.SummaryLines, l => l.StartsWith("Ladder mlsd: large ", StringComparison.Ordinal) && l.Contains("2 switches", StringComparison.Ordinal));
    }

    [Fact]
    public void AHotThermalZoneReadByTheSamplerMovesTheLadderDownAheadOfAMissAndCoolingMovesItBack()
    {
        // A /sys of this test's own: one thermal zone whose temperature the test sets; the run's sampler publishes it.
        string sys = Path.Combine(_dir, "sys");
        void Temperature(int milliC)
        {
            string zone = Path.Combine(sys, "class", "thermal", "thermal_zone0");
            Directory.CreateDirectory(zone);
            File.WriteAllText(Path.Combine(zone, "type"), "x86_pkg_temp\n");
            File.WriteAllText(Path.Combine(zone, "temp"), milliC.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        Temperature(50_000);
        var speed = new MachineSpeed();
        using var sampler = new ResourceSampler(new ResourceReader("/proc", sys)) { Speed = speed };
        sampler.SampleNow();
        Assert.Equal(50, speed.TemperatureC);

        // At full speed large fits the 5 s deadline many times over; at 90 °C and above every rung is expected 100 times
        // slower: large no longer fits, and when nothing fits the cheapest runs.
        using var app = Build(Profile("thermal", 5_000_000, Ladder(", \"hot_c\": 90, \"hot_scale\": 100")), Overrides(speed: speed));
        var model = Model(app);
        Assert.True(model.LadderP99Us(0) * 100 > 5_000_000, $"large's p99 {model.LadderP99Us(0)} µs");
        var loop = app.GraphLoop;
        loop.RunFrames(4);
        Temperature(95_000);
        sampler.SampleNow();
        loop.RunFrames(4);
        Temperature(60_000);
        sampler.SampleNow();
        loop.RunFrames(StepUp + 1);
        var records = loop.Records;
        string frames = Show(records);
        for (int f = 0; f < 4; f++) Assert.True(records[f].Variant == 0, frames);
        for (int f = 4; f < 8 + StepUp - 1; f++) Assert.True(records[f].Variant == 1, frames);
        Assert.True(records[8 + StepUp - 1].Variant == 0, frames);
        Assert.Equal(0, Misses(records));
        Assert.Equal(2, model.LadderSelector!.Switches);
    }

    [Fact]
    public void RungTimesComeFromTheTimingFileWhenItHasEveryRung()
    {
        var loop = new LoopTiming { Name = "ladder-follower", RateHz = 0.5, DeadlineUs = 1_900_000, Variants = new() };
        loop.Variants.Add(new StageTiming { Name = "mlsd/large", Samples = 200, P50Us = 1000, P99Us = 1_900_000, P999Us = 1_900_000, MaxUs = 1_900_000 });
        loop.Variants.Add(new StageTiming { Name = "mlsd/tiny", Samples = 200, P50Us = 1000, P99Us = 2000, P999Us = 2000, MaxUs = 2000 });
        using var app = Build(Profile("calibrated", 1_900_000, Ladder()), Overrides(timings: new LadderTimings(loop, "x.timing.json")));
        var model = Model(app);
        Assert.Equal("timing-file", model.LadderTimingSource);
        Assert.Equal(1_900_000_000, model.LadderSelector!.ExpectedNs(0));
        Assert.Equal(2_000_000, model.LadderSelector!.ExpectedNs(1));
        // The file says large takes the whole 1.9 s deadline at p99: with 4 ms kept for the stages after it, it never fits; tiny runs every frame.
        app.GraphLoop.RunFrames(3);
        Assert.Equal(0, model.LadderRuns(0));
        Assert.Equal(3, model.LadderRuns(1));
        Assert.Empty(TimingFileProblems(loop));
    }

    private static System.Collections.Generic.List<string> TimingFileProblems(LoopTiming loop)
    {
        loop.Frame = new StageTiming { Name = "frame", Samples = 1, P50Us = 1, P99Us = 1, P999Us = 1, MaxUs = 1 };
        return new TimingFile { Loops = { loop } }.Problems();
    }

    [Theory]
    [InlineData("{ \"variants\": { \"face\": { \"path\": \"models/face_detection_front_128x128_barracuda.onnx\" } } }", "config.ladder.variants.face.path", "input 'input_image_with_alpha:0'")]
    [InlineData("{ \"variants\": { \"gone\": { \"path\": \"models/no-such-model.onnx\" } } }", "config.ladder.variants.gone.path", "not found")]
    [InlineData("{ \"variants\": { } }", "config.ladder.variants", "an empty ladder")]
    [InlineData("{ \"name\": \"large\" }", "config.ladder.variants", "an empty ladder")]
    public void ABadLadderIsOneProblemNamingItsField(string ladder, string field, string what)
    {
        var ex = Assert.Throws<ProfileException>(() => Build(Profile("bad", 1_900_000, ladder), Overrides()));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }
}
