using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Several applications in one host served as one service, through the published binary: the three demos of the
/// sim board run continuously; /metrics serves each loop's families under a <c>loop</c> label (each family's samples
/// together), /healthz judges every loop; SIGHUP writes every loop's interval report now into the loop's own folder;
/// SIGTERM ends every loop with its outputs safe and a final report holding a section per loop.
/// </summary>
public sealed class MultiAppServiceTests : IDisposable
{
    private static readonly string ThreeDemos = Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "three-demos.json");
    private static readonly string[] Loops = { "tracker", "relay", "lines" };
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TheThreeDemosRunAsOneServiceWithMetricsPerLoopReportsPerLoopAndSafeOutputsAtTheEnd()
    {
        int port = Rtapp.FreePort();
        string state = Path.Combine(_dir, "state");
        // Interval reports every 60 s: those in the folders below come from SIGHUP, not from the clock.
        string[] args = { "run", "--board", ThreeDemos, "--frames", "0", "--no-rt", "--assets", TestAssets.Dir, "--timing", Path.Combine(_dir, "none.timing.json"),
            "--set", "telemetry.interval_s=60", "--state-dir", state, "--metrics", $"127.0.0.1:{port}" };
        var (p, stdout, stderr) = Rtapp.Start(null, args);
        using var _ = p;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        string metrics = "", health = "";
        bool healthy = false;
        var until = DateTime.UtcNow.AddMinutes(3);
        // Until every loop has counted frames (the models load first).
        while (DateTime.UtcNow < until && !p.HasExited)
        {
            try
            {
                var h = await http.GetAsync("/healthz");
                health = await h.Content.ReadAsStringAsync();
                healthy = h.IsSuccessStatusCode;
                metrics = await http.GetStringAsync("/metrics");
                if (healthy && AllCounted(metrics)) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        Assert.False(p.HasExited, "the run ended by itself");
        Assert.True(healthy, health);
        Assert.StartsWith("running: 3 loops, ", health, StringComparison.Ordinal);
        Assert.True(AllCounted(metrics), metrics);
        // The text format asks that each family's samples come together: one HELP per family, and no family again after another began.
        var seen = new List<string>();
        string? current = null;
        foreach (string line in metrics.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string family = Family(line);
            if (family == current) continue;
            Assert.DoesNotContain(family, seen);
            seen.Add(family);
            current = family;
        }
        foreach (string loop in Loops)
            Assert.Contains($"rtapp_end_to_end_latency_seconds_count{{loop=\"{loop}\",", metrics, StringComparison.Ordinal);

        Assert.Equal(0, ContinuousRunTests.kill(p.Id, 1));
        // SIGHUP: each loop writes its interval report now, into its own folder; the run goes on.
        foreach (string loop in Loops)
        {
            string latest = Path.Combine(state, loop, "latest.json");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(latest) && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Assert.True(File.Exists(latest), $"no {latest}");
            var j = ContinuousRunTests.Json(latest);
            Assert.Equal("sighup", j.GetProperty("reason").GetString());
            Assert.Equal(loop, j.GetProperty("loop").GetString());
        }
        Assert.False(p.HasExited, "SIGHUP ended the run");

        Assert.Equal(0, ContinuousRunTests.kill(p.Id, 15));
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromMinutes(1), args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("rtapp: loop 'relay' sighup #1", r.Stdout, StringComparison.Ordinal);
        var report = ContinuousRunTests.Json(Path.Combine(state, "report.json"));
        Assert.Equal("stopped (SIGTERM)", report.GetProperty("outcome").GetString());
        Assert.Equal(3, report.GetProperty("loops").GetArrayLength());
        foreach (var s in report.GetProperty("loops").EnumerateArray())
        {
            string loop = s.GetProperty("loop").GetString()!;
            Assert.True(s.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean(), $"loop '{loop}' left its outputs unsafe");
            Assert.True(s.GetProperty("frames").GetInt32() > 0, $"loop '{loop}' counted no frame");
            Assert.True(s.GetProperty("continuous").GetProperty("interval_reports").GetInt64() >= 1, $"loop '{loop}': {s.GetProperty("continuous")}");
            Assert.Equal(0, s.GetProperty("alloc_bytes_per_frame").GetDouble());
        }
    }

    [Fact]
    public void WhatOnlyASingleLoopOffersIsRefusedByNameExit2()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", ThreeDemos, "--frames", "5", "--no-rt", "--assets", TestAssets.Dir, "--floor");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--floor: a profile with several applications (apps[]) does not offer it yet", r.Stderr, StringComparison.Ordinal);
        var bounded = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", ThreeDemos, "--frames", "5", "--no-rt", "--assets", TestAssets.Dir, "--state-dir", _dir);
        Assert.True(bounded.ExitCode == 2, bounded.ToString());
        Assert.Contains("--state-dir: only a continuous run writes interval reports", bounded.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnderSystemdTheHostSaysReadyOnceEveryLoopIsWarmKeepsAliveAndSaysStopping()
    {
        using var notify = new NotifySocket(_dir);
        var r = Rtapp.Run(TimeSpan.FromMinutes(4), notify.Environment(400_000), "run", "--board", ThreeDemos, "--frames", "40", "--warmup", "3", "--no-rt", "--quiet",
            "--assets", TestAssets.Dir, "--timing", Path.Combine(_dir, "none.timing.json"));
        var messages = notify.Messages();
        Assert.True(r.ExitCode == 0, r.ToString());
        var states = messages.Where(m => m != "WATCHDOG=1").ToList();
        Assert.Equal(new[] { "READY=1\nSTATUS=running three-demos: 3 loops", "STOPPING=1" }, states);
        // The service's keep-alive goes out while every loop makes progress.
        Assert.Contains("WATCHDOG=1", messages);
        Assert.Equal("STOPPING=1", messages[^1]);
    }

    private static bool AllCounted(string metrics)
    {
        foreach (string loop in Loops)
        {
            string prefix = $"rtapp_frames_total{{loop=\"{loop}\",";
            int at = metrics.IndexOf(prefix, StringComparison.Ordinal);
            if (at < 0) return false;
            int space = metrics.IndexOf(' ', at);
            int end = metrics.IndexOf('\n', space);
            if (double.Parse(metrics[(space + 1)..end], System.Globalization.CultureInfo.InvariantCulture) < 1) return false;
        }
        return true;
    }

    // A sample's family: its name less a histogram's _bucket, _sum or _count (the histograms here are all in seconds).
    private static string Family(string line)
    {
        string name = line[..line.IndexOfAny(new[] { '{', ' ' })];
        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith("_seconds" + suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }
}
