using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Issue #17's run-time safety through the published binary: a report that cannot be written, a
/// source that breaks mid-run, signals at any moment of start-up and at a very low rate, and a
/// stall's event in the report. Each case ends with a documented exit code, no stack trace, the
/// outputs safe and what was measured kept.
/// </summary>
public sealed partial class RunSafetyTests
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    private static JsonElement Report(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static void AssertNoStackTrace(RtappResult r)
    {
        Assert.DoesNotContain("Unhandled", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stdout);
    }

    private static void AssertSafe(JsonElement report)
    {
        var o = report.GetProperty("outputs_at_exit");
        Assert.True(o.GetProperty("safe").GetBoolean(), o.ToString());
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Waits until the process's pipeline thread exists (the model is loaded and the loop started).</summary>
    private static void WaitForPipeline(Process p)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !p.HasExited)
        {
            foreach (string dir in Directory.GetDirectories($"/proc/{p.Id}/task"))
            {
                try { if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "rt-pipeline") return; }
                catch (IOException) { }
            }
            Thread.Sleep(20);
        }
        throw new TimeoutException("the pipeline thread never started");
    }

    private static void Mount(string dir, string options)
    {
        var r = Rtapp.Exec("mount", TimeSpan.FromSeconds(30), null, "-t", "tmpfs", "-o", options, "tmpfs", dir);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private static void Unmount(string dir) => Rtapp.Exec("umount", TimeSpan.FromSeconds(30), null, dir);

    // ------------------------------------------------------------------ the report's destination

    public static TheoryData<string> BadDestinations => new() { "empty", "folder", "dev-full", "read-only" };

    [Theory]
    [MemberData(nameof(BadDestinations))]
    public void AReportDestinationThatCannotTakeAReportIsBadInputBeforeAnythingMoves(string kind)
    {
        string dir = Rtapp.TempDir();
        bool mounted = false;
        string path = kind switch
        {
            "empty" => "",
            "folder" => dir,
            "dev-full" => "/dev/full",
            _ => Path.Combine(dir, "ro", "report.json"),
        };
        if (kind == "read-only")
        {
            Directory.CreateDirectory(Path.Combine(dir, "ro"));
            // Root ignores permission bits: a read-only mount is read-only for root too.
            if (IsRoot) { Mount(Path.Combine(dir, "ro"), "ro,size=64k"); mounted = true; }
            else Rtapp.Exec("chmod", TimeSpan.FromSeconds(10), null, "0555", Path.Combine(dir, "ro"));
        }
        try
        {
            var r = Rtapp.Run(TimeSpan.FromSeconds(60), "run", "--frames", "30", "--report", path);
            Assert.True(r.ExitCode == 2, r.ToString());
            AssertNoStackTrace(r);
            string[] lines = r.Stderr.Trim().Split('\n');
            Assert.StartsWith("rtapp: --report", lines[0]);
            // Nothing moved: the banner comes after the model is loaded and the outputs open.
            Assert.DoesNotContain("warm-up", r.Stdout);
            if (kind == "dev-full") Assert.Contains("not a regular file", lines[0]);
            if (kind == "folder") Assert.Contains("folder", lines[0]);
            if (kind == "empty") Assert.Contains("empty", lines[0]);
            if (kind == "read-only") Assert.Contains("cannot write in", lines[0]);
        }
        finally
        {
            if (mounted) Unmount(Path.Combine(dir, "ro"));
        }
    }

    [Fact]
    public void ADiskThatFillsDuringTheRunKeepsThePreviousReportWholePrintsTheSummaryAndExitsSeven()
    {
        Assert.True(IsRoot, "this test mounts a small tmpfs: run it as root (scripts/test.sh does)");
        string dir = Path.Combine(Rtapp.TempDir(), "small");
        Directory.CreateDirectory(dir);
        Mount(dir, "size=256k");
        try
        {
            string report = Path.Combine(dir, "report.json");
            const string previous = "{\"previous\": \"a good report from an earlier run\"}";
            File.WriteAllText(report, previous);
            string[] args = { "run", "--frames", "60", "--warmup", "5", "--no-floor", "--report", report };
            var (p, stdout, stderr) = Rtapp.Start(null, args);
            using var owned = p;
            // Past the up-front check (the loop runs): the disk fills up.
            WaitForPipeline(p);
            using (var fill = new FileStream(Path.Combine(dir, "fill"), FileMode.CreateNew, FileAccess.Write))
            {
                var block = new byte[4096];
                try { while (true) { fill.Write(block); fill.Flush(); } }
                catch (IOException) { }
            }
            var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromMinutes(2), args);
            Assert.True(r.ExitCode == 7, r.ToString());
            AssertNoStackTrace(r);
            // The summary is printed, and where the report could not go, and why.
            Assert.Contains("Deadline misses:", r.Stdout);
            Assert.Contains($"could not write '{report}'", r.Stderr);
            Assert.Contains("no space left", r.Stderr);
            // The previous report is whole, and no temporary file is left behind.
            Assert.Equal(previous, File.ReadAllText(report));
            string[] left = Array.ConvertAll(Directory.GetFiles(dir), f => Path.GetFileName(f));
            Array.Sort(left, StringComparer.Ordinal);
            Assert.Equal(new[] { "fill", "report.json" }, left);
        }
        finally
        {
            Unmount(dir);
        }
    }

    [Fact]
    public void AReportIsReplacedWholeAndNoTemporaryFileStays()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "r.json");
        File.WriteAllText(report, "old");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--frames", "20", "--warmup", "2", "--no-floor", "--quiet", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(20, Report(report).GetProperty("frames").GetInt32());
        Assert.Single(Directory.GetFiles(dir));
    }

    // ------------------------------------------------------------------ a source that breaks mid-run

    /// <summary>An assets folder of its own: the face model and a copy of the world video the test may damage.</summary>
    private static string OwnAssets()
    {
        string assets = Rtapp.TempDir();
        Directory.CreateDirectory(Path.Combine(assets, "models"));
        Directory.CreateDirectory(Path.Combine(assets, "video"));
        File.Copy(TestAssets.BlazeFace128, Path.Combine(assets, "models", Path.GetFileName(TestAssets.BlazeFace128)));
        File.Copy(TestAssets.Megamind, Path.Combine(assets, "video", "Megamind.avi"));
        return assets;
    }

    [Fact]
    public void TruncatingTheWorldVideoMidRunIsCountedAsSourceFailuresAndTheRunEndsWell()
    {
        string assets = OwnAssets();
        string video = Path.Combine(assets, "video", "Megamind.avi");
        string report = Path.Combine(assets, "truncated.json");
        string[] args = { "run", "--assets", assets, "--frames", "240", "--warmup", "5", "--no-floor", "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var owned = p;
        WaitForPipeline(p);
        Thread.Sleep(500);
        using (var f = new FileStream(video, FileMode.Open, FileAccess.Write)) f.SetLength(f.Length / 4);
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromMinutes(3), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertNoStackTrace(r);
        var j = Report(report);
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        int failures = j.GetProperty("faults").GetProperty("source_failure").GetInt32();
        Assert.True(failures > 0, j.GetProperty("faults").ToString());
        // The watchdog judged every failed frame: its count and the frames flagged agree.
        Assert.Equal(failures, j.GetProperty("source_fault_frames").GetInt32());
        AssertSafe(j);
    }

    [Fact]
    public void CorruptFramesInsideTheVideoAreCountedNotSkipped()
    {
        string assets = OwnAssets();
        string video = Path.Combine(assets, "video", "Megamind.avi");
        // Damage the middle half of the video chunks of world frames 40..79.
        byte[] d = File.ReadAllBytes(video);
        int movi = d.AsSpan().IndexOf("movi"u8) + 4, idx1 = d.AsSpan().IndexOf("idx1"u8);
        var rnd = new Random(5);
        int frame = 0;
        for (int i = movi; i < idx1;)
        {
            bool isVideo = d[i + 2] == (byte)'d' && d[i + 3] == (byte)'c';
            int size = BitConverter.ToInt32(d, i + 4);
            if (isVideo && frame >= 40 && frame < 80)
                for (int k = i + 8 + size / 4; k < i + 8 + 3 * size / 4; k++) d[k] = (byte)rnd.Next(256);
            if (isVideo) frame++;
            i += 8 + size + (size & 1);
        }
        File.WriteAllBytes(video, d);
        string report = Path.Combine(assets, "corrupt.json");
        // Single-stream: simulated time advances one period a frame, so 200 frames reach world frame 160.
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--assets", assets, "--scenario", "single-stream", "--frames", "200", "--warmup", "5",
            "--no-floor", "--quiet", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertNoStackTrace(r);
        var j = Report(report);
        int failures = j.GetProperty("faults").GetProperty("source_failure").GetInt32();
        Assert.True(failures > 0, j.GetProperty("faults").ToString());
        Assert.Equal(failures, j.GetProperty("source_fault_frames").GetInt32());
        AssertSafe(j);
    }

    // ------------------------------------------------------------------ signals

    /// <summary>Whether the process has a handler for <paramref name="signal"/> (its SigCgt mask in /proc).</summary>
    private static bool Catches(int pid, int signal)
    {
        try
        {
            foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
                if (line.StartsWith("SigCgt:", StringComparison.Ordinal))
                    return (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (signal - 1))) != 0;
        }
        catch (IOException) { }
        return false;
    }

    [Fact]
    public void ASignalAtAnyMomentOfStartUpEndsWithExitZeroAReportAndNoStackTrace()
    {
        // 20 signals (SIGTERM and SIGINT in turn) at seeded random delays of 0-300 ms after the
        // process can take a signal at all, across profile loading, model loading and the first frames.
        var rnd = new Random(20261203);
        var phases = new List<string>();
        string dir = Rtapp.TempDir();
        for (int n = 0; n < 20; n++)
        {
            int signal = n % 2 == 0 ? 15 : 2;
            int delayMs = rnd.Next(0, 301);
            string report = Path.Combine(dir, $"signal-{n}.json");
            string[] args = { "run", "--frames", "900", "--report", report };
            var (p, stdout, stderr) = Rtapp.Start(null, args);
            using var owned = p;
            var watch = Stopwatch.StartNew();
            while (!Catches(p.Id, signal) && !p.HasExited && watch.Elapsed < TimeSpan.FromSeconds(30)) Thread.SpinWait(100);
            Thread.Sleep(delayMs);
            Assert.Equal(0, kill(p.Id, signal));
            var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromMinutes(1), args);
            string context = $"signal {signal} after {delayMs} ms: {r}";
            Assert.True(r.ExitCode == 0, context);
            AssertNoStackTrace(r);
            Assert.True(File.Exists(report), context);
            var j = Report(report);
            Assert.Equal(signal == 15 ? "stopped (SIGTERM)" : "stopped (SIGINT)", j.GetProperty("outcome").GetString());
            string phase = j.GetProperty("startup_phase").GetString()!;
            Assert.Contains(phase, new[] { "starting", "profile-loaded", "wired", "running" });
            phases.Add(phase);
            // Once the outputs were open, they were driven safe before the report.
            if (phase is "wired" or "running") AssertSafe(j);
            else Assert.False(j.TryGetProperty("outputs_at_exit", out _));
        }
        // The delays reached into start-up, not only into the run.
        Assert.Contains(phases, ph => ph != "running");
    }

    [Fact]
    public void SigtermAtAVeryLowRateEndsWithinSeconds()
    {
        string report = Path.Combine(Rtapp.TempDir(), "slow-rate.json");
        // The profile must agree that a 1000 s period is not a stall (and systemd's watchdog spans two periods).
        string[] args = { "run", "--set", "timing.rate_hz=0.001", "--set", "watchdog.stall_timeout_us=2000000000", "--set", "service.watchdog_sec=2001",
            "--frames", "5", "--warmup", "0", "--no-floor", "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var owned = p;
        WaitForPipeline(p);
        Thread.Sleep(1000); // the first frame runs at once; the next is 1000 s away
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, kill(p.Id, 15));
        // Generous: the loop's sleep wakes within 50 ms for a stop; the rest is writing the report.
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(20), $"took {sent.Elapsed}");
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal("stopped (SIGTERM)", j.GetProperty("outcome").GetString());
        Assert.Equal(1, j.GetProperty("frames").GetInt32());
        // Sleeping through a period is not a stall.
        Assert.Equal(0, j.GetProperty("faults").GetProperty("stall").GetInt32());
        AssertSafe(j);
    }

    // ------------------------------------------------------------------ watchdog integrity

    [Fact]
    public void AStallTheLoopNeverCameBackFromIsInTheEventsAtTheFrameInFlight()
    {
        var json = Rtapp.SimProfileJson();
        json["watchdog"]!["on_stall"] = "exit";
        string dir = Rtapp.TempDir();
        string profile = Path.Combine(dir, "stall-exit.json");
        File.WriteAllText(profile, json.ToJsonString());
        string report = Path.Combine(dir, "stall.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "200", "--warmup", "5", "--no-floor",
            "--report", report, "--inject", "stall-source:60000:at=40");
        Assert.True(r.ExitCode == 5, r.ToString());
        var j = Report(report);
        var stalls = new List<(int Frame, double AtMs, string Action)>();
        foreach (var e in j.GetProperty("watchdog_events").EnumerateArray())
            if (e.GetProperty("kind").GetString() == "stall")
                stalls.Add((e.GetProperty("frame").GetInt32(), e.GetProperty("at_ms").GetDouble(), e.GetProperty("action").GetString()!));
        var s = Assert.Single(stalls);
        Assert.Equal(40, s.Frame);
        Assert.Equal("exit", s.Action);
        // Latched before the outputs' safe write was reported done, and before the report.
        Assert.True(s.AtMs <= j.GetProperty("outputs_at_exit").GetProperty("report_at_ms").GetDouble(), j.GetProperty("outputs_at_exit").ToString());
    }

    [Fact]
    public void WithNoFaceInViewTheSummarySaysSoAndTheReportHasNoTrackingError()
    {
        string report = Path.Combine(Rtapp.TempDir(), "no-face.json");
        // A score no detection reaches: the face is never found.
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--set", "app.nodes[3].config.score_threshold=0.99999", "--scenario", "single-stream",
            "--frames", "60", "--warmup", "2", "--no-floor", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Tracking: no face in view in any of 60 frames", r.Stdout);
        Assert.DoesNotContain("p50 0.0 px", r.Stdout);
        var metrics = Report(report).GetProperty("demo_metrics");
        Assert.Equal(0, metrics.GetProperty("frames_with_target").GetInt32());
        Assert.False(metrics.TryGetProperty("tracking_error_px", out _), metrics.ToString());
    }
}
