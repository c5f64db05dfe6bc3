using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp run --frames 0</c> (continuous mode) through the published binary on the sim board: it
/// runs until SIGTERM, SIGHUP writes an interval report while it runs, the final report counts every
/// frame from the histograms, memory stays flat at a high rate while /metrics is scraped, and a
/// state directory that cannot be written or an interval that is not one stops the run with exit 2.
/// </summary>
public sealed partial class ContinuousRunTests : IDisposable
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    private const int SigHup = 1, SigTerm = 15;
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A graph with no model (a WAV source in 16-sample chunks, a tensor, a threshold, a relay) so
    /// the loop can run at 1 kHz on any machine; <paramref name="rateHz"/> sets the chunk to match.
    /// </summary>
    internal static string FastProfile(string dir, double rateHz, double intervalS)
    {
        int chunk = (int)(16000 / rateHz);
        string path = Path.Combine(dir, "fast.json");
        File.WriteAllText(path, $$"""
            {
              "extends": "sim", "name": "fast-relay", "demo": "fast-relay",
              "timing": { "rate_hz": {{rateHz}}, "deadline_us": {{(int)(1e6 / rateHz)}}, "warmup_frames": 50, "frames": 0, "budgets_us": null },
              "telemetry": { "interval_s": {{intervalS}}, "ring_frames": 256, "keep_reports": 3 },
              "app": {
                "nodes": [
                  { "name": "mic", "type": "wav-source", "config": { "path": "audio/speech-relay.wav", "sample_rate_hz": 16000, "chunk": {{chunk}}, "loop": true } },
                  { "name": "window", "type": "audio-tensor", "config": { "chunk": {{chunk}}, "context": 0 } },
                  { "name": "level", "type": "threshold", "config": { "input": "tensor", "on": 0.05, "off": 0.02 } },
                  { "name": "relay", "type": "gpio-relay", "config": { "pin": 17, "active_high": true } }
                ],
                "connections": [
                  { "from": "mic.audio", "to": "window.audio" },
                  { "from": "window.tensor", "to": "level.value" },
                  { "from": "level.command", "to": "relay.command" }
                ]
              }
            }
            """);
        return path;
    }

    internal static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    /// <summary>Waits until <paramref name="ready"/> or the process ends; false on the timeout.</summary>
    private static bool WaitFor(Func<bool> ready, Process p, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !p.HasExited)
        {
            if (ready()) return true;
            Thread.Sleep(100);
        }
        return ready();
    }

    /// <summary>Whether the process has a thread named <paramref name="name"/>.</summary>
    private static bool HasThread(Process p, string name)
    {
        try
        {
            foreach (string task in Directory.GetDirectories($"/proc/{p.Id}/task"))
            {
                try { if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == name) return true; }
                catch (IOException) { } // the thread ended meanwhile
            }
        }
        catch (IOException) { }
        return false;
    }

    private static long? RunFrames(string latest)
    {
        try { return Json(latest).GetProperty("run").GetProperty("frames").GetInt64(); }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException) { return null; }
    }

    [Fact]
    public void SighupWritesAReportWhileItRunsAndSigtermEndsItWithACompleteFinalReport()
    {
        string state = Path.Combine(_dir, "state"), report = Path.Combine(_dir, "final.json");
        string[] args = { "run", "--board", FastProfile(_dir, 200, 3600), "--frames", "0", "--no-rt", "--assets", TestAssets.Dir, "--state-dir", state, "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        string latest = Path.Combine(state, "latest.json");
        // SIGHUP is taken once the reporter's thread runs (before, it would end the process); the
        // interval is an hour, so a report now can only be SIGHUP's.
        Assert.True(WaitFor(() => HasThread(p, "rt-telemetry"), p, TimeSpan.FromMinutes(1)), "the reporter never started");
        Thread.Sleep(500);
        Assert.False(File.Exists(latest), "an interval report before any was asked for");
        Assert.Equal(0, kill(p.Id, SigHup));
        Assert.True(WaitFor(() => RunFrames(latest) is > 0, p, TimeSpan.FromSeconds(30)), $"no report after SIGHUP; exited: {p.HasExited}");
        Assert.False(p.HasExited, "SIGHUP ended the run");
        var first = Json(latest);
        Assert.Equal("sighup", first.GetProperty("reason").GetString());
        Assert.Equal(1, first.GetProperty("sequence").GetInt64());
        Assert.Equal("histogram", first.GetProperty("percentiles").GetString());

        // Ask again until the run has counted at least 1,000 frames, then stop it.
        const int atLeast = 1000;
        long seen = 0;
        var until = DateTime.UtcNow.AddMinutes(2);
        while (seen < atLeast && DateTime.UtcNow < until && !p.HasExited)
        {
            Thread.Sleep(1000);
            kill(p.Id, SigHup);
            Thread.Sleep(300);
            seen = RunFrames(latest) ?? seen;
        }
        Assert.True(seen >= atLeast, $"only {seen} frames reported");
        Assert.Equal(0, kill(p.Id, SigTerm));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("sighup #1: last ", r.Stdout, StringComparison.Ordinal);

        var j = Json(report);
        Assert.Equal("stopped (SIGTERM)", j.GetProperty("outcome").GetString());
        int frames = j.GetProperty("frames").GetInt32();
        Assert.True(frames >= seen, $"final {frames} frames, fewer than the {seen} reported while running");
        // Every counted frame is in the histogram or a source fault; the misses are counted frames.
        Assert.Equal(frames, j.GetProperty("end_to_end").GetProperty("count").GetInt32() + j.GetProperty("source_fault_frames").GetInt32());
        Assert.InRange(j.GetProperty("deadline_misses").GetInt32(), 0, frames);
        Assert.Equal(50, j.GetProperty("warmup_frames").GetInt32());
        var c = j.GetProperty("continuous");
        Assert.Equal("histogram", c.GetProperty("percentiles").GetString());
        Assert.Equal(256, c.GetProperty("ring_frames").GetInt32());
        Assert.Equal(256, c.GetProperty("frames_in_ring").GetInt32());
        Assert.True(c.GetProperty("interval_reports").GetInt64() >= 2);
        Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.InRange(Directory.GetFiles(state, "interval-*.json").Length, 1, 3);
    }

    [Fact]
    public void SighupWritesTheFlightRecordersRingToAFileBesideTheMissFilesAndTheRunGoesOn()
    {
        string state = Path.Combine(_dir, "state"), misses = Path.Combine(_dir, "misses"), report = Path.Combine(_dir, "final.json");
        string[] args = { "run", "--board", FastProfile(_dir, 200, 3600), "--frames", "0", "--no-rt", "--assets", TestAssets.Dir, "--state-dir", state,
            "--record-on-miss", misses, "--record-frames", "32", "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        string latest = Path.Combine(state, "latest.json");
        Assert.True(WaitFor(() => HasThread(p, "rt-telemetry"), p, TimeSpan.FromMinutes(1)), "the reporter never started");
        // Until the interval report shows counted frames: past the 50 warm-up frames, the ring of 32 is full.
        Assert.True(WaitFor(() => { kill(p.Id, SigHup); Thread.Sleep(300); return RunFrames(latest) is > 0; }, p, TimeSpan.FromMinutes(2)), "no report with frames");
        string[] Snapshots() => Directory.GetFiles(misses, "sighup-*.mcap");
        Assert.True(WaitFor(() => Snapshots().Length > 0, p, TimeSpan.FromSeconds(30)), "no snapshot after SIGHUP");
        int before = Snapshots().Length;
        long framesThen = RunFrames(latest)!.Value;
        Assert.Equal(0, kill(p.Id, SigHup));
        Assert.True(WaitFor(() => Snapshots().Length > before, p, TimeSpan.FromSeconds(30)), "no snapshot after the last SIGHUP");
        Assert.False(p.HasExited, "SIGHUP ended the run");
        // The run goes on past the snapshot, then SIGTERM ends it; the snapshots are whole by then.
        Assert.True(WaitFor(() => { kill(p.Id, SigHup); Thread.Sleep(300); return RunFrames(latest) > framesThen + 100; }, p, TimeSpan.FromMinutes(2)), "the run did not go on");
        Assert.Equal(0, kill(p.Id, SigTerm));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Json(report);
        Assert.Equal("stopped (SIGTERM)", j.GetProperty("outcome").GetString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        var rec = j.GetProperty("recording");
        int snapshots = rec.GetProperty("snapshots").GetInt32();
        Assert.Equal(Snapshots().Length, snapshots);
        Assert.True(snapshots > before, $"{snapshots} snapshots");
        var files = rec.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        foreach (string f in Snapshots()) Assert.Contains(f, files);

        // Foxglove's reader: each snapshot holds the ring as it was (the first SIGHUPs may come before the loop's
        // first frames), every frame whole on every channel; the ones after the warm-up hold the whole ring, 32 frames.
        long frames = 0;
        foreach (string f in Snapshots().Order(StringComparer.Ordinal))
        {
            var file = FlightRecorderRunTests.ReadWithMcapCore(f);
            Assert.Equal("snapshot", file.GetProperty("metadata").GetProperty("rtapp.run").GetProperty("recording.mode").GetString());
            long timing = file.GetProperty("channels").GetProperty("/timing").GetProperty("messages").GetInt64();
            foreach (string topic in new[] { "/source/mic", "/commands", "/watchdog" })
                Assert.Equal(timing, file.GetProperty("channels").GetProperty(topic).GetProperty("messages").GetInt64());
            frames += timing;
            if (f == Snapshots().Max(StringComparer.Ordinal)) Assert.Equal(32, timing);
        }
        Assert.Equal(frames, rec.GetProperty("snapshot_frames").GetInt64());
    }

    [Fact]
    public void TheServicesDefaultApplicationAHandWiredDemoRunsContinuouslyUntilSigterm()
    {
        // What the bundle's unit runs: the board's own application, --frames 0, the state directory from systemd's environment.
        string state = Path.Combine(_dir, "state"), report = Path.Combine(_dir, "final.json");
        string[] args = { "run", "--board", "sim", "--frames", "0", "--no-rt", "--assets", TestAssets.Dir, "--report", report };
        var (p, stdout, stderr) = Rtapp.Start(new Dictionary<string, string> { ["STATE_DIRECTORY"] = state }, args);
        using var _ = p;
        string latest = Path.Combine(state, "latest.json");
        Assert.True(WaitFor(() => HasThread(p, "rt-telemetry"), p, TimeSpan.FromMinutes(1)), "the reporter never started");
        Assert.True(WaitFor(() => { kill(p.Id, SigHup); Thread.Sleep(500); return RunFrames(latest) is > 30; }, p, TimeSpan.FromMinutes(2)), "no report with frames");
        Assert.Equal(0, kill(p.Id, SigTerm));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Json(report);
        Assert.Equal("stopped (SIGTERM)", j.GetProperty("outcome").GetString());
        Assert.True(j.GetProperty("frames").GetInt32() > 30);
        Assert.Equal(state, j.GetProperty("continuous").GetProperty("state_directory").GetString());
        Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
    }

    [Theory]
    [InlineData("state-dir", "--state-dir '/proc/rtapp-state': ")]
    [InlineData("state-dir-bounded", "--state-dir: only a continuous run writes interval reports")]
    [InlineData("interval", "telemetry.interval_s: must be more than 0 and at most 86400 (seconds), got 0")]
    [InlineData("ring", "telemetry.ring_frames: must be 1..1000000, got 0")]
    [InlineData("record", "--record: a continuous run (--frames 0) has no end")]
    [InlineData("keep-recordings", "telemetry.keep_recordings: must be 1..10000, got 0")]
    [InlineData("recordings-max", "telemetry.recordings_max_mb: must be 1..1000000 (MB), got 0")]
    [InlineData("record-on-miss-file", "misses.mcap': give a folder: each miss window goes into its own file there")]
    public void BadInputStopsTheRunBeforeAnythingMovesWithOneErrorAndExitTwo(string what, string expected)
    {
        string profile = FastProfile(_dir, 200, 60);
        var args = new List<string> { "run", "--board", profile, "--no-rt", "--assets", TestAssets.Dir };
        switch (what)
        {
            case "state-dir": args.AddRange(new[] { "--frames", "0", "--state-dir", "/proc/rtapp-state" }); break;
            case "state-dir-bounded": args.AddRange(new[] { "--frames", "10", "--state-dir", Path.Combine(_dir, "s") }); break;
            case "interval": args.AddRange(new[] { "--frames", "0", "--set", "telemetry.interval_s=0" }); break;
            case "record": args.AddRange(new[] { "--frames", "0", "--record", Path.Combine(_dir, "every-frame.mcap") }); break;
            case "keep-recordings": args.AddRange(new[] { "--frames", "0", "--record-on-miss", Path.Combine(_dir, "misses"), "--set", "telemetry.keep_recordings=0" }); break;
            case "recordings-max": args.AddRange(new[] { "--frames", "0", "--record-on-miss", Path.Combine(_dir, "misses"), "--set", "telemetry.recordings_max_mb=0" }); break;
            case "record-on-miss-file": args.AddRange(new[] { "--frames", "0", "--record-on-miss", Path.Combine(_dir, "misses.mcap") }); break;
            default: args.AddRange(new[] { "--frames", "0", "--set", "telemetry.ring_frames=0" }); break;
        }
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), args.ToArray());
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("frames until stopped", r.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Runs with no other test beside it: for tests whose premise is a machine nothing else disturbs (a process's memory, a calibration's timing).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "runs alone";
}

/// <summary>
/// A continuous run at 1 kHz (no model) for 85 s while /metrics is scraped every 100 ms and an interval
/// report is written every 2 s: VmRSS stays within 1 MB after warm-up, the pipeline thread allocates
/// nothing, and no garbage collection happens.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ContinuousMemoryTests : IDisposable
{
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AtOneKilohertzWithMetricsScrapedEvery100MsTheResidentMemoryStaysFlatAndThePipelineAllocatesNothing()
    {
        int port = Rtapp.FreePort();
        string report = Path.Combine(_dir, "final.json"), state = Path.Combine(_dir, "state");
        // Interval reports every 2 s (a service's default is 60), with their files and the machine's summary.
        string[] args = { "run", "--board", ContinuousRunTests.FastProfile(_dir, 1000, 2), "--frames", "0", "--no-rt", "--quiet", "--assets", TestAssets.Dir,
            "--state-dir", state, "--report", report, "--metrics", $"127.0.0.1:{port}" };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        string status = $"/proc/{p.Id}/status";
        var rss = new List<long>();
        int scrapes = 0;
        var start = DateTime.UtcNow;
        // Warm-up: the first scrapes and reports, and the GC growing its budgets to the telemetry thread's rate (seen settling by 35 s).
        var nextSample = start.AddSeconds(30);
        while (DateTime.UtcNow - start < TimeSpan.FromSeconds(85) && !p.HasExited)
        {
            try
            {
                await http.GetStringAsync("/metrics");
                scrapes++;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow >= nextSample)
            {
                rss.Add(VmRssKb(status));
                nextSample = nextSample.AddSeconds(1);
            }
            await Task.Delay(100);
        }
        Assert.False(p.HasExited, "the run ended by itself");
        Assert.Equal(0, ContinuousRunTests.kill(p.Id, 15));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromSeconds(30), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(rss.Count >= 40, $"{rss.Count} RSS samples");
        // The GC commits and returns its heap in steps of about a megabyte (the scrapes and reports
        // allocate on the telemetry thread): growth is what stays, the lowest of the last 15 s over
        // the highest of the first 15 s. Bounded-run records alone (90 B a frame) would add 5 MB a minute.
        long firstHigh = 0, lastLow = long.MaxValue;
        for (int i = 0; i < 15; i++) firstHigh = Math.Max(firstHigh, rss[i]);
        for (int i = rss.Count - 15; i < rss.Count; i++) lastLow = Math.Min(lastLow, rss[i]);
        Assert.True(lastLow - firstHigh < 1024, $"RSS grew {lastLow - firstHigh} kB after warm-up (VmRSS kB, one a second): {string.Join(' ', rss)}");
        Assert.True(scrapes >= 100, $"{scrapes} scrapes");
        var j = ContinuousRunTests.Json(report);
        Assert.True(j.GetProperty("frames").GetInt32() > 10_000, j.GetProperty("frames").ToString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.True(j.GetProperty("continuous").GetProperty("interval_reports").GetInt64() >= 30);
        // Nothing the service does while it runs allocates (scrapes, the machine's samples, the interval
        // reports and their files): no garbage collection stopped the pipeline thread in 85 s.
        Assert.True(j.GetProperty("gc_collections").GetInt32() == 0, $"{j.GetProperty("gc_collections")} GCs during the counted frames");
    }

    private static long VmRssKb(string status)
    {
        foreach (string line in File.ReadAllLines(status))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException("no VmRSS in " + status);
    }
}
