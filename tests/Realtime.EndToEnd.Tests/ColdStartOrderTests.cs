using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Cold start's order on the published binary, read from the report's <c>cold_start_ms.timeline</c>:
/// the outputs are safe before the model loads, the watchdog runs before the first frame, and each
/// milestone is there once. Orders and presence only, never times.
/// </summary>
public sealed class ColdStartOrderTests
{
    private static readonly string[] Milestones =
        { "main", "profile_loaded", "outputs_safe", "watchdog_armed", "onnxruntime_started", "onnxruntime_ready", "sources_open", "model_loaded", "wired", "first_frame", "first_actuation" };

    [Theory]
    [InlineData("face-tracker")]
    [InlineData("voice-relay")]
    [InlineData("line-follower")]
    // The face tracker composed as a graph of built-ins: its sinks are built and driven safe before its model node is created.
    [InlineData("face-pan-tilt.json")]
    public void OutputsAreSafeBeforeTheModelLoadsAndTheWatchdogRunsBeforeTheFirstFrame(string demo)
    {
        string report = Path.Combine(Rtapp.TempDir(), $"{demo}.json");
        string[] choice = demo.EndsWith(".json", StringComparison.Ordinal)
            ? new[] { "--board", Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "samples", "profiles", demo) }
            : new[] { "--demo", demo };
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), [.. new[] { "run" }, .. choice, "--frames", "2", "--warmup", "0", "--no-floor", "--no-rt", "--quiet", "--report", report]);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var cold = doc.RootElement.GetProperty("cold_start_ms");
        var timeline = cold.GetProperty("timeline").EnumerateArray()
            .Select(m => (Phase: m.GetProperty("phase").GetString()!, AtMs: m.GetProperty("at_ms").GetDouble())).ToList();
        string context = string.Join(", ", timeline.Select(m => $"{m.Phase} {m.AtMs}"));
        var phases = timeline.Select(m => m.Phase).ToList();
        // Every milestone, once each, and nothing unknown.
        Assert.True(Milestones.OrderBy(p => p).SequenceEqual(phases.OrderBy(p => p)), context);
        // Written in time order.
        for (int i = 1; i < timeline.Count; i++) Assert.True(timeline[i - 1].AtMs <= timeline[i].AtMs, context);
        int At(string phase) => phases.IndexOf(phase);
        Assert.True(At("profile_loaded") < At("outputs_safe"), context);
        Assert.True(At("outputs_safe") < At("model_loaded"), context);
        // The sources open beside the model's load (which ends first depends on the machine), both after the outputs and before wiring ends.
        Assert.True(At("outputs_safe") < At("sources_open") && At("sources_open") < At("wired"), context);
        Assert.True(At("watchdog_armed") < At("first_frame"), context);
        Assert.True(At("model_loaded") < At("wired") && At("wired") < At("first_frame") && At("first_frame") < At("first_actuation"), context);
        // ONNX Runtime's start (its library's load and environment, on a thread of its own) begins only once the
        // outputs are safe and the watchdog runs, so nothing heavy competes with the way to a safe board; it
        // still begins before the model has loaded (where its end falls among the rest depends on the machine).
        double Ms(string phase) => timeline[At(phase)].AtMs;
        Assert.True(Ms("outputs_safe") <= Ms("onnxruntime_started") && Ms("watchdog_armed") <= Ms("onnxruntime_started"), context);
        Assert.True(At("onnxruntime_started") < At("onnxruntime_ready") && At("onnxruntime_started") < At("model_loaded"), context);
        Assert.Equal(Ms("onnxruntime_started"), cold.GetProperty("process_to_onnxruntime_started").GetDouble());
        // The split figures agree with the timeline they come from.
        Assert.Equal(timeline[At("outputs_safe")].AtMs, cold.GetProperty("process_to_outputs_safe").GetDouble());
        Assert.Equal(timeline[At("model_loaded")].AtMs, cold.GetProperty("process_to_model_loaded").GetDouble());
        Assert.Equal(timeline[At("sources_open")].AtMs, cold.GetProperty("process_to_sources_open").GetDouble());
        Assert.Equal(timeline[At("watchdog_armed")].AtMs, cold.GetProperty("process_to_watchdog_armed").GetDouble());
        Assert.Equal(timeline[At("first_actuation")].AtMs, cold.GetProperty("process_to_first_actuation").GetDouble());
        Assert.True(doc.RootElement.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
    }

    [Fact]
    public void WithItsDecodedFramesKeptTheSimCameraOpensWithoutLoadingOpenCvAndTheOrderHolds()
    {
        string cache = Path.Combine(Rtapp.TempDir(), "video");
        // LD_DEBUG=files: the dynamic loader names every library the process loads, on stderr.
        (RtappResult Result, List<string> Phases) Launch(bool cached)
        {
            string report = Path.Combine(Rtapp.TempDir(), "r.json");
            string[] args = ["run", "--frames", "2", "--warmup", "0", "--no-floor", "--no-rt", "--quiet", "--report", report, .. cached ? new[] { "--video-cache", cache } : []];
            var r = Rtapp.Run(TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["LD_DEBUG"] = "files" }, args);
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr[^Math.Min(2000, r.Stderr.Length)..]);
            using var doc = JsonDocument.Parse(File.ReadAllText(report));
            var phases = doc.RootElement.GetProperty("cold_start_ms").GetProperty("timeline").EnumerateArray().Select(m => m.GetProperty("phase").GetString()!).ToList();
            return (r, phases);
        }
        try
        {
            // The first run decodes the video (with OpenCV) into the cache; the next plays it from there.
            var writes = Launch(cached: true);
            Assert.Contains("libOpenCvSharpExtern.so", writes.Result.Stderr);
            Assert.Single(Directory.GetFiles(cache, "Megamind.*.bgr24"));
            var reads = Launch(cached: true);
            Assert.DoesNotContain("libOpenCvSharpExtern.so", reads.Result.Stderr);
            // The control: the same launch without the cache loads OpenCV, so its absence above is the cache's doing.
            Assert.Contains("libOpenCvSharpExtern.so", Launch(cached: false).Result.Stderr);
            var p = reads.Phases;
            Assert.True(Milestones.OrderBy(x => x).SequenceEqual(p.OrderBy(x => x)), string.Join(", ", p));
            Assert.True(p.IndexOf("outputs_safe") < p.IndexOf("sources_open") && p.IndexOf("sources_open") < p.IndexOf("wired"), string.Join(", ", p));
            Assert.True(p.IndexOf("watchdog_armed") < p.IndexOf("first_frame") && p.IndexOf("first_frame") < p.IndexOf("first_actuation"), string.Join(", ", p));
        }
        finally
        {
            // One pass of the world video decoded is 300 MB.
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void ColdStartBenchReportsEveryMilestoneOfEveryLaunch()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "cold.json");
        // --against: another binary's launches alternate with this one's (here the same build under another
        // name, a link: the libraries it loads from beside itself are 170 MB; both report every milestone).
        string before = Path.Combine(dir, "rtapp-before");
        File.CreateSymbolicLink(before, Realtime.Tests.TestAssets.Rtapp);
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "bench", "--cold-start", "2", "--against", before, "--no-rt", "--cache", Path.Combine(dir, "cache"), "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("restart (warm page cache)", r.Stdout);
        Assert.Contains("Load average", r.Stdout);
        Assert.Contains("saved-ort, before → now: outputs safe p50", r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var variants = doc.RootElement.GetProperty("variants").EnumerateArray().ToList();
        // Each variant twice, the earlier binary's first, each launched from its own binary; then this binary's floor alone.
        Assert.Equal(9, variants.Count);
        Assert.Equal("model-alone", variants[8].GetProperty("name").GetString());
        Assert.NotEqual(before, variants[8].GetProperty("binary").GetString());
        variants.RemoveAt(8);
        for (int i = 0; i < variants.Count; i += 2)
        {
            string name = variants[i + 1].GetProperty("name").GetString()!;
            Assert.Equal("before:" + name, variants[i].GetProperty("name").GetString());
            Assert.Equal(before, variants[i].GetProperty("binary").GetString());
            Assert.NotEqual(before, variants[i + 1].GetProperty("binary").GetString());
            // The floor is this binary's: it is set beside this binary's launches, not the earlier one's.
            Assert.False(variants[i].TryGetProperty("first_actuation_vs_floor", out _));
            Assert.True(variants[i + 1].TryGetProperty("first_actuation_vs_floor", out _));
        }
        foreach (var v in variants)
        {
            Assert.Equal("warm", v.GetProperty("page_cache").GetString());
            var phases = v.GetProperty("phases");
            var safe = Samples(phases, "process_to_outputs_safe");
            var loaded = Samples(phases, "process_to_model_loaded");
            var first = Samples(phases, "process_to_first_actuation");
            Assert.Equal(2, safe.Count);
            for (int i = 0; i < 2; i++) Assert.True(safe[i] > 0 && safe[i] < loaded[i] && loaded[i] < first[i], v.ToString());
            var timelines = v.GetProperty("timelines").EnumerateArray().ToList();
            Assert.Equal(2, timelines.Count);
            foreach (var t in timelines)
                Assert.Equal(Milestones.Length, t.GetArrayLength());
        }
        // The video-cache variant's decoded frames (300 MB).
        Directory.Delete(Path.Combine(dir, "cache", "video"), recursive: true);
    }

    [Fact]
    public void OnnxRuntimeWritesNothingUnderHomeWhileItStartsUnlessItsTelemetryIsTurnedBackOn()
    {
        // ONNX Runtime 1.31's telemetry writes a device id and a SQLite database under ~/.cache while a
        // session starts (disk writes on the cold-start path of a device); rtapp turns it off.
        string Launch(string? telemetry)
        {
            string home = Rtapp.TempDir();
            // CI=true (as CI sets it) turns ONNX Runtime's telemetry off by itself, which would make both
            // launches below pass or fail for the wrong reason: an empty CI is what a board has.
            var env = new Dictionary<string, string> { ["HOME"] = home, ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"), ["CI"] = "" };
            if (telemetry is not null) env["ORT_DISABLE_TELEMETRY"] = telemetry;
            var r = Rtapp.Run(TimeSpan.FromMinutes(2), env, "run", "--frames", "1", "--warmup", "0", "--no-rt", "--quiet", "--report", Path.Combine(Rtapp.TempDir(), "r.json"));
            Assert.True(r.ExitCode == 0, r.ToString());
            return home;
        }
        string quiet = Launch(null);
        Assert.Empty(Directory.GetFileSystemEntries(quiet, "*", SearchOption.AllDirectories));
        // The control: turned back on, the same launch writes the database, so its absence above is rtapp's doing.
        string chatty = Launch("0");
        Assert.True(File.Exists(Path.Combine(chatty, ".cache", "Microsoft", "DeveloperTools", ".onnxruntime", "onnxruntime.db")),
            string.Join(", ", Directory.GetFileSystemEntries(chatty, "*", SearchOption.AllDirectories)));
    }

    [Fact]
    public void AnotherBinaryToLaunchMustBeThereAndGoesWithColdStart()
    {
        string missing = Path.Combine(Rtapp.TempDir(), "no-such-rtapp");
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), "bench", "--cold-start", "1", "--no-rt", "--against", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--against '{missing}': no such file", r.Stderr);
        var alone = Rtapp.Run(TimeSpan.FromSeconds(60), "bench", "--frames", "10", "--no-rt", "--against", Realtime.Tests.TestAssets.Rtapp);
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--against goes with --cold-start", alone.Stderr);
    }

    [Fact]
    public void AnUnknownPageCacheStateIsAUsageError()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), "bench", "--cold-start", "1", "--page-cache", "lukewarm");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--page-cache must be warm, cold or both, got 'lukewarm'", r.Stderr);
    }

    [Fact]
    public async System.Threading.Tasks.Task SigtermBetweenLaunchesStopsTheBenchAndLeavesNothingInItsTemporaryFolder()
    {
        string tmp = Rtapp.TempDir();
        var (p, _, stderr) = Rtapp.Start(new Dictionary<string, string> { ["TMPDIR"] = tmp }, "bench", "--cold-start", "20", "--no-rt", "--cache", Path.Combine(tmp, "cache"));
        // Once the launches have begun (their folder exists), a SIGTERM: the bench stops between two launches.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Directory.GetDirectories(tmp, "rtapp-cold-*").Length == 0 && !p.HasExited && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(50);
        System.Threading.Thread.Sleep(500);
        Assert.Equal(0, ContinuousRunTests.kill(p.Id, 15));
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "the bench did not stop");
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("a signal stopped the launches", await stderr);
        Assert.Empty(Directory.GetDirectories(tmp, "rtapp-cold-*"));
    }

    private static List<double> Samples(JsonElement phases, string phase) =>
        phases.GetProperty(phase).GetProperty("samples").EnumerateArray().Select(e => e.GetDouble()).ToList();
}
