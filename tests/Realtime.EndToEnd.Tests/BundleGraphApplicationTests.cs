using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp bundle --demo NAME</c> of a graph application: every file its nodes reference (as each
/// component declares them) ships, and the bundle's own unit command runs it from the unpacked
/// bundle alone (an empty assets folder in the environment, a bare working folder).
/// </summary>
public sealed class BundleGraphApplicationTests : IDisposable
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
        foreach (string d in _dirs)
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
    }

    [Theory]
    // The voice relay's timeline reads the phrase times beside the recording: a declared file no config field names.
    [InlineData("voice-relay", 40, new[] { "models/silero_vad.onnx", "audio/speech-relay.wav", "audio/speech-relay.csv" })]
    [InlineData("line-follower", 12, new[] { "models/mlsd_320x320_tiny.onnx" })]
    public void TheBundleShipsEveryFileTheGraphReferencesAndItsUnitRunsItFromTheBundleAlone(string demo, int frames, string[] files)
    {
        string b = Bundles.Make(TempDir(), out var made, "--board", "sim", "--demo", demo, "--assets", TestAssets.Dir);
        foreach (string f in files) Assert.True(File.Exists(Path.Combine(b, "assets", f)), $"{f} not in the bundle: {made}");
        // The shipped profile carries the application and its graph: the unit names no --demo.
        string profile = File.ReadAllText(Path.Combine(b, "boards", "sim.json"));
        using (var doc = JsonDocument.Parse(profile))
        {
            Assert.Equal(demo, doc.RootElement.GetProperty("demo").GetString());
            Assert.True(doc.RootElement.GetProperty("app").GetProperty("nodes").GetArrayLength() > 0);
        }

        // The unit's ExecStart, with the install prefix being where the bundle was unpacked and the report in a temp folder.
        string execStart = Bundles.UnitLines(b, "rtapp-sim.service").Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
        string report = Path.Combine(TempDir(), "report.json");
        string[] argv = execStart.Replace("/opt/rtapp/sim", b, StringComparison.Ordinal).Replace("/var/lib/rtapp-sim/report.json", report, StringComparison.Ordinal).Split(' ');
        Assert.Equal(Path.Combine(b, "bin", "rtapp"), argv[0]);
        string empty = TempDir();
        var env = new Dictionary<string, string> { ["RTAPP_ASSETS"] = empty };
        var r = Rtapp.Exec(argv[0], TimeSpan.FromMinutes(3), env,
            argv.Skip(1).Concat(new[] { "--frames", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "--warmup", "2", "--no-rt", "--no-floor" }).ToArray());
        Assert.True(r.ExitCode == 0, r.ToString());
        using var run = JsonDocument.Parse(File.ReadAllText(report));
        var j = run.RootElement;
        Assert.Equal(demo, j.GetProperty("demo").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(frames, j.GetProperty("frames").GetInt32());
        Assert.Equal(frames + 2, j.GetProperty("model_runs").GetInt64());
    }

    [Fact]
    public void AReferencedFileMissingFromTheAssetsFolderIsRefusedByItsField()
    {
        // An assets folder with the model but not the phrase times the timeline reads beside the recording.
        string assets = TempDir();
        foreach (string f in new[] { "models/silero_vad.onnx", "audio/speech-relay.wav", "models/face_detection_front_128x128_barracuda.onnx", "video/Megamind.avi" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(assets, f))!);
            File.Copy(Path.Combine(TestAssets.Dir, f), Path.Combine(assets, f));
        }
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "bundle", "--board", "sim", "--demo", "voice-relay", "--assets", assets, "--out", TempDir());
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("app.nodes[6].config.recording: file not found: ", line);
        Assert.Contains("speech-relay.csv", line);
    }
}
