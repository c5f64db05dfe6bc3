using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Fixed micro-batches through the published <c>rtapp</c>: <c>rtapp batch</c> makes and verifies
/// BlazeFace-128 at a batch of 2 and prints the timing table; <c>rtapp run</c> runs two sim cameras
/// through it in one call per period at 0 B/frame; a batch the model cannot take is one line naming
/// <c>config.batch</c> and the shape: exit 2 from <c>rtapp batch</c> and <c>rtapp run</c>, a failed check from <c>rtapp check</c>.
/// </summary>
public sealed class BatchRunTests : IDisposable
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

    private static string Profile(string dir, string model, int batch = 2)
    {
        string text = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "face-batch2.json"))
            .Replace("models/face_detection_front_128x128_barracuda.batch2.onnx", model, StringComparison.Ordinal)
            .Replace("\"batch\": 2", $"\"batch\": {batch}", StringComparison.Ordinal)
            .Replace("\"../../boards/profile.schema.json\"", "\"x\"", StringComparison.Ordinal);
        string path = Path.Combine(dir, "face-batch.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TheBatchToolVerifiesAVariantThatTwoCamerasThenRunInOneCallPerPeriod()
    {
        const int frames = 40, warmup = 4;
        string dir = TempDir();
        string b2 = Path.Combine(dir, "blazeface.b2.onnx");
        var made = Rtapp.Run(TimeSpan.FromMinutes(3), "batch", TestAssets.BlazeFace128, "--size", "2", "--out", b2, "--runs", "20", "--assets", TestAssets.Dir);
        Assert.True(made.ExitCode == 0, made.ToString());
        Assert.True(File.Exists(b2));
        foreach (string output in new[] { "Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0" })
            Assert.Matches($@"  {output}: max difference \S+ \(scale \S+\): equal", made.Stdout);
        Assert.Contains("| 2 batch-1 calls |", made.Stdout);
        Assert.Contains("| 1 batch-2 call |", made.Stdout);
        Assert.Contains("| batch / calls |", made.Stdout);
        Assert.Contains("load average", made.Stdout);

        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", Profile(dir, b2), "--frames", $"{frames}", "--warmup", $"{warmup}",
            "--no-rt", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        // Two streams, one run per period.
        Assert.Equal(frames + warmup, j.GetProperty("nodes").GetProperty("blazeface").GetProperty("runs").GetDouble());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        foreach (string faces in new[] { "faces0", "faces1" })
            Assert.True(j.GetProperty("nodes").GetProperty(faces).GetProperty("frames_with_detections").GetDouble() > frames / 2, $"{faces} found no face in most frames");
    }

    [Fact]
    public void ABatchTheModelCannotTakeIsOneLineExitTwo()
    {
        string dir = TempDir();
        // The published BlazeFace is fixed at a batch of 1: an onnx-model with batch 2 is refused at load, by check and by run.
        string profile = Profile(dir, TestAssets.BlazeFace128);
        foreach (string command in new[] { "check", "run" })
        {
            var r = command == "check"
                ? Rtapp.Run(TimeSpan.FromMinutes(2), "check", "--board", profile, "--assets", TestAssets.Dir)
                : Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", profile, "--frames", "2", "--no-rt", "--assets", TestAssets.Dir);
            // run refuses the profile (exit 2); check lists the graph's build as a failed check (its "not ready", exit 1).
            Assert.True(r.ExitCode == (command == "run" ? 2 : 1), $"{command}: {r}");
            Assert.Contains("app.nodes[4].config.batch", r.Stderr + r.Stdout);
            Assert.Contains("input 'input:0' has shape [1,128,128,3]: its first (batch) dimension cannot take a batch of 2", r.Stderr + r.Stdout);
        }

        // The tool refuses a model whose first dimension is not a batch of 1, naming the input and its shape, and writes nothing.
        string b2 = Path.Combine(dir, "b2.onnx"), b4 = Path.Combine(dir, "b4.onnx");
        Assert.Equal(0, Rtapp.Run(TimeSpan.FromMinutes(3), "batch", TestAssets.BlazeFace128, "--size", "2", "--out", b2, "--runs", "5", "--assets", TestAssets.Dir).ExitCode);
        var refused = Rtapp.Run(TimeSpan.FromMinutes(2), "batch", b2, "--size", "4", "--out", b4, "--assets", TestAssets.Dir);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("input 'input:0' has shape [2,128,128,3]: its first dimension is 2, not a batch of 1", refused.Stderr);
        Assert.False(File.Exists(b4));
    }
}
