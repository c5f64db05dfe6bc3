using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Several applications in one host through the published binary: the three demos of the sim board at once
/// (samples/profiles/three-demos.json), each its own loop, thread and watchdog; the report's section per loop;
/// admission over the loops together; one loop's fault; bad compositions as one line naming the field, exit 2.
/// </summary>
public sealed class MultiAppRunTests
{
    internal static readonly string ThreeDemos = Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "three-demos.json");
    private static readonly string[] Loops = { "tracker", "relay", "lines" };

    // A composition over three-demos.json (lists replace: "apps" here is the whole set).
    internal static string Composition(string dir, string name, string body)
    {
        string path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, $$"""{ "extends": {{JsonSerializer.Serialize(ThreeDemos)}}, "name": "{{name}}", {{body}} }""");
        return path;
    }

    internal static JsonElement Section(JsonElement report, string loop)
    {
        foreach (var s in report.GetProperty("loops").EnumerateArray())
            if (s.GetProperty("loop").GetString() == loop) return s;
        throw new InvalidOperationException($"no section for loop '{loop}'");
    }

    [Fact]
    public void TheThreeDemosRunTogetherInOneHostWithoutAllocatingOnAnyLoopThread()
    {
        const int frames = 60, warmup = 5;
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(4), "run", "--board", ThreeDemos, "--frames", $"{frames}", "--warmup", $"{warmup}", "--no-rt",
            "--assets", TestAssets.Dir, "--timing", Path.Combine(dir, "none.timing.json"), "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("three-demos", j.GetProperty("board").GetString());
        Assert.Equal("tracker,relay,lines", j.GetProperty("demo").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(3 * frames, j.GetProperty("frames").GetInt32());
        Assert.Equal(3, j.GetProperty("loops").GetArrayLength());
        var tids = new HashSet<int>();
        foreach (var (loop, demo, model) in new[] { ("tracker", "face-tracker", "blazeface"), ("relay", "voice-relay", "vad"), ("lines", "line-follower", "mlsd") })
        {
            var s = Section(j, loop);
            Assert.Equal(demo, s.GetProperty("demo").GetString());
            Assert.Equal("completed", s.GetProperty("outcome").GetString());
            Assert.Equal(frames, s.GetProperty("frames").GetInt32());
            // Measured on each loop's own thread: every pipeline, with its real model, allocates nothing per frame.
            Assert.True(s.GetProperty("alloc_bytes_per_frame").GetDouble() == 0, $"loop '{loop}' allocated {s.GetProperty("alloc_bytes_per_frame")} B/frame");
            Assert.Equal(0, s.GetProperty("gc_collections").GetInt32());
            Assert.True(s.GetProperty("nodes").GetProperty(model).GetProperty("runs").GetDouble() >= frames, $"loop '{loop}': its model ran less than once a counted frame");
            Assert.True(s.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean(), $"loop '{loop}' left its outputs unsafe");
            Assert.True(tids.Add(s.GetProperty("scheduling").GetProperty("tid").GetInt32()), $"loop '{loop}' shares a thread");
        }
        Assert.DoesNotContain(0, tids);
        // The tracker and the lines share core 1: their inferences take turns through one arbiter (0 B/frame above with it);
        // the relay, alone on core 0, has none.
        foreach (string loop in new[] { "tracker", "lines" })
        {
            var arbiter = Section(j, loop).GetProperty("inference_arbiter");
            Assert.Equal(1, arbiter.GetProperty("slots").GetInt32());
            Assert.Equal(new[] { "tracker", "lines" }, JsonSerializer.Deserialize<string[]>(arbiter.GetProperty("loops").GetRawText()));
            Assert.True(arbiter.GetProperty("acquisitions").GetInt64() >= frames, $"loop '{loop}': {arbiter.GetRawText()}");
        }
        Assert.False(Section(j, "relay").TryGetProperty("inference_arbiter", out _));
        // Each loop's own rate and deadline, from its apps[] entry.
        Assert.Equal(15, Section(j, "tracker").GetProperty("rate_hz").GetDouble());
        Assert.Equal(30000, Section(j, "relay").GetProperty("deadline_us").GetInt64());
        Assert.Equal(5, Section(j, "lines").GetProperty("rate_hz").GetDouble());
        // The summary: a line per loop.
        foreach (string loop in Loops)
            Assert.Contains(Array.Find(r.Stdout.Split('\n'), l => l.StartsWith(loop + " ", StringComparison.Ordinal)) ?? $"(no summary line for {loop})", r.Stdout);
        Assert.Contains("3 loops in one host", r.Stdout);
    }

    [Fact]
    public void OneLoopsFaultPutsItsOutputsSafeAndTheOthersRunOn()
    {
        const int frames = 20;
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", ThreeDemos, "--frames", $"{frames}", "--warmup", "2", "--no-rt", "--assets", TestAssets.Dir,
            "--timing", Path.Combine(dir, "none.timing.json"), "--inject", "crash:decode:at=5", "--inject-loop", "relay", "--report", report);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("loop 'relay': ", r.Stderr);
        Assert.Contains("the other loops ran on", r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        var relay = Section(j, "relay");
        Assert.Equal("faulted", relay.GetProperty("outcome").GetString());
        Assert.True(relay.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
        foreach (string loop in new[] { "tracker", "lines" })
        {
            var s = Section(j, loop);
            Assert.Equal("completed", s.GetProperty("outcome").GetString());
            Assert.Equal(frames, s.GetProperty("frames").GetInt32());
            Assert.True(s.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
        }
        Assert.StartsWith("faulted (loop 'relay')", j.GetProperty("outcome").GetString());
    }

    private const string Claimed = """
        "demos": { "line-follower": { "pwm": [
          { "name": "left-motor", "chip": 0, "channel": 0, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 },
          { "name": "right-motor", "chip": 0, "channel": 1, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000 } ] } }
        """;

    [Theory]
    [InlineData("duplicate", """ "apps": [ { "name": "a", "demo": "face-tracker" }, { "name": "a", "demo": "voice-relay" } ] """,
        "apps[1].name: 'a' is already apps[0]'s name")]
    [InlineData("unknown", """ "apps": [ { "name": "a", "demo": "face-tracker" }, { "name": "b", "demo": "no-such-app" } ] """,
        "apps[1].demo: unknown demo 'no-such-app' (available: ")]
    [InlineData("overlap", """ "threads": { "share_pipeline_cores": false }, "apps": [ { "name": "a", "demo": "face-tracker", "cores": [1] }, { "name": "b", "demo": "voice-relay", "cores": [1] } ] """,
        "apps[1].cores: loop 'b' and loop 'a' overlap: core 1 is also apps[0] ('a')'s")]
    // The line follower's motors back on channels 0 and 1 of chip 0, which the tracker's servos hold.
    [InlineData("claimed", Claimed,
        "apps[2] ('lines'), application line-follower: app.nodes[0].config.pwm[0]: pwm[0] ('left-motor') is already driven by node 'servos' of loop 'tracker': two writers on one output")]
    public void ABadCompositionIsOneLineNamingTheFieldExit2(string name, string body, string words)
    {
        string dir = Rtapp.TempDir();
        string board = Composition(dir, name, body);
        foreach (string command in new[] { "run", "check" })
        {
            var r = command == "run"
                ? Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", board, "--frames", "5", "--no-rt", "--assets", TestAssets.Dir, "--timing", Path.Combine(dir, "none.json"))
                : Rtapp.Run(TimeSpan.FromMinutes(3), "check", "--board", board, "--assets", TestAssets.Dir);
            if (command == "check" && name == "claimed")
            {
                // check reports a graph that does not build as a failed item of that loop (exit 1), naming the same field.
                Assert.True(r.ExitCode == 1, r.ToString());
                Assert.Contains("[FAIL] app graph of loop 'lines': ", r.Stdout);
                Assert.Contains(words[words.IndexOf("app.nodes", StringComparison.Ordinal)..], r.Stdout);
                continue;
            }
            Assert.True(r.ExitCode == 2, r.ToString());
            string line = Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.Contains(board, line);
            Assert.Contains(words, line);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
    }

    [Fact]
    public void SafeDrivesEveryLoopsOutputs()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "safe", "--board", ThreeDemos, "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string loop in Loops) Assert.Contains($"rtapp safe: three-demos / loop '{loop}'", r.Stdout);
        Assert.Contains("relay: gpio chip 0 line 17", r.Stdout);
        Assert.Contains("motors: pwm[0] 'left-motor'", r.Stdout);
    }
}

/// <summary>
/// Admission over the loops together, from a calibration this test takes. It runs alone: beside it, other
/// end-to-end tests' loops run SCHED_FIFO, which starved a --no-rt calibration (a CI run measured a 308 ms
/// capture, a pWCET above the 1 Hz loop's period, and admission refused the set, as it should on such figures).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MultiAppAdmissionTests
{
    [Fact]
    public void AdmissionJudgesTheLoopsTogetherAcceptsAGenerousSetAndRefusesAnImpossibleOneUnlessForced()
    {
        string dir = Rtapp.TempDir();
        string timing = Path.Combine(dir, "two.timing.json");
        // The tracker at 1 Hz with 990 ms (a 2 s stall timeout above the period) and the relay at its audio's 31.25 Hz with
        // 30 ms, on cores of their own: generous for loops of a few ms, even at the pWCET a machine at load 20-30 extrapolates to
        // (a camera frame decoded under that load has taken 184 ms, its pWCET 538 ms).
        string two = MultiAppRunTests.Composition(dir, "two", """
            "watchdog": { "stall_timeout_us": 2000000 },
            "apps": [
              { "name": "tracker", "demo": "face-tracker", "rate_hz": 1, "deadline_us": 990000, "cores": [1], "priority": 80 },
              { "name": "relay", "demo": "voice-relay", "rate_hz": 31.25, "deadline_us": 30000, "cores": [0], "priority": 70 } ]
            """);
        var cal = Rtapp.Run(TimeSpan.FromMinutes(4), "bench", "--calibrate", "--board", two, "--frames", "30", "--warmup", "3", "--no-rt",
            "--assets", TestAssets.Dir, "--timing", timing);
        Assert.True(cal.ExitCode == 0, cal.ToString());
        using (var doc = JsonDocument.Parse(File.ReadAllText(timing)))
        {
            var loops = doc.RootElement.GetProperty("loops");
            Assert.Equal(2, loops.GetArrayLength());
            Assert.Equal("tracker", loops[0].GetProperty("name").GetString());
            Assert.Equal(1, loops[0].GetProperty("rate_hz").GetDouble());
            Assert.Equal("relay", loops[1].GetProperty("name").GetString());
            Assert.Equal(30, loops[1].GetProperty("frame").GetProperty("samples").GetInt32());
        }

        var ok = Rtapp.Run(TimeSpan.FromMinutes(3), "check", "--admit", "--board", two, "--assets", TestAssets.Dir, "--timing", timing);
        Assert.True(ok.ExitCode is 0 or 1, ok.ToString());   // 1: something else on this machine fails the checklist
        Assert.Contains("[ ok ] admission 'tracker'", ok.Stdout);
        Assert.Contains("[ ok ] admission 'relay'", ok.Stdout);
        Assert.Contains("[ ok ] app graph of loop 'relay'", ok.Stdout);

        string report = Path.Combine(dir, "accepted.json");
        var run = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", two, "--frames", "20", "--warmup", "3", "--no-rt", "--assets", TestAssets.Dir, "--timing", timing, "--report", report);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("admission 'tracker': fixed priority", run.Stderr);
        using (var doc = JsonDocument.Parse(File.ReadAllText(report)))
            foreach (string loop in new[] { "tracker", "relay" })
                Assert.True(MultiAppRunTests.Section(doc.RootElement, loop).GetProperty("deadline_misses").GetInt32() == 0, $"loop '{loop}' missed under a set admission accepted: {run}");

        // 0.1 ms for the tracker: no frame of it is that quick (its model alone takes about 1 ms).
        string[] impossible = { "--set", "apps[0].deadline_us=100" };
        var refused = Rtapp.Run(TimeSpan.FromMinutes(3), ["check", "--admit", "--board", two, "--assets", TestAssets.Dir, "--timing", timing, .. impossible]);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("[FAIL] admission 'tracker'", refused.Stdout);
        Assert.Contains("loop 'tracker': worst response ", refused.Stderr);

        var runRefused = Rtapp.Run(TimeSpan.FromMinutes(2), ["run", "--board", two, "--frames", "10", "--no-rt", "--assets", TestAssets.Dir, "--timing", timing, .. impossible]);
        Assert.True(runRefused.ExitCode == 2, runRefused.ToString());
        string line = Assert.Single(runRefused.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"rtapp: error: {timing}: loop 'tracker': worst response", line);

        string forcedReport = Path.Combine(dir, "forced.json");
        var forced = Rtapp.Run(TimeSpan.FromMinutes(3), ["run", "--board", two, "--frames", "10", "--warmup", "2", "--no-rt", "--assets", TestAssets.Dir, "--timing", timing,
            "--override-admission", "--report", forcedReport, .. impossible]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("run anyway (--override-admission)", forced.Stderr);
        using var f = JsonDocument.Parse(File.ReadAllText(forcedReport));
        // Refused for a reason: every counted frame of the tracker misses its 0.1 ms deadline.
        Assert.Equal(10, MultiAppRunTests.Section(f.RootElement, "tracker").GetProperty("deadline_misses").GetInt32());
    }
}
