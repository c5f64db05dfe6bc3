using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Runs that can be compared, through the published binary: every report's metadata, <c>bench
/// --baseline</c> (table, page, and the tail test against baselines whose answer is certain),
/// <c>--slo</c> with its exit codes, and journald priorities on every line.
/// </summary>
public sealed class RunComparisonTests
{
    private static readonly string[] Small = { "--frames", "64", "--warmup", "4", "--no-rt" };

    private static RtappResult Bench(string report, params string[] more) =>
        Rtapp.Run(TimeSpan.FromMinutes(3), new[] { "bench" }.Concat(Small).Concat(new[] { "--report", report }).Concat(more).ToArray());

    /// <summary>A baseline made from a real bench report with every frame's latency set to <paramref name="ns"/>.</summary>
    private static string Baseline(string dir, string real, long ns)
    {
        var root = JsonNode.Parse(File.ReadAllText(real))!.AsObject();
        var samples = new JsonArray();
        for (int i = 0; i < 2000; i++) samples.Add(ns);
        root["bench"]!["end_to_end_ns"] = samples;
        string path = Path.Combine(dir, $"baseline-{ns}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static void AssertMetadata(JsonElement j, string modelFile)
    {
        Assert.Equal(1, j.GetProperty("schema_version").GetInt32());
        var at = DateTime.ParseExact(j.GetProperty("timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.True(Math.Abs((DateTime.UtcNow - at).TotalHours) < 1, $"timestamp {at:o} is not this run's");
        var machine = j.GetProperty("machine");
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), machine.GetProperty("host").GetString());
        Assert.False(string.IsNullOrEmpty(machine.GetProperty("cpu_model").GetString()), "cpu_model is empty");
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), machine.GetProperty("kernel").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", j.GetProperty("onnxruntime_version").GetString());
        string expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Realtime.Tests.TestAssets.Get("models/" + modelFile))));
        Assert.Equal(expected, j.GetProperty("model_sha256").GetProperty(modelFile).GetString());
        // The commit is the one the binary says it was built from (absent when the build recorded none).
        var version = Rtapp.Run(TimeSpan.FromSeconds(30), "--version");
        string? commit = version.Stdout.Contains("(commit ", StringComparison.Ordinal) ? version.Stdout.Split("(commit ")[1].TrimEnd().TrimEnd(')') : null;
        Assert.Equal(commit, j.TryGetProperty("commit", out var c) ? c.GetString() : null);
    }

    [Fact]
    public void RunAndBenchReportsCarryTheirMetadata()
    {
        string dir = Rtapp.TempDir();
        string run = Path.Combine(dir, "run.json"), bench = Path.Combine(dir, "bench.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", "sim", "--frames", "5", "--warmup", "0", "--no-rt", "--no-floor", "--quiet", "--report", run);
        Assert.True(r.ExitCode == 0, r.ToString());
        var b = Bench(bench);
        Assert.True(b.ExitCode == 0, b.ToString());
        using var runDoc = JsonDocument.Parse(File.ReadAllText(run));
        using var benchDoc = JsonDocument.Parse(File.ReadAllText(bench));
        string model = runDoc.RootElement.GetProperty("model").GetString()!;
        AssertMetadata(runDoc.RootElement, model);
        AssertMetadata(benchDoc.RootElement, model);
        // The bench keeps every counted frame's latency for a later --baseline.
        Assert.Equal(64, benchDoc.RootElement.GetProperty("bench").GetProperty("end_to_end_ns").GetArrayLength());
    }

    [Fact]
    public void ABaselineFarFasterIsFoundSlowerAndOneFarSlowerFaster()
    {
        string dir = Rtapp.TempDir();
        string first = Path.Combine(dir, "first.json");
        Assert.Equal(0, Bench(first).ExitCode);

        // Every baseline frame at 1 µs: no real frame through a model is that fast.
        string now = Path.Combine(dir, "now.json");
        var r = Bench(now, "--baseline", Baseline(dir, first, 1_000));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Against the baseline", r.Stdout);
        foreach (string row in new[] { "p50, µs", "p90, µs", "p99, µs", "p99.9, µs", "max, µs", "deadline misses", "frames" }) Assert.Contains(row, r.Stdout);
        Assert.Contains("p99 moved beyond noise: slower", r.Stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(now)))
        {
            var tail = doc.RootElement.GetProperty("bench").GetProperty("baseline").GetProperty("tail");
            Assert.True(tail.GetProperty("moved").GetBoolean());
            Assert.Equal("slower", tail.GetProperty("direction").GetString());
            Assert.Equal(2000, doc.RootElement.GetProperty("bench").GetProperty("baseline").GetProperty("baseline").GetProperty("count").GetInt32());
        }
        string page = File.ReadAllText(Path.ChangeExtension(now, ".html"));
        Assert.Contains("Against the baseline", page);
        Assert.Contains("data-baseline-moved=\"true\"", page);
        Assert.Contains("data-series-count=\"2\"", page);

        // Every baseline frame at 10 s: this run is faster.
        var faster = Bench(Path.Combine(dir, "again.json"), "--baseline", Baseline(dir, first, 10_000_000_000));
        Assert.True(faster.ExitCode == 0, faster.ToString());
        Assert.Contains("p99 moved beyond noise: faster", faster.Stdout);
    }

    [Fact]
    public void AnSloMetMissedOrUnprovenExitsWithItsDocumentedCode()
    {
        string dir = Rtapp.TempDir();
        var met = Bench(Path.Combine(dir, "met.json"), "--slo", "max<=100s");
        Assert.True(met.ExitCode == 0, met.ToString());
        Assert.Contains("SLO max<=100s: met", met.Stdout);

        var missed = Bench(Path.Combine(dir, "missed.json"), "--slo", "p50<1us");
        Assert.True(missed.ExitCode == 9, missed.ToString());
        Assert.Contains("SLO p50<1us: missed", missed.Stdout);

        // 64 frames, none over 100 s: p99 holds, but LoadGen's rule needs 459 frames to claim it.
        string unproven = Path.Combine(dir, "few.json");
        var few = Bench(unproven, "--slo", "p99<=100s");
        Assert.True(few.ExitCode == 10, few.ToString());
        Assert.Contains("at least 459 frames are needed with 0 over", few.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(unproven));
        Assert.Equal("too-few", doc.RootElement.GetProperty("bench").GetProperty("slo").GetProperty("result").GetString());
        Assert.Equal(459, doc.RootElement.GetProperty("bench").GetProperty("slo").GetProperty("frames_needed").GetInt64());
    }

    [Theory]
    [InlineData("--slo", "p99.9<=15", "rtapp: --slo: ")]
    [InlineData("--slo", "p999<=15ms", "the percentile must be between 0 and 100")]
    [InlineData("--baseline", "/nonexistent/old.json", "rtapp: error: /nonexistent/old.json: cannot read the baseline")]
    [InlineData("--baseline", "/dev/zero", "rtapp: error: /dev/zero: cannot read the baseline: it is empty or not a regular file")]
    public void BadSloOrBaselineIsExitTwoNamingIt(string option, string value, string expected)
    {
        var r = Bench(Path.Combine(Rtapp.TempDir(), "x.json"), option, value);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(expected, r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }

    [Fact]
    public void ARunReportIsNoBaselineAndSaysWhichFieldIsMissing()
    {
        string dir = Rtapp.TempDir();
        string run = Path.Combine(dir, "run.json");
        Assert.Equal(0, Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", "sim", "--frames", "3", "--warmup", "0", "--no-rt", "--no-floor", "--quiet", "--report", run).ExitCode);
        var r = Bench(Path.Combine(dir, "x.json"), "--baseline", run);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains($"{run}: bench.end_to_end_ns: missing", r.Stderr);
    }

    [Fact]
    public void UnderJournaldEveryLineCarriesItsPriority()
    {
        var env = new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:12345" };
        // A warning (a missing hardware watchdog is a note), then the summary on stdout.
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), env, "run", "--board", "sim", "--frames", "5", "--warmup", "0", "--no-rt", "--no-floor",
            "--set", "watchdog.hardware_device=/dev/watchdog-not-here");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("<4>rtapp: note: /dev/watchdog-not-here: No such file or directory (errno 2)", r.Stderr);
        var outLines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(outLines);
        Assert.All(outLines, l => Assert.StartsWith("<6>", l));
        Assert.All(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches("^<[3467]>rtapp: ", l));

        // An error, and its hint, at priority 3.
        var bad = Rtapp.Run(TimeSpan.FromSeconds(30), env, "run", "--frames", "x");
        Assert.Equal(2, bad.ExitCode);
        var errLines = bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errLines.Length);
        Assert.StartsWith("<3>rtapp: ", errLines[0]);
        Assert.Equal("<3>Try 'rtapp help'.", errLines[1]);

        // Without JOURNAL_STREAM nothing changes.
        var plain = Rtapp.Run(TimeSpan.FromSeconds(30), "run", "--frames", "x");
        Assert.StartsWith("rtapp: ", plain.Stderr);
    }
}
