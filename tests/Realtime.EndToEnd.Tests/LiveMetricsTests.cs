using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp run --metrics</c> through the published binary: while a profile-only application runs,
/// /metrics serves Prometheus text whose frame counter grows from scrape to scrape and whose
/// end-to-end histogram counts the frames, /healthz says it is running, the loop still allocates
/// nothing; a port already taken stops the run before anything moves, with exit 2 naming it.
/// </summary>
public sealed class LiveMetricsTests : IDisposable
{
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static double Value(string text, string series)
    {
        foreach (string line in text.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        return double.NaN;
    }

    [Fact]
    public async Task WhileTheLoopRunsMetricsAreScrapedAndItsFramesGrowWithoutTheLoopAllocating()
    {
        int port = Rtapp.FreePort();
        string report = Path.Combine(_dir, "report.json");
        var (p, stdout, stderr) = Rtapp.Start(null, "run", "--board", Sample("face-presence.json"), "--frames", "400", "--warmup", "5",
            "--no-rt", "--assets", TestAssets.Dir, "--report", report, "--metrics", $"127.0.0.1:{port}");
        using var _ = p;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        double first = double.NaN, last = double.NaN;
        string text = "", health = "";
        int scrapes = 0;
        var until = DateTime.UtcNow.AddMinutes(3);
        while (!p.HasExited && DateTime.UtcNow < until)
        {
            try
            {
                text = await http.GetStringAsync("/metrics");
                double frames = Value(text, "rtapp_frames_total{application=\"face-presence\"}");
                if (!double.IsNaN(frames) && frames > 0)
                {
                    if (double.IsNaN(first)) { first = frames; health = await http.GetStringAsync("/healthz"); }
                    Assert.True(double.IsNaN(last) || frames >= last, $"frames went back from {last} to {frames}");
                    last = frames;
                    scrapes++;
                }
            }
            catch (HttpRequestException) { } // not listening yet, or already gone
            await Task.Delay(300);
        }
        var r = Rtapp.Wait(p, stdout, stderr, TimeSpan.FromMinutes(1), Array.Empty<string>());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(scrapes >= 2 && last > first, $"{scrapes} scrapes, frames {first} then {last}\n{text}");
        Assert.StartsWith("running: ", health, StringComparison.Ordinal);
        Assert.Contains("rtapp_build_info{version=\"", text, StringComparison.Ordinal);
        Assert.Contains("rtapp_model_info{application=\"face-presence\",model=\"face_detection_front_128x128_barracuda.onnx\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("rtapp_stage_latency_seconds_count{application=\"face-presence\",stage=\"infer\"}", text, StringComparison.Ordinal);
        double counted = Value(text, "rtapp_end_to_end_latency_seconds_count{application=\"face-presence\"}") + Value(text, "rtapp_source_faults_total{application=\"face-presence\"}");
        Assert.True(counted <= last && counted >= last - 1, $"histogram and faults {counted} against {last} frames"); // one frame may be between its two writes
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(0, doc.RootElement.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.True(Value(text, "rtapp_deadline_misses_total{application=\"face-presence\"}") <= doc.RootElement.GetProperty("deadline_misses").GetInt32());
    }

    [Fact]
    public void APortAlreadyTakenStopsTheRunBeforeAnythingMovesWithExitTwo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", Sample("face-presence.json"), "--frames", "10",
            "--no-rt", "--assets", TestAssets.Dir, "--metrics", $"127.0.0.1:{port}");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"--metrics: cannot listen on 127.0.0.1:{port}: the port is in use", r.Stderr, StringComparison.Ordinal);
        var bad = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", Sample("face-presence.json"), "--frames", "10", "--no-rt", "--metrics", "9464");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("--metrics: '9464' is not HOST:PORT", bad.Stderr, StringComparison.Ordinal);
    }
}
