using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// The shipped board profiles load cleanly, and each kind of mistake in a profile is reported once,
/// naming the file and the field, so a person can fix it without reading the loader.
/// </summary>
public sealed class ProfileLoaderTests
{
    private const string Source = "test.json";

    private static string BoardPath(string name) => Path.Combine(TestAssets.RepoRoot, "boards", name + ".json");

    private static JsonNode Board(string name) =>
        JsonNode.Parse(File.ReadAllText(BoardPath(name)), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

    /// <summary>Parses <paramref name="json"/>, expects it to fail with exactly one problem, returns the message.</summary>
    private static string SingleProblem(string json)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(json, Source));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        Assert.Equal(Source, ex.Source);
        Assert.Equal(Source + ": " + ex.Problems[0], ex.Message);
        return ex.Message;
    }

    private static void AssertNamesField(string message, string field) =>
        Assert.StartsWith($"{Source}: {field}", message, StringComparison.Ordinal);

    [Fact]
    public void SimBoardLoadsAndValidatesWithNoProblems()
    {
        var p = ProfileLoader.LoadFile(BoardPath("sim"));
        Assert.Empty(ProfileLoader.Validate(p));
        Assert.Equal("sim", p.Name);
        Assert.True(p.Simulated);
        Assert.Equal(2, p.Pwm.Count);
        Assert.Equal(30, p.Timing.RateHz);
        Assert.Equal(15000, p.Timing.DeadlineUs);
        Assert.Equal(6, p.Timing.BudgetsUs.Count);
        Assert.NotNull(p.App);
        Assert.Equal(Realtime.Core.Pipeline.FaultAction.HoldLast, ProfileLoader.ParseMissPolicy(p.Watchdog.MissPolicy));
    }

    [Fact]
    public void Rpi5BoardLoadsAndValidatesWithNoProblems()
    {
        var p = ProfileLoader.LoadFile(BoardPath("rpi5"));
        Assert.Empty(ProfileLoader.Validate(p));
        Assert.Equal("rpi5", p.Name);
        Assert.False(p.Simulated);
        Assert.Equal(4, p.CpuCores);
        Assert.Equal("v4l2-camera", p.App!.Nodes[0].Type);
        Assert.Equal(("/dev/video0", "yuyv"), (p.App.Nodes[0].ConfigText("device"), p.App.Nodes[0].ConfigText("format")));
        Assert.Equal(new int?[] { 32, 33 }, new[] { p.Pwm[0].Pin, p.Pwm[1].Pin });
        Assert.Equal(new[] { 3 }, p.Threads.Pipeline.Cores);
        Assert.Equal(80, p.Threads.Pipeline.Priority);
    }

    [Theory]
    [InlineData("model", """{ "path": "models/face_detection_front_128x128_barracuda.onnx" }""", "model: the top-level model section is gone: an onnx-model node of the app graph carries its model (app.nodes[].config: path, sha256, intra_op_threads, ...)")]
    [InlineData("camera", """{ "kind": "v4l2", "device": "/dev/video0" }""", "camera: the top-level camera section is gone: a source node of the app graph carries its camera (a v4l2-camera node's config.device, format, width, height, rate_hz; a sim-video node's config.video)")]
    public void ATopLevelModelOrCameraSectionIsOneProblemSayingWhereItMoved(string section, string json, string problem)
    {
        var b = Board("rpi5");
        b[section] = JsonNode.Parse(json);
        Assert.Equal($"{Source}: {problem}", SingleProblem(b.ToJsonString()));
        // The same through inheritance and through an override.
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse($$"""{ "extends": "sim", "{{section}}": {{json}} }""", Source, BoardFiles.Options()));
        Assert.Equal(problem, Assert.Single(ex.Problems));
        ex = Assert.Throws<ProfileException>(() => BoardFiles.Load("sim", $"{section}.path=x.onnx"));
        Assert.StartsWith($"{section}: the top-level {section} section is gone: ", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLoadersCameraFormatsAreTheCapturesInItsOrder() =>
        // Realtime.Core cannot see Realtime.Linux; the names are the same list in both, and the schema's enum.
        Assert.Equal(new[] { "yuyv", "nv12", "grey", "mjpeg" }, ProfileLoader.CameraFormatNames);

    [Fact]
    public void TheUnmodifiedSimTextRoundTrippedThroughJsonNodeStillParses()
    {
        // The baseline of every negative test below: the edit, not the round trip, makes them fail.
        var p = ProfileLoader.Parse(Board("sim").ToJsonString(), Source);
        Assert.Equal("sim", p.Name);
    }

    [Fact]
    public void LoadFileOfAMissingPathReportsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-board-" + Guid.NewGuid().ToString("N") + ".json");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(path));
        Assert.Equal(new[] { "file not found" }, ex.Problems);
        Assert.Equal(path + ": file not found", ex.Message);
    }

    [Fact]
    public void TruncatedJsonIsReportedAsMalformedJson()
    {
        string text = File.ReadAllText(BoardPath("sim"));
        string msg = SingleProblem(text[..(text.Length / 2)]);
        Assert.Contains("malformed JSON", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownTopLevelFieldIsReportedByName()
    {
        var j = Board("sim");
        j["bogus"] = 1;
        string msg = SingleProblem(j.ToJsonString());
        Assert.Contains("bogus", msg, StringComparison.Ordinal);
        Assert.Contains("unknown field", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownNestedFieldIsReportedByName()
    {
        var j = Board("sim");
        j["timing"]!["rate"] = 30;
        string msg = SingleProblem(j.ToJsonString());
        Assert.Contains("rate", msg, StringComparison.Ordinal);
        Assert.Contains("unknown field", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueOfTheWrongTypeNamesItsField()
    {
        var j = Board("sim");
        j["timing"]!["rate_hz"] = "fast";
        string msg = SingleProblem(j.ToJsonString());
        AssertNamesField(msg, "timing.rate_hz");
        Assert.Equal($"{Source}: timing.rate_hz: expected a number, got \"fast\"", msg);
    }

    [Fact]
    public void ADeadlineLongerThanThePeriodIsReported()
    {
        var j = Board("sim");
        j["timing"]!["deadline_us"] = 50000; // the period at 30 Hz is 33333 µs
        AssertNamesField(SingleProblem(j.ToJsonString()), "timing.deadline_us");
    }

    [Fact]
    public void StageBudgetsThatAddUpToMoreThanTheDeadlineAreReported()
    {
        var j = Board("sim");
        var budgets = j["timing"]!["budgets_us"]!.AsObject();
        budgets["infer"] = 14000;
        long sum = 0;
        foreach (var kv in budgets) sum += long.Parse(kv.Value!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sum > 15000);
        string msg = SingleProblem(j.ToJsonString());
        AssertNamesField(msg, "timing.budgets_us");
        Assert.Contains(sum.ToString(System.Globalization.CultureInfo.InvariantCulture), msg, StringComparison.Ordinal);
    }

    [Fact]
    public void ABudgetForAnUnknownStageIsReported()
    {
        var j = Board("sim");
        j["timing"]!["budgets_us"]!["teleport"] = 1;
        string msg = SingleProblem(j.ToJsonString());
        AssertNamesField(msg, "timing.budgets_us.teleport");
        Assert.Contains("unknown stage", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void APwmChannelUsedTwiceIsReportedOnTheSecondOutput()
    {
        var j = Board("sim");
        j["pwm"]![1]!["channel"] = 0;
        AssertNamesField(SingleProblem(j.ToJsonString()), "pwm[1].channel");
    }

    [Fact]
    public void AHeaderPinUsedTwiceIsReportedOnTheSecondOutput()
    {
        var j = Board("sim");
        j["pwm"]![0]!["pin"] = 12;
        j["pwm"]![1]!["pin"] = 12;
        AssertNamesField(SingleProblem(j.ToJsonString()), "pwm[1].pin");
    }

    [Fact]
    public void ACoreTheBoardDoesNotHaveIsReported()
    {
        var j = Board("rpi5");
        j["threads"]!["pipeline"]!["cores"] = new JsonArray(7);
        string msg = SingleProblem(j.ToJsonString());
        AssertNamesField(msg, "threads.pipeline.cores");
        Assert.Contains("core 7", msg, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownMissPolicyIsReported()
    {
        var j = Board("sim");
        j["watchdog"]!["miss_policy"] = "panic";
        AssertNamesField(SingleProblem(j.ToJsonString()), "watchdog.miss_policy");
    }

    [Fact]
    public void ASafeAngleOutsideTheServoRangeIsReported()
    {
        var j = Board("sim");
        j["pwm"]![0]!["safe_angle_deg"] = 60; // range -45..45
        AssertNamesField(SingleProblem(j.ToJsonString()), "pwm[0].safe_angle_deg");
    }

    [Fact]
    public void SeveralMistakesAreAllReportedOnePerLine()
    {
        var j = Board("sim");
        j["watchdog"]!["miss_policy"] = "panic";
        j["telemetry"] = JsonNode.Parse("""{ "keep_reports": 0 }""");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.Equal(2, ex.Problems.Count);
        Assert.Equal(2, ex.Message.Split('\n').Length);
        Assert.All(ex.Message.Split('\n'), line => Assert.StartsWith(Source + ": ", line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ignore", Realtime.Core.Pipeline.FaultAction.Ignore)]
    [InlineData("hold-last", Realtime.Core.Pipeline.FaultAction.HoldLast)]
    [InlineData("skip", Realtime.Core.Pipeline.FaultAction.Skip)]
    [InlineData("fallback", Realtime.Core.Pipeline.FaultAction.Fallback)]
    [InlineData("safe-state", Realtime.Core.Pipeline.FaultAction.SafeState)]
    [InlineData("exit", Realtime.Core.Pipeline.FaultAction.Exit)]
    public void MissPolicyNamesParse(string name, Realtime.Core.Pipeline.FaultAction expected)
    {
        Assert.Equal(expected, ProfileLoader.ParseMissPolicy(name));
    }

    [Fact]
    public void AStallPolicyThatNeedsAComputedCommandIsRefused()
    {
        var j = Board("sim");
        j["watchdog"]!["on_stall"] = "hold-last";
        AssertNamesField(SingleProblem(j.ToJsonString()), "watchdog.on_stall");
    }

    [Fact]
    public void AWatchdogThreadBelowThePipelinePriorityIsRefused()
    {
        var j = Board("sim");
        j["threads"]!["watchdog"]!["priority"] = 50;
        AssertNamesField(SingleProblem(j.ToJsonString()), "threads.watchdog.priority");
    }

    [Fact]
    public void AStallTimeoutShorterThanThePeriodIsRefused()
    {
        var j = Board("sim");
        j["watchdog"]!["stall_timeout_us"] = 10000;
        AssertNamesField(SingleProblem(j.ToJsonString()), "watchdog.stall_timeout_us");
    }

    [Fact]
    public void AnUnknownMissPolicyNameParsesToNull()
    {
        Assert.Null(ProfileLoader.ParseMissPolicy("HoldLast"));
    }
}
