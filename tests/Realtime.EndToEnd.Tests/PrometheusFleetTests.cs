using System;
using System.Collections.Generic;
using System.Diagnostics;
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
/// A fleet on a real Prometheus (Debian's 2.42, unpacked by scripts/prometheus.sh): three
/// <c>rtapp run --metrics</c> processes ("three boards") scraped on loopback every second; once they
/// end, Prometheus's HTTP API gives each board's deadline misses and frames exactly as its report
/// does, and its histogram_quantile of end-to-end latency agrees with the report's p99 within the
/// exposition's stated error. The bundle's recording and alert rules pass promtool's check, and its
/// unit tests show each alert firing on the series that should fire it and not otherwise.
/// </summary>
public sealed class PrometheusFleetTests : IDisposable
{
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Tool(string variable, string name)
    {
        string path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env ? env : Path.Combine(TestAssets.RepoRoot, "out", "prometheus", "bin", name);
        Assert.True(File.Exists(path), $"{path} not found: scripts/prometheus.sh unpacks Debian's prometheus (scripts/test.sh runs it)");
        return path;
    }

    private static string Rules => Path.Combine(TestAssets.RepoRoot, "src", "Realtime.Hosting", "bundle", "rtapp.rules.yml");

    private static RtappResult Exec(string program, params string[] args) => Rtapp.Exec(program, TimeSpan.FromMinutes(2), null, args);

    [Fact]
    public async Task ThreeBoardsScrapedByPrometheusAgreeWithTheirReports()
    {
        string prometheus = Tool("RTAPP_PROMETHEUS", "prometheus");
        int[] ports = { Rtapp.FreePort(), Rtapp.FreePort(), Rtapp.FreePort() };
        string config = Path.Combine(_dir, "prometheus.yml");
        File.WriteAllText(config, $$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [ "{{Rules}}" ]
            scrape_configs:
              - job_name: rtapp
                static_configs:
                  - targets: [ "127.0.0.1:{{ports[0]}}" ]
                    labels: { board: a }
                  - targets: [ "127.0.0.1:{{ports[1]}}" ]
                    labels: { board: b }
                  - targets: [ "127.0.0.1:{{ports[2]}}" ]
                    labels: { board: c }
            """);
        var (prom, promLog, promPort) = await StartPrometheus(prometheus, config);
        using var promProcess = prom;
        try
        {
            // Three boards: the same profile-only application, each with its own report and endpoint;
            // each keeps its final figures up until Prometheus has read them once more.
            var runs = new List<(Process P, Task<string> Out, Task<string> Err, string Report)>();
            string sample = Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "face-presence.json");
            for (int i = 0; i < 3; i++)
            {
                string report = Path.Combine(_dir, $"report-{i}.json");
                var (p, o, e) = Rtapp.Start(null, "run", "--board", sample, "--frames", $"{150 + 50 * i}", "--warmup", "5", "--no-rt", "--quiet",
                    "--assets", TestAssets.Dir, "--report", report, "--metrics", $"127.0.0.1:{ports[i]}", "--metrics-hold", "30");
                runs.Add((p, o, e, report));
            }
            foreach (var (p, o, e, _) in runs)
            {
                var r = Rtapp.Wait(p, o, e, TimeSpan.FromMinutes(4), Array.Empty<string>());
                p.Dispose();
                Assert.True(r.ExitCode == 0, r.ToString());
            }

            if (prom.HasExited) Assert.Fail($"prometheus exited ({prom.ExitCode}) while the boards ran: {await promLog}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{promPort}"), Timeout = TimeSpan.FromSeconds(10) };
            for (int i = 0; i < 3; i++)
            {
                using var report = JsonDocument.Parse(File.ReadAllText(runs[i].Report));
                JsonElement j = report.RootElement;
                string board = "abc"[i].ToString();
                // The boards are gone: their last samples are read over a window (an instant query would see them stale).
                double misses = await Scalar(http, $"last_over_time(rtapp_deadline_misses_total{{board=\"{board}\"}}[10m])");
                double frames = await Scalar(http, $"last_over_time(rtapp_frames_total{{board=\"{board}\"}}[10m])");
                double p99 = await Scalar(http, $"histogram_quantile(0.99, last_over_time(rtapp_end_to_end_latency_seconds_bucket{{board=\"{board}\"}}[10m]))");
                Assert.Equal(j.GetProperty("deadline_misses").GetInt32(), misses);
                Assert.Equal(j.GetProperty("frames").GetInt32(), frames);
                double reportP99 = j.GetProperty("end_to_end").GetProperty("p99_us").GetDouble() / 1e6;
                Assert.True(Math.Abs(p99 - reportP99) <= reportP99 / 128 + 1e-9, $"board {board}: Prometheus p99 {p99} s, report {reportP99} s");
            }
            // Every board was seen up, and the rules loaded and evaluated.
            Assert.Equal(3, await Scalar(http, "count(max_over_time(up{job=\"rtapp\"}[10m]) == 1)"));
            string rules = await http.GetStringAsync("/api/v1/rules");
            Assert.Contains("\"health\":\"ok\"", rules, StringComparison.Ordinal);
            Assert.DoesNotContain("\"health\":\"err\"", rules, StringComparison.Ordinal);
        }
        finally
        {
            prom.Kill();
            prom.WaitForExit();
        }

        static async Task<double> Scalar(HttpClient http, string query)
        {
            string json = await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            using var doc = JsonDocument.Parse(json);
            JsonElement result = doc.RootElement.GetProperty("data").GetProperty("result");
            Assert.True(result.GetArrayLength() == 1, $"{query}: {json}");
            return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Prometheus on a free loopback port, once it answers <c>/-/ready</c>. A port another process took between
    /// <see cref="Rtapp.FreePort"/> and Prometheus's bind is tried again on a new one (a CI run once found
    /// Prometheus gone, connection refused, with no word why); any other exit fails with Prometheus's own log.
    /// </summary>
    private async Task<(Process Prom, Task<string> Log, int Port)> StartPrometheus(string prometheus, string config)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = Rtapp.FreePort();
            var psi = new ProcessStartInfo(prometheus) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}" })
                psi.ArgumentList.Add(a);
            var prom = Process.Start(psi)!;
            Task<string> log = prom.StandardError.ReadToEndAsync();
            _ = prom.StandardOutput.ReadToEndAsync();
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) })
            {
                var waited = Stopwatch.StartNew();
                while (!prom.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
                {
                    try
                    {
                        using var ready = await http.GetAsync("/-/ready");
                        if (ready.IsSuccessStatusCode) return (prom, log, port);
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                    await Task.Delay(200);
                }
            }
            if (!prom.HasExited)
            {
                prom.Kill();
                prom.WaitForExit();
                Assert.Fail($"prometheus was not ready on 127.0.0.1:{port} within 60 s: {await log}");
            }
            prom.WaitForExit();
            int code = prom.ExitCode;
            string text = await log;
            prom.Dispose();
            if (attempt < 3 && text.Contains("address already in use", StringComparison.Ordinal)) continue;
            Assert.Fail($"prometheus exited ({code}) on 127.0.0.1:{port}: {text}");
        }
    }

    [Fact]
    public void TheBundlesRulesPassPromtoolAndEachAlertFiresOnWhatShouldFireIt()
    {
        string promtool = Tool("RTAPP_PROMTOOL", "promtool");
        var check = Exec(promtool, "check", "rules", Rules);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("SUCCESS: 5 rules found", check.Stdout, StringComparison.Ordinal);
        File.Copy(Rules, Path.Combine(_dir, "rtapp.rules.yml"));
        // Board a: 1 ms frames, 8 ms deadline, no misses. Board b: misses from minute 2, and frames of
        // 12 ms against its 8 ms deadline. Board c: stops answering at minute 3.
        File.WriteAllText(Path.Combine(_dir, "rules.test.yml"), """
            rule_files: [ rtapp.rules.yml ]
            evaluation_interval: 30s
            tests:
              - interval: 30s
                input_series:
                  - series: 'rtapp_deadline_seconds{job="rtapp",instance="a",application="app"}'
                    values: '0.008x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="a",application="app",le="0.001"}'
                    values: '0+900x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="a",application="app",le="0.002"}'
                    values: '0+900x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="a",application="app",le="+Inf"}'
                    values: '0+900x20'
                  - series: 'rtapp_deadline_misses_total{job="rtapp",instance="a",application="app"}'
                    values: '0x20'
                  - series: 'rtapp_deadline_seconds{job="rtapp",instance="b",application="app"}'
                    values: '0.008x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="b",application="app",le="0.001"}'
                    values: '0x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="b",application="app",le="0.012"}'
                    values: '0+900x20'
                  - series: 'rtapp_end_to_end_latency_seconds_bucket{job="rtapp",instance="b",application="app",le="+Inf"}'
                    values: '0+900x20'
                  - series: 'rtapp_deadline_misses_total{job="rtapp",instance="b",application="app"}'
                    values: '0x4 0+10x16'
                  - series: 'up{job="rtapp",instance="a"}'
                    values: '1x20'
                  - series: 'up{job="rtapp",instance="c"}'
                    values: '1x6 0x14'
                alert_rule_test:
                  - eval_time: 1m
                    alertname: RtappDeadlineMissesRising
                    exp_alerts: []
                  - eval_time: 5m
                    alertname: RtappDeadlineMissesRising
                    exp_alerts:
                      - exp_labels: { severity: warning, job: rtapp, instance: b, application: app }
                        exp_annotations: { summary: "b (app): 50 deadline misses in 5 minutes" }
                  - eval_time: 5m
                    alertname: RtappP99AboveDeadline
                    exp_alerts:
                      - exp_labels: { severity: warning, instance: b, application: app }
                        exp_annotations: { summary: "b (app): end-to-end p99 11.89ms is above the deadline" }
                  - eval_time: 2m
                    alertname: RtappBoardNotReporting
                    exp_alerts: []
                  - eval_time: 5m
                    alertname: RtappBoardNotReporting
                    exp_alerts:
                      - exp_labels: { severity: critical, job: rtapp, instance: c }
                        exp_annotations: { summary: "c stopped answering scrapes" }
            """);
        var test = Rtapp.Exec(promtool, TimeSpan.FromMinutes(2), null, "test", "rules", Path.Combine(_dir, "rules.test.yml"));
        Assert.True(test.ExitCode == 0, test.ToString());
    }
}
