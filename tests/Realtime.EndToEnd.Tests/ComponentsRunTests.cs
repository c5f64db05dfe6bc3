using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A profile-only tracker from the built-in components (a crop of the camera's centre, stretched
/// into BlazeFace, one PID per axis on the best face's centre, a servo per axis on the board's
/// pwm[]) runs end to end through the published <c>rtapp</c> with 0 B per frame; a crop that does
/// not fit the camera's image is one line naming its field, exit 2.
/// </summary>
public sealed class ComponentsRunTests : IDisposable
{
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

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static double Figure(JsonElement report, string node, string figure) =>
        report.GetProperty("nodes").GetProperty(node).GetProperty(figure).GetDouble();

    [Fact]
    public void AProfileOnlyPanTiltTrackerOfBuiltInComponentsDrivesItsServosWithoutAllocating()
    {
        const int frames = 150, warmup = 5;
        string report = Path.Combine(TempDir(), "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", Sample("face-pan-tilt.json"), "--frames", $"{frames}", "--warmup", $"{warmup}",
            "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement j = doc.RootElement;
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());
        Assert.Equal(frames + warmup, Figure(j, "centre", "frames"));
        Assert.True(Figure(j, "pan-pid", "updates") > frames / 2, "the pan PID saw no face in most frames");
        Assert.Equal(Figure(j, "pan-pid", "updates"), Figure(j, "tilt-pid", "updates"));
        Assert.Equal(frames + warmup, Figure(j, "pan", "writes"));
        Assert.Equal(frames + warmup, Figure(j, "tilt", "writes"));
        Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
    }

    [Fact]
    public void ACropOutsideTheCamerasImageIsOneLineNamingTheFieldExit2()
    {
        string dir = TempDir();
        string profile = Path.Combine(dir, "bad-crop.json");
        File.WriteAllText(profile, File.ReadAllText(Sample("face-pan-tilt.json"))
            .Replace("\"x\": 40, \"y\": 0, \"width\": 240, \"height\": 240", "\"x\": 200, \"y\": 0, \"width\": 240, \"height\": 240", StringComparison.Ordinal)
            .Replace("\"../../boards/profile.schema.json\"", "\"x\"", StringComparison.Ordinal));
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "5", "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rtapp: error: {profile}", line);
        Assert.EndsWith("app.nodes[1].config.width: the region 200,0 240x240 does not fit the 320x240 image of camera.image", line);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }
}
