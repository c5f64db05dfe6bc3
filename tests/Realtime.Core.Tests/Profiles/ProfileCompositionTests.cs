using System;
using System.IO;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// Inheritance (<c>extends</c>: a built-in name or a relative path; objects merge, lists and values
/// replace) and <c>--set key=value</c> overrides, both applied to the JSON before it is validated.
/// </summary>
public sealed class ProfileCompositionTests
{
    private static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "rtapp-profiles-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    private static BoardProfile ParseChild(string json, params string[] sets) =>
        ProfileLoader.Parse(json, "child.json", BoardFiles.Options(sets));

    private static ProfileException Fails(string json, params string[] sets) =>
        Assert.Throws<ProfileException>(() => ParseChild(json, sets));

    [Fact]
    public void AChildOfABuiltInBoardMergesObjectsFieldByField()
    {
        var p = ParseChild("""{ "extends": "rpi5", "name": "mine", "timing": { "rate_hz": 20 }, "watchdog": { "fallback_step": 0.5 } }""");
        Assert.Equal("mine", p.Name);
        Assert.Equal(20, p.Timing.RateHz);
        Assert.Equal(20000, p.Timing.DeadlineUs);       // rpi5's, beside the overridden rate
        Assert.Equal(6, p.Timing.BudgetsUs.Count);
        Assert.Equal(0.5, p.Watchdog.FallbackStep);
        Assert.Equal("hold-last", p.Watchdog.MissPolicy);
        Assert.Equal(32, p.Pwm[0].Pin);
        Assert.Equal("arm64", p.Arch);
    }

    [Fact]
    public void ListsReplaceRatherThanMerge()
    {
        var p = ParseChild("""{ "extends": "rpi5", "threads": { "telemetry": { "cores": [1] } } }""");
        Assert.Equal(new[] { 1 }, p.Threads.Telemetry!.Cores);
        Assert.Equal(0, p.Threads.Telemetry.Priority);   // the object still merged
        Assert.Equal(new[] { 3 }, p.Threads.Pipeline.Cores);
    }

    [Fact]
    public void ANullInTheChildClearsTheParentsField()
    {
        var p = ParseChild("""{ "extends": "rpi5", "threads": { "capture": null } }""");
        Assert.Null(p.Threads.Capture);
        Assert.NotNull(p.Threads.Watchdog);
    }

    [Fact]
    public void ARelativePathIsReadFromTheExtendingFilesFolderAndChainsGoSeveralLevels()
    {
        string dir = TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "base"));
        File.WriteAllText(Path.Combine(dir, "base", "mid.json"), """{ "extends": "sim", "name": "mid", "timing": { "rate_hz": 20 } }""");
        string child = Path.Combine(dir, "child.json");
        File.WriteAllText(child, """{ "extends": "base/mid.json", "name": "leaf", "timing": { "deadline_us": 40000 } }""");
        var p = ProfileLoader.LoadFile(child, BoardFiles.Options());
        Assert.Equal("leaf", p.Name);
        Assert.Equal(20, p.Timing.RateHz);
        Assert.Equal(40000, p.Timing.DeadlineUs);
        Assert.True(p.Simulated);
    }

    [Fact]
    public void AProblemInAComposedProfileNamesTheChainInItsSource()
    {
        var ex = Fails("""{ "extends": "rpi5", "timing": { "deadline_us": 40000 } }""");
        Assert.Single(ex.Problems);
        Assert.Equal("child.json (extends rpi5)", ex.Source);
        Assert.StartsWith("timing.deadline_us: 40000 µs is longer than the period", ex.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBuiltInNameListsTheBuiltInOnes()
    {
        var ex = Fails("""{ "extends": "rpi9" }""");
        Assert.StartsWith("extends: no built-in profile 'rpi9' (built-in: generic-x86, generic-x86-pca9685, jetson-orin-nano, rpi4", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingParentFileIsNamed()
    {
        var ex = Fails("""{ "extends": "nowhere/base.json" }""");
        Assert.StartsWith("extends: 'nowhere/base.json' not found", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInheritanceLoopIsReportedInsteadOfRecursing()
    {
        string dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "a.json"), """{ "extends": "b.json", "name": "a" }""");
        File.WriteAllText(Path.Combine(dir, "b.json"), """{ "extends": "a.json", "name": "b" }""");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(Path.Combine(dir, "a.json"), BoardFiles.Options()));
        Assert.Contains("inheritance cannot loop", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ExtendsMustBeText()
    {
        Assert.StartsWith("extends: must name", Assert.Single(Fails("""{ "extends": 5 }""").Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedParentNamesTheParentFileAndLine()
    {
        string dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "bad.json"), "{\n  \"name\": \"bad\",\n  \"timing\": { \n");
        File.WriteAllText(Path.Combine(dir, "child.json"), """{ "extends": "bad.json" }""");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(Path.Combine(dir, "child.json"), BoardFiles.Options()));
        Assert.EndsWith("bad.json", ex.Source, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.Contains("(line ", ex.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AFieldGivenTwiceIsNamedNotSilentlyOverwritten()
    {
        var ex = Fails("""{ "extends": "sim", "timing": { "rate_hz": 20, "rate_hz": 25 } }""");
        Assert.StartsWith("timing.rate_hz: given twice in one object (line 1;", Assert.Single(ex.Problems), StringComparison.Ordinal);
        // Each object is checked on its own: "name" in two list entries is fine, twice in one is found on its line.
        Assert.Equal(20, ParseChild("""{ "extends": "sim", "timing": { "rate_hz": 20 }, "watchdog": { "fallback_step": 0.3 }, "service": { "user": "rt" } }""").Timing.RateHz);
        ex = Fails("{ \"extends\": \"sim\",\n  \"pwm\": [ { \"name\": \"a\" }, { \"name\": \"b\",\n \"name\": \"c\" } ] }");
        Assert.StartsWith("pwm[1].name: given twice in one object (line 3;", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void SetOverridesNumbersTextListsAndListEntriesAfterInheritance()
    {
        var p = BoardFiles.Load("rpi4-tracker-15hz",
            "timing.rate_hz=10", "app.nodes[camera].config.device=/dev/video2", "threads.telemetry.cores=[0,2]", "pwm[1].safe_angle_deg=-10", "app.nodes[blazeface].config.sha256=D388B1CF8A5F6F1AF2B3F4C14F6D0F138BAB970CD618CCCD12DDDB7484E82E51");
        Assert.Equal(10, p.Timing.RateHz);
        Assert.Equal(50000, p.Timing.DeadlineUs);           // from the overlay
        Assert.Equal("/dev/video2", p.App!.Nodes[0].ConfigText("device"));
        Assert.Equal(new[] { 0, 2 }, p.Threads.Telemetry!.Cores);
        Assert.Equal(-10, p.Pwm[1].SafeAngleDeg);
        Assert.Equal(0, p.Pwm[0].SafeAngleDeg);
        Assert.StartsWith("D388", p.App.Nodes.Find(n => n.Name == "blazeface")!.ConfigText("sha256"), StringComparison.Ordinal);
    }

    [Fact]
    public void SetAddressesAListEntryByItsName()
    {
        var p = BoardFiles.Load("rpi5", "pwm[tilt].safe_angle_deg=-10", "pwm[pan].max_angle_deg=40");
        Assert.Equal(-10, p.Pwm[1].SafeAngleDeg);
        Assert.Equal(0, p.Pwm[0].SafeAngleDeg);
        Assert.Equal(40, p.Pwm[0].MaxAngleDeg);
        Assert.Equal(30, p.Pwm[1].MaxAngleDeg);
    }

    [Fact]
    public void SetAddressesAGraphNodeByItsNameAndNamesTheNodesWhenNoneHasIt()
    {
        var root = ProfileComposer.ParseObject("""
            { "app": { "nodes": [ { "name": "camera", "type": "sim-video" }, { "name": "model", "type": "onnx-model", "config": { "path": "a.onnx" } } ] } }
            """, "mine.json");
        ProfileComposer.ApplySet(root, "app.nodes[model].config.path=models/x.onnx", "mine.json", "--set");
        ProfileComposer.ApplySet(root, "app.nodes[model].type=naive-onnx-model", "mine.json", "--set");
        Assert.Equal("models/x.onnx", (string?)root["app"]!["nodes"]![1]!["config"]!["path"]);
        Assert.Equal("naive-onnx-model", (string?)root["app"]!["nodes"]![1]!["type"]);
        var ex = Assert.Throws<ProfileException>(() => ProfileComposer.ApplySet(root, "app.nodes[modle].config.path=x.onnx", "mine.json", "--set"));
        Assert.Equal("mine.json", ex.Source);
        Assert.Equal("--set app.nodes[modle].config.path: app.nodes has no entry named 'modle' (names: camera, model)", Assert.Single(ex.Problems));
    }

    [Fact]
    public void SetNullRemovesAGraphNodesConfigField()
    {
        // A variant's override list drops what its model lacks (Silero fp16 has no sr input, no sha256 of the fp32 file).
        var root = ProfileComposer.ParseObject("""
            { "app": { "nodes": [ { "name": "vad", "type": "onnx-model", "config": { "path": "a.onnx", "sha256": "00", "scalars": { "sr": 16000 } } } ] } }
            """, "mine.json");
        ProfileComposer.ApplySet(root, "app.nodes[vad].config.scalars=null", "mine.json", "--set");
        ProfileComposer.ApplySet(root, "app.nodes[vad].config.sha256=null", "mine.json", "--set");
        var config = root["app"]!["nodes"]![0]!["config"]!.AsObject();
        Assert.False(config.ContainsKey("scalars"));
        Assert.False(config.ContainsKey("sha256"));
        Assert.Equal("a.onnx", (string?)config["path"]);
        // Removing a field that is not there is no error: the result is the same.
        ProfileComposer.ApplySet(root, "app.nodes[vad].config.scalars=null", "mine.json", "--set");
        Assert.False(config.ContainsKey("scalars"));
    }

    [Fact]
    public void SetKeepsTextFieldsTextEvenWhenTheValueLooksLikeANumber()
    {
        var p = BoardFiles.Load("sim", "description=42", "name=007");
        Assert.Equal("42", p.Description);
        Assert.Equal("007", p.Name);
    }

    [Fact]
    public void SetCreatesAMissingObjectOnTheWay()
    {
        var p = BoardFiles.Load("sim", "kernel.cmdline=isolcpus=1 nohz_full=1 rcu_nocbs=1");
        Assert.Equal("isolcpus=1 nohz_full=1 rcu_nocbs=1", p.Kernel!.Cmdline);
    }

    [Theory]
    [InlineData("timing.rate_hz", "override timing.rate_hz: expected key=value")]
    [InlineData("=5", "override =5: expected key=value")]
    [InlineData("timing..rate_hz=5", "override timing..rate_hz: not a field path")]
    [InlineData("pwm[x y].chip=1", "override pwm[x y].chip: not a field path")]
    [InlineData("pwm[].chip=1", "override pwm[].chip: not a field path")]
    [InlineData("pwm[pna].chip=1", "override pwm[pna].chip: pwm has no entry named 'pna' (names: pan, tilt)")]
    [InlineData("timing[pan].chip=1", "override timing[pan].chip: timing is an object, not a list")]
    [InlineData("pwm[2].chip=1", "override pwm[2].chip: pwm has 2 entries, so there is no [2]")]
    [InlineData("timing.rate_hz.x=1", "override timing.rate_hz.x: timing.rate_hz is a number, not an object with fields")]
    [InlineData("timing[0]=1", "override timing[0]: timing is an object, not a list")]
    [InlineData("sensors[0].name=imu", "override sensors[0].name: sensors is not a list in this profile")]
    public void ABadSetNamesItsKey(string set, string expected)
    {
        var ex = Assert.Throws<ProfileException>(() => BoardFiles.Load("rpi5", set));
        Assert.Equal("boards/rpi5.json", ex.Source);
        Assert.StartsWith(expected, Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ASetThatBreaksTheProfileIsReportedWithTheSetInTheSource()
    {
        var ex = Assert.Throws<ProfileException>(() => BoardFiles.Load("rpi5", "pwm[0].pin=40"));
        Assert.Equal("boards/rpi5.json with override pwm[0].pin=40", ex.Source);
        Assert.StartsWith("pwm[0].pin: pin 40 is not in the board's header pin map", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ASetOfAnUnknownFieldIsAnUnknownFieldNamedByItsPath()
    {
        var ex = Assert.Throws<ProfileException>(() => BoardFiles.Load("sim", "timing.rat_hz=20"));
        Assert.Equal("timing.rat_hz: unknown field", Assert.Single(ex.Problems));
    }

    [Fact]
    public void ResolveGivesOneObjectWithoutExtendsThatLoadsOnItsOwn()
    {
        string text = File.ReadAllText(BoardFiles.PathOf("rpi4-tracker-15hz"));
        JsonObject resolved = ProfileLoader.Resolve(text, "overlay", BoardFiles.Options("timing.frames=5"));
        Assert.False(resolved.ContainsKey("extends"));
        Assert.Equal(5, (int)resolved["timing"]!["frames"]!);
        var again = ProfileLoader.Parse(resolved.ToJsonString(), "resolved.json");
        Assert.Equal("rpi4-tracker-15hz", again.Name);
        Assert.Equal(12, again.Pwm[0].Pin);
    }

    // ---- per-demo settings ("demos") ----

    private static BoardProfile ParseForDemo(string json, string? demo, params string[] sets) =>
        ProfileLoader.Parse(json, "child.json", new ProfileLoadOptions
        {
            BuiltInText = BoardFiles.Options().BuiltInText,
            BuiltInNames = BoardFiles.Names(),
            Sets = sets,
            Demo = demo,
        });

    private const string WithDemos = """
        { "extends": "rpi5", "name": "mine", "demo": "face-tracker",
          "demos": {
            "face-tracker": { "timing": { "rate_hz": 20 } },
            "line-follower": { "timing": { "rate_hz": 10, "deadline_us": 80000 }, "pwm": [] }
          } }
        """;

    [Fact]
    public void TheChosenDemosEntryIsMergedOverTheProfileAndBecomesItsDemo()
    {
        var p = ParseForDemo(WithDemos, "line-follower");
        Assert.Equal("line-follower", p.Demo);
        Assert.Equal(10, p.Timing.RateHz);
        Assert.Equal(80000, p.Timing.DeadlineUs);
        Assert.Empty(p.Pwm);                              // lists replace
        Assert.Equal(6, p.Timing.BudgetsUs.Count);        // objects merge: rpi5's budgets stay
    }

    [Fact]
    public void WithoutAChosenDemoTheProfilesOwnDemoEntryApplies()
    {
        var p = ParseForDemo(WithDemos, null);
        Assert.Equal("face-tracker", p.Demo);
        Assert.Equal(20, p.Timing.RateHz);
        Assert.Equal(2, p.Pwm.Count);
    }

    [Fact]
    public void ADemoWithoutAnEntryRunsOnTheProfileAsItIsAndSetAppliesAfterTheEntry()
    {
        var p = ParseForDemo(WithDemos, "voice-relay");
        Assert.Equal("voice-relay", p.Demo);
        Assert.Equal(BoardFiles.Load("rpi5").Timing.RateHz, p.Timing.RateHz);
        p = ParseForDemo(WithDemos, "line-follower", "timing.rate_hz=5");
        Assert.Equal(5, p.Timing.RateHz);
    }

    [Theory]
    [InlineData("""{ "extends": "rpi5", "demos": [] }""", "demos: must be an object")]
    [InlineData("""{ "extends": "rpi5", "demos": { "x": 3 } }""", "demos.x: must be an object")]
    [InlineData("""{ "extends": "rpi5", "demos": { "x": { "demo": "y" } } }""", "demos.x: may not hold")]
    [InlineData("""{ "extends": "rpi5", "demos": { "face-tracker": { "timing": { "rate": 3 } } } }""", "timing.rate")]
    public void ABadDemosEntryIsAnErrorNamingIt(string json, string expected)
    {
        var ex = Assert.Throws<ProfileException>(() => ParseForDemo(json, null));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
