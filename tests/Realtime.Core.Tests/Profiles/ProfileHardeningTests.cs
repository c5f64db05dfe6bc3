using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// Input that looks valid but used to crash the loader or was silently accepted although it makes
/// no sense (issue 17, items 5 and 8): each one now loads to a usable profile or fails with one
/// line naming the file and the field.
/// </summary>
public sealed class ProfileHardeningTests
{
    private static ProfileException Fails(string board, params string[] sets) =>
        Assert.Throws<ProfileException>(() => BoardFiles.Load(board, sets));

    private static string OneProblem(string board, params string[] sets)
    {
        var ex = Fails(board, sets);
        Assert.True(ex.Problems.Count == 1, ex.Message);
        return ex.Problems[0];
    }

    private static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "rtapp-harden-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    [Theory]
    [InlineData("sim", "timing=null")]
    [InlineData("sim", "timing.budgets_us=null")]
    [InlineData("sim", "watchdog=null")]
    [InlineData("sim", "service=null")]
    [InlineData("sim", "threads.pipeline.cores=null")]
    [InlineData("rpi5", "threads.telemetry=null")]
    [InlineData("rpi5", "sensors=null")]
    [InlineData("rpi5", "kernel=null")]
    [InlineData("rpi5", "app.nodes[camera].config.rate_hz=null")]
    public void NullClearsASectionToItsDefault(string board, string set)
    {
        var p = BoardFiles.Load(board, set);
        var defaults = new BoardProfile();
        switch (set[..set.IndexOf('=')])
        {
            case "timing": Assert.Equal((defaults.Timing.RateHz, defaults.Timing.Frames), (p.Timing.RateHz, p.Timing.Frames)); break;
            case "timing.budgets_us": Assert.Empty(p.Timing.BudgetsUs); break;
            case "watchdog": Assert.Equal(defaults.Watchdog.MissPolicy, p.Watchdog.MissPolicy); break;
            case "service": Assert.Equal(defaults.Service.User, p.Service.User); break;
            case "threads.pipeline.cores": Assert.Empty(p.Threads.Pipeline.Cores); break;
            case "threads.telemetry": Assert.Null(p.Threads.Telemetry); break;
            case "sensors": Assert.Empty(p.Sensors); break;
            case "kernel": Assert.Null(p.Kernel); break;
            case "app.nodes[camera].config.rate_hz": Assert.False(p.App!.Nodes[0].Config!.Value.TryGetProperty("rate_hz", out _)); break;
        }
        Assert.Empty(ProfileLoader.Validate(p));
    }

    [Theory]
    [InlineData("sim", "pwm[0]=null", "pwm[0]: a list entry cannot be null (leave it out, or null the whole list to clear it)")]
    [InlineData("sim", "threads.pipeline.cores=[null]", "threads.pipeline.cores[0]: a list entry cannot be null (leave it out, or null the whole list to clear it)")]
    [InlineData("jetson-orin-nano", "threads.pipeline=null", "threads.pipeline: SCHED_OTHER (priority 0) on a board that asks for real-time scheduling (threads.watchdog priority 90): give the pipeline a priority 1..99 or policy deadline")]
    [InlineData("jetson-orin-nano", "threads.watchdog=null", "threads.watchdog.priority: 0 must be above the pipeline's 80: the watchdog must be able to preempt a stuck pipeline")]
    [InlineData("jetson-orin-nano", "pwm[1].max_angle_deg=null", "pwm[1].max_angle_deg: required (a servo's entry gives all three angles, a motor's none: angles are never assumed)")]
    public void NullWhereTheDefaultMakesNoSenseNamesTheField(string board, string set, string problem)
    {
        var ex = Fails(board, set);
        Assert.Contains(problem, ex.Problems);
    }

    [Fact]
    public void EveryPwmFieldButThePinIsRequired()
    {
        // Deleting max_angle_deg used to give jetson's ±30° tilt servo the default 45°.
        foreach (string field in ProfileTree.RequiredPwmFields)
        {
            var j = BoardFiles.Json("jetson-orin-nano");
            ((JsonObject)j["pwm"]![1]!).Remove(field);
            var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), "jetson.json"));
            Assert.Equal($"jetson.json: pwm[1].{field}: required (an output's chip, channel, frequency, pulses and angles are never assumed)", ex.Message);
        }
        // A servo's angles come as three or not at all (a motor's entry has none).
        foreach (string field in ProfileTree.AngleFields)
        {
            var j = BoardFiles.Json("jetson-orin-nano");
            ((JsonObject)j["pwm"]![1]!).Remove(field);
            var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), "jetson.json"));
            Assert.Equal($"jetson.json: pwm[1].{field}: required (a servo's entry gives all three angles, a motor's none: angles are never assumed)", ex.Message);
        }
        var motor = BoardFiles.Json("jetson-orin-nano");
        foreach (string field in ProfileTree.AngleFields) ((JsonObject)motor["pwm"]![1]!).Remove(field);
        Assert.False(ProfileLoader.Parse(motor.ToJsonString(), "jetson.json").Pwm[1].HasAngles);
        // The chip, unless the output is on a PCA9685 board.
        var noChip = BoardFiles.Json("jetson-orin-nano");
        ((JsonObject)noChip["pwm"]![1]!).Remove(ProfileTree.ChipField);
        var chipEx = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(noChip.ToJsonString(), "jetson.json"));
        Assert.StartsWith("jetson.json: pwm[1].chip: required", chipEx.Message);
        var noPin = BoardFiles.Json("sim");
        ((JsonObject)noPin["pwm"]![0]!).Remove("pin");
        ProfileLoader.Parse(noPin.ToJsonString(), "sim.json");
    }

    [Fact]
    public void ABoardThatAsksForRealTimeMustRunItsPipelineRealTime()
    {
        var j = BoardFiles.Json("jetson-orin-nano");
        ((JsonObject)j["threads"]!).Remove("pipeline");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), "jetson.json"));
        Assert.Contains("threads.pipeline: SCHED_OTHER (priority 0) on a board that asks for real-time scheduling (threads.watchdog priority 90): give the pipeline a priority 1..99 or policy deadline", ex.Problems);
        // Without any RT thread, the isolated cores are the request.
        Assert.Contains("kernel.cmdline isolcpus=4-5", Assert.Single(Fails("jetson-orin-nano", "threads=null").Problems), StringComparison.Ordinal);
        // SCHED_DEADLINE is a real-time policy too; a sim board that asks for nothing may run SCHED_OTHER.
        Assert.Equal("deadline", BoardFiles.Load("jetson-orin-nano", "threads.pipeline.priority=0", "threads.pipeline.policy=deadline").Threads.Pipeline.Policy);
        Assert.Equal(0, BoardFiles.Load("sim", "threads=null").Threads.Pipeline.Priority);
    }

    [Theory]
    [InlineData("timing.rate_hz=1e400", "timing.rate_hz: 1e400 is out of range (a number in a profile must be finite)")]
    [InlineData("pwm[0].min_angle_deg=-1e400", "pwm[0].min_angle_deg: -1e400 is out of range (a number in a profile must be finite)")]
    [InlineData("watchdog.fallback_step=1e400", "watchdog.fallback_step: 1e400 is out of range (a number in a profile must be finite)")]
    [InlineData("watchdog.fallback_step=[1e400]", "watchdog.fallback_step[0]: 1e400 is out of range (a number in a profile must be finite)")]
    [InlineData("pwm[0].min_angle_deg=-1e308", "pwm[0].min_angle_deg: must be -360..360, got -1E+308")]
    [InlineData("pwm[1].max_angle_deg=1e308", "pwm[1].max_angle_deg: must be -360..360, got 1E+308")]
    [InlineData("watchdog.fallback_step=1e308", "watchdog.fallback_step: must be above 0 and at most 360, got 1E+308")]
    [InlineData("timing.rate_hz=1e-300", "timing.rate_hz: must be 0.001..10000, got 1E-300")]
    [InlineData("watchdog.stall_timeout_us=9223372036854775807", "watchdog.stall_timeout_us: must be 1..3600000000, got 9223372036854775807")]
    [InlineData("timing.frames=2147483647", "timing.frames: must be 0..10000000 (0: run until stopped), got 2147483647")]
    [InlineData("timing.warmup_frames=2000000", "timing.warmup_frames: must be 0..1000000, got 2000000")]
    [InlineData("timing.frames=2147483648", "timing.frames: expected a whole number from -2147483648 to 2147483647, got 2147483648")]
    [InlineData("timing.frames=\"many\"", "timing.frames: expected a whole number from -2147483648 to 2147483647, got \"many\"")]
    public void NumbersOutsideTheirRangeAreRefusedWithTheRange(string set, string problem)
    {
        Assert.Equal(problem, OneProblem("sim", set));
    }

    [Theory]
    [InlineData("face-tracker\n[Service]", "face-tracker\\n[Service]")]
    [InlineData("Face_Tracker", "Face_Tracker")]
    [InlineData("-x", "-x")]
    public void ADemoNameOfAnotherFormIsRefusedOnItsOneLine(string demo, string shown)
    {
        // The name becomes a report label and a unit's file name: a newline would start a directive.
        var p = BoardFiles.Load("sim");
        p.Demo = demo;
        Assert.Contains($"demo: must be a name of lowercase letters, digits and '-' (like my-app), got '{shown}'", ProfileLoader.Validate(p));
        p.Demo = "face-presence-2";
        Assert.DoesNotContain(ProfileLoader.Validate(p), e => e.StartsWith("demo:", StringComparison.Ordinal));
    }

    [Fact]
    public void StageBudgetsThatWouldOverflowTheirSumAreRefusedOneByOne()
    {
        var ex = Fails("sim", "timing.budgets_us.infer=9223372036854775807", "timing.budgets_us.decode=9223372036854775807");
        Assert.Contains("timing.budgets_us.infer: must be 1..3600000000, got 9223372036854775807", ex.Problems);
        Assert.Contains("timing.budgets_us.decode: must be 1..3600000000, got 9223372036854775807", ex.Problems);
    }

    [Fact]
    public void BrokenTextIsNamedNotACrash()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "bad.json");
        File.WriteAllText(file, "{\n  \"extends\": \"sim\",\n  \"name\": \"\\ud800\"\n}");
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(file, BoardFiles.Options()));
        Assert.Equal("name: not valid Unicode text (line 3; a lone surrogate such as \\ud800?)", Assert.Single(ex.Problems));
        Assert.Equal("override watchdog.miss_policy: not valid Unicode text (line 1; a lone surrogate such as \\ud800?)", OneProblem("sim", "watchdog={\"miss_policy\":\"\\ud800\"}"));
        Assert.Equal("override timing.rate_hz: given twice in one object (line 1; a JSON object names each field once)", OneProblem("sim", "timing={\"rate_hz\":1,\"rate_hz\":2}"));
        Assert.Matches(@"^override timing(\[0\])+: nested more than 16 levels deep \(line 1; a profile needs a few\)$", OneProblem("sim", "timing=" + new string('[', 300) + new string(']', 300)));
        Assert.Equal("override description: the value is not valid Unicode text or longer than 4096 characters", OneProblem("sim", "description=" + new string('x', 5000)));
    }

    [Fact]
    public void AFieldNameAPathCannotSpellPlainlyIsQuoted()
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("{ \"extends\": \"sim\", \"timing\": { \"a b\": 1 }, \"$ref\": 2 }", "odd.json", BoardFiles.Options()));
        Assert.Equal("timing.'a b': unknown field", Assert.Single(ex.Problems));
        Assert.Equal("timing.budgets_us.'$id': unknown stage (expected one of capture, preprocess, infer, decode, control, actuate)",
            OneProblem("sim", "timing.budgets_us={\"$id\": 5}"));
    }

    [Fact]
    public void AnEchoedValueStaysOneLine()
    {
        var ex = Fails("sim", "watchdog.miss_policy=evil\n   at System.Fake()\u001b[31m");
        string line = Assert.Single(ex.Problems);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.Contains("evil\\u000a   at System.Fake()\\u001b[31m", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtendsReadsOnlyRegularFilesOfBoundedSizeAndNeverBlocks()
    {
        string dir = TempDir();
        string fifo = Path.Combine(dir, "fifo.json");
        using (var mk = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!) mk.WaitForExit();
        File.WriteAllText(Path.Combine(dir, "huge.json"), "{\"description\": \"" + new string('x', ProfileFile.MaxBytes) + "\"}");
        string[] targets = { "/dev/zero", fifo, "/proc/self/status", Path.Combine(dir, "huge.json"), "/etc" };
        string[] expected =
        {
            "extends: '/dev/zero' is empty or not a regular file (a device, FIFO or /proc file is never a profile)",
            $"extends: '{fifo}' is empty or not a regular file (a device, FIFO or /proc file is never a profile)",
            "extends: '/proc/self/status' is empty or not a regular file (a device, FIFO or /proc file is never a profile)",
            $"extends: '{Path.Combine(dir, "huge.json")}' is {ProfileFile.MaxBytes + 19} bytes; a profile file is at most {ProfileFile.MaxBytes} bytes",
            "extends: '/etc' is a folder, not a profile file",
        };
        for (int i = 0; i < targets.Length; i++)
        {
            string child = Path.Combine(dir, $"child{i}.json");
            File.WriteAllText(child, $"{{ \"extends\": \"{targets[i]}\" }}");
            // A FIFO with no writer would block open() forever: the bound turns a hang into a failure.
            var ex = await Task.Run(() => Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(child, BoardFiles.Options())))
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(expected[i], Assert.Single(ex.Problems));
        }
        var direct = await Task.Run(() => Assert.Throws<ProfileException>(() => ProfileLoader.LoadFile(fifo))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("(file): is empty or not a regular file (a device, FIFO or /proc file is never a profile)", Assert.Single(direct.Problems));
    }

    [Fact]
    public void AnAcceptedProfileCanAlwaysBeShown()
    {
        // rtapp boards --show serializes the resolved profile: it used to crash on an Infinity the loader let through.
        foreach (string board in BoardFiles.Names())
        {
            string text = File.ReadAllText(BoardFiles.PathOf(board));
            JsonObject shown = ProfileLoader.Resolve(text, board, BoardFiles.Options("timing.frames=10"));
            Assert.Equal(10, shown["timing"]!["frames"]!.GetValue<int>());
        }
    }
}
