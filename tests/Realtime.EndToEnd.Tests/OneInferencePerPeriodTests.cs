using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Instruments stay off the production path: <c>rtapp run</c>, and the service a bundle installs,
/// run the model once per period (the engine's own run count, in the report); the model-alone
/// floor runs only when <c>--floor</c> asks for it.
/// </summary>
public sealed class OneInferencePerPeriodTests : IDisposable
{
    private const int Frames = 40, Warmup = 6;
    private readonly List<string> _dirs = new();

    private string TempDir()
    {
        string d = Rtapp.TempDir();
        _dirs.Add(d);
        return d;
    }

    public void Dispose()
    {
        foreach (string d in _dirs) if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }

    private static JsonElement Report(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static bool HasFloor(JsonElement j) => j.TryGetProperty("floor", out var f) && f.ValueKind != JsonValueKind.Null;

    [Theory]
    [InlineData("face-tracker")]
    [InlineData("voice-relay")]
    [InlineData("line-follower")]
    public void RunInfersOncePerPeriodAndMeasuresNoFloor(string demo)
    {
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--demo", demo, "--frames", $"{Frames}", "--warmup", $"{Warmup}", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal(Frames, j.GetProperty("frames").GetInt32());
        Assert.Equal(Frames + Warmup, j.GetProperty("model_runs").GetInt64());
        Assert.False(HasFloor(j), "no --floor, yet the report has a floor");
        Assert.DoesNotContain("model alone", r.Stdout);
    }

    [Fact]
    public void FloorRunsTheModelASecondTimeEachPeriodOnlyWhenAsked()
    {
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--frames", $"{Frames}", "--warmup", $"{Warmup}", "--floor", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal(2 * (Frames + Warmup), j.GetProperty("model_runs").GetInt64());
        Assert.Equal(Frames, j.GetProperty("floor").GetProperty("count").GetInt32());
        Assert.Contains("model alone", r.Stdout);
    }

    [Fact]
    public void AFloorAskedOfAModelThatCarriesStateIsRefusedAloudAndTheModelStillRunsOncePerPeriod()
    {
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--demo", "voice-relay", "--frames", $"{Frames}", "--warmup", $"{Warmup}", "--floor", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("no floor: ", r.Stderr);
        Assert.Contains("carries state", r.Stderr);
        var j = Report(report);
        Assert.Equal(Frames + Warmup, j.GetProperty("model_runs").GetInt64());
        Assert.False(HasFloor(j));
    }

    [Fact]
    public void TheBundledServiceInfersOncePerPeriod()
    {
        string dir = TempDir();
        string bundle = Bundles.Make(Path.Combine(dir, "out"), out _, "--board", "sim");
        string execStart = Assert.Single(Bundles.UnitLines(bundle, "rtapp-sim.service"), l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
        string[] words = execStart.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/opt/rtapp/sim/bin/rtapp", words[0]);
        Assert.DoesNotContain("--floor", words);

        // The unit's own arguments, with the bundle where the installer would put it and the report in this test's folder;
        // only the run's length is added (the service runs the profile's 900 frames).
        string report = Path.Combine(dir, "report.json");
        var args = words.Skip(1).Select(w => w.StartsWith("/opt/rtapp/sim/", StringComparison.Ordinal) ? Path.Combine(bundle, w["/opt/rtapp/sim/".Length..])
            : w == "/var/lib/rtapp-sim/report.json" ? report : w).ToList();
        Assert.DoesNotContain(args, a => a.StartsWith("/opt/", StringComparison.Ordinal) || a.StartsWith("/var/", StringComparison.Ordinal));
        args.AddRange(new[] { "--frames", $"{Frames}", "--warmup", $"{Warmup}" });
        var r = Rtapp.Exec(Path.Combine(bundle, "bin", "rtapp"), TimeSpan.FromMinutes(3), null, args.ToArray());
        Assert.True(r.ExitCode == 0, r.ToString());
        var j = Report(report);
        Assert.Equal(Frames + Warmup, j.GetProperty("model_runs").GetInt64());
        Assert.False(HasFloor(j), "the service's run measured a floor");
    }
}
