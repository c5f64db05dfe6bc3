using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;

namespace Realtime.EndToEnd.Tests;

/// <summary>The watchdog, signals and real-time scheduling through the published binary.</summary>
public sealed partial class WatchdogAndSignalTests
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    private static JsonElement Report(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static void AssertSafeBeforeReport(JsonElement r)
    {
        var o = r.GetProperty("outputs_at_exit");
        Assert.True(o.GetProperty("safe").GetBoolean(), o.ToString());
        Assert.True(o.GetProperty("safe_written_at_ms").GetDouble() <= o.GetProperty("report_at_ms").GetDouble(), o.ToString());
    }

    [Fact]
    public void SigtermMidRunWritesTheSafeStateThenACompleteReportAndThePipelineRanSchedFifoOnItsCore()
    {
        string report = Path.Combine(Rtapp.TempDir(), "sigterm.json");
        string[] args = { "run", "--frames", "3000", "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        // Find the pipeline thread by name and read its scheduling back from the kernel.
        string? task = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (task is null && DateTime.UtcNow < deadline && !p.HasExited)
        {
            Thread.Sleep(100);
            foreach (string dir in Directory.GetDirectories($"/proc/{p.Id}/task"))
            {
                try { if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "rt-pipeline") task = dir; }
                catch (IOException) { }
            }
        }
        Assert.NotNull(task);
        Thread.Sleep(1500); // let it set its scheduling and run frames
        string stat = File.ReadAllText(Path.Combine(task!, "stat"));
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        int rtPriority = int.Parse(f[37]), policy = int.Parse(f[38]);
        string cpus = "";
        foreach (string line in File.ReadAllLines(Path.Combine(task!, "status")))
            if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) cpus = line.Split(':')[1].Trim();
        bool root = Environment.UserName == "root";
        if (root)
        {
            Assert.Equal(1, policy); // SCHED_FIFO
            Assert.Equal(80, rtPriority);
            Assert.Equal("1", cpus);
        }

        Assert.Equal(0, kill(p.Id, 15));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal("stopped (SIGTERM)", j.GetProperty("outcome").GetString());
        int frames = j.GetProperty("frames").GetInt32();
        // On a loaded machine the stop may land in the 30 warm-up frames: some frame ran, not all of them.
        Assert.InRange(frames + j.GetProperty("warmup_frames").GetInt32(), 1, 3029);
        Assert.InRange(frames, 0, 2999);
        Assert.Equal(frames, j.GetProperty("end_to_end").GetProperty("count").GetInt32());
        Assert.Equal(frames, j.GetProperty("stages").GetProperty("infer").GetProperty("count").GetInt32());
        AssertSafeBeforeReport(j);
        if (root)
        {
            Assert.Equal("SCHED_FIFO", j.GetProperty("scheduling").GetProperty("policy").GetString());
            Assert.Equal("SCHED_FIFO", j.GetProperty("scheduling").GetProperty("watchdog").GetProperty("policy").GetString());
            Assert.Equal(90, j.GetProperty("scheduling").GetProperty("watchdog").GetProperty("priority").GetInt32());
            Assert.Equal(0, j.GetProperty("scheduling").GetProperty("cpu_dma_latency_us").GetInt32());
        }
    }

    [Fact]
    public void SighupMidBoundedRunIsTakenAndTheRunEndsWithItsReport()
    {
        // Without a handler, SIGHUP's default action (systemctl reload, a closed terminal) ended the
        // process: exit 129, no report, no safe stop.
        string report = Path.Combine(Rtapp.TempDir(), "sighup.json");
        string[] args = { "run", "--frames", "300", "--no-rt", "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        bool running = false;
        while (!running && DateTime.UtcNow < deadline && !p.HasExited)
        {
            Thread.Sleep(100);
            foreach (string dir in Directory.GetDirectories($"/proc/{p.Id}/task"))
            {
                try { running |= File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "rt-pipeline"; }
                catch (IOException) { }
            }
        }
        Assert.True(running, "the pipeline thread never started");
        Thread.Sleep(500);
        Assert.Equal(0, kill(p.Id, 1));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(60), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SIGHUP: a bounded run writes its report when it ends", r.Stderr + r.Stdout, StringComparison.Ordinal);
        var j = Report(report);
        Assert.Equal(300, j.GetProperty("frames").GetInt32());
        AssertSafeBeforeReport(j);
    }

    [Fact]
    public void ASlowStageIsHeldThenEscalatesToSafeThenRecoversInOrder()
    {
        // A generous deadline and no budgets: only the injected 40 ms slowdown (not a loaded machine) misses.
        var json = Rtapp.SimProfileJson();
        json["timing"]!["deadline_us"] = 33000;
        json["timing"]!["budgets_us"] = new System.Text.Json.Nodes.JsonObject();
        string dir = Rtapp.TempDir();
        string profile = Path.Combine(dir, "generous.json");
        File.WriteAllText(profile, json.ToJsonString());
        string report = Path.Combine(dir, "slow.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "120", "--warmup", "10", "--no-floor", "--report", report,
            "--inject", "slow:infer:40:from=60:to=79");
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        var events = new List<(int Frame, string Kind, string Action)>();
        foreach (var e in j.GetProperty("watchdog_events").EnumerateArray())
            events.Add((e.GetProperty("frame").GetInt32(), e.GetProperty("kind").GetString()!, e.GetProperty("action").GetString()!));
        int hold = events.FindIndex(e => e.Frame == 60 && e.Kind == "deadline_miss" && e.Action == "hold-last");
        int safe = events.FindIndex(e => e.Frame == 62 && e.Action == "safe-state");
        int recovered = events.FindIndex(e => e.Frame == 89 && e.Kind == "recovered");
        Assert.True(hold >= 0 && safe > hold && recovered > safe, string.Join("; ", events));
        Assert.True(j.GetProperty("faults").GetProperty("deadline_miss").GetInt32() >= 20);
        Assert.Equal(1, j.GetProperty("watchdog_trips").GetInt32());
        AssertSafeBeforeReport(j);
    }

    [Fact]
    public void AStallWithTheExitPolicyLatchesSafeAndExitsWithTheStallCode()
    {
        var json = Rtapp.SimProfileJson();
        json["watchdog"]!["on_stall"] = "exit";
        string dir = Rtapp.TempDir();
        string profile = Path.Combine(dir, "stall-exit.json");
        File.WriteAllText(profile, json.ToJsonString());
        string report = Path.Combine(dir, "stall.json");
        var started = DateTime.UtcNow;
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "200", "--warmup", "5", "--no-floor",
            "--report", report, "--inject", "stall-source:60000:at=40");
        Assert.True(r.ExitCode == 5, r.ToString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(50), "the process waited for the stalled source");
        var j = Report(report);
        Assert.Equal("watchdog-exit", j.GetProperty("outcome").GetString());
        Assert.Equal(5, j.GetProperty("exit_code").GetInt32());
        Assert.Equal(1, j.GetProperty("faults").GetProperty("stall").GetInt32());
        Assert.Equal(35, j.GetProperty("frames").GetInt32());
        AssertSafeBeforeReport(j);
        Assert.Contains("watchdog", r.Stderr);
    }

    [Fact]
    public void ACrashedStageDrivesTheOutputsSafeReportsAndExitsOne()
    {
        string report = Path.Combine(Rtapp.TempDir(), "crash.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--frames", "100", "--warmup", "5", "--no-floor", "--report", report, "--inject", "crash:decode:at=40");
        Assert.True(r.ExitCode == 1, r.ToString());
        var j = Report(report);
        Assert.Equal("faulted", j.GetProperty("outcome").GetString());
        Assert.Contains("injected crash in stage 'decode' at frame 40", j.GetProperty("fault").GetString());
        Assert.Equal(35, j.GetProperty("frames").GetInt32());
        AssertSafeBeforeReport(j);
        Assert.Contains("outputs were driven to their safe state", r.Stderr);
    }

    [Fact]
    public void ABadInjectionSpecIsAUsageError()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "run", "--inject", "slow:warp:5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--inject", r.Stderr);
        Assert.Contains("unknown stage 'warp'", r.Stderr);
    }

    [Fact]
    public void CheckPassesForSimHereAndListsWhatDiffersForRpi5()
    {
        var sim = Rtapp.Run(TimeSpan.FromSeconds(30), "check", "--board", "sim");
        Assert.True(sim.ExitCode == 0, sim.ToString());
        Assert.Contains("ready: nothing fails", sim.Stdout);
        // The face tracker's graph builds and starts, its model node loaded (its pinned SHA-256 checked by the node).
        Assert.Contains("app graph: 7 node(s), 9 connection(s) build and start; model(s): blazeface", sim.Stdout);

        var rpi = Rtapp.Run(TimeSpan.FromSeconds(30), "check", "--board", "rpi5");
        Assert.True(rpi.ExitCode == 1, rpi.ToString());
        Assert.Contains("not ready", rpi.Stdout);
        Assert.Contains("[FAIL] PWM 'pan': /sys/class/pwm/pwmchip2 does not exist", rpi.Stdout);
        Assert.Contains("[FAIL] camera 'camera': camera /dev/video0: no such device", rpi.Stdout);
        if (Environment.ProcessorCount < 4) Assert.Contains("[FAIL] core 3", rpi.Stdout);
        Assert.Contains("fix:", rpi.Stdout);

        var notCamera = Rtapp.Run(TimeSpan.FromSeconds(30), "check", "--board", "rpi5", "--set", "app.nodes[camera].config.device=/dev/null");
        Assert.Contains("[FAIL] camera 'camera': camera /dev/null: not a V4L2 device", notCamera.Stdout);
    }
}
