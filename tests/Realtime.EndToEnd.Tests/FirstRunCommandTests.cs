using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Tests;
using Xunit;

namespace Realtime.EndToEnd.Tests;

/// <summary><c>rtapp first-run MODEL</c>: the model alone in a fresh process, each step timed from the process's start.</summary>
public sealed class FirstRunCommandTests
{
    [Fact]
    public void TheRealModelIsLoadedAndRunOnceEachStepTimedFromALauncherStamp()
    {
        string report = Path.Combine(Rtapp.TempDir(), "first.json");
        // The launch time given as the bench gives it: CLOCK_MONOTONIC now (Stopwatch's clock on Linux, in ns), before the process starts.
        Assert.Equal(1_000_000_000, System.Diagnostics.Stopwatch.Frequency);
        var env = new Dictionary<string, string> { ["RTAPP_LAUNCH_MONO_NS"] = System.Diagnostics.Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), env, "first-run", TestAssets.BlazeFace128, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("face_detection_front_128x128_barracuda.onnx: first answer ", r.Stdout);
        Assert.Contains("start from launcher (RTAPP_LAUNCH_MONO_NS)", r.Stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("all", j.GetProperty("optimization").GetString());
        Assert.Equal(1, j.GetProperty("intra_op_threads").GetInt32());
        Assert.Equal(Path.GetFullPath(TestAssets.BlazeFace128), j.GetProperty("model").GetString());
        var c = j.GetProperty("cold_start_ms");
        double main = c.GetProperty("runtime_start").GetDouble(), loaded = c.GetProperty("process_to_model_loaded").GetDouble();
        double answered = c.GetProperty("process_to_first_actuation").GetDouble();
        // Orderings and parts, not times: each step after the one before, and the load holds ONNX Runtime's start.
        Assert.True(main > 0 && main < loaded && loaded < answered, c.ToString());
        Assert.True(c.GetProperty("model_load").GetDouble() > c.GetProperty("onnxruntime_init").GetDouble(), c.ToString());
        Assert.True(c.GetProperty("onnxruntime_init").GetDouble() > 0 && c.GetProperty("first_inference").GetDouble() > 0, c.ToString());
        // Nothing else ran: no outputs, no camera.
        Assert.Equal(0, c.GetProperty("process_to_outputs_safe").GetDouble());
        Assert.Equal(0, c.GetProperty("process_to_sources_open").GetDouble());
        Assert.Equal(new[] { "main", "model_loaded", "first_actuation" }, c.GetProperty("timeline").EnumerateArray().Select(m => m.GetProperty("phase").GetString()));
    }

    [Theory]
    [InlineData("long-ago", "s before this process started, not its launch")]
    [InlineData("future", "s in the future")]
    [InlineData("words", "'soon' is not a time in ns")]
    public void ALaunchStampThatIsNotThisLaunchsIsIgnoredAndSaidSo(string kind, string reason)
    {
        // A variable exported once and inherited by every later run must not make their start figures up.
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        string stamp = kind switch { "long-ago" => (now - 30_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), "future" => (now + 3_600_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), _ => "soon" };
        string report = Path.Combine(Rtapp.TempDir(), "first.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["RTAPP_LAUNCH_MONO_NS"] = stamp }, "first-run", TestAssets.BlazeFace128, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("start from /proc/self/stat", r.Stdout);
        Assert.Contains("RTAPP_LAUNCH_MONO_NS ignored: ", r.Stdout);
        Assert.Contains(reason, r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var c = doc.RootElement.GetProperty("cold_start_ms");
        // The kernel's start time instead: a start of a few ms to seconds, never 30 s or below zero.
        double main = c.GetProperty("runtime_start").GetDouble();
        Assert.True(main > -20 && main < 10_000, c.ToString());
        Assert.Contains("RTAPP_LAUNCH_MONO_NS ignored", c.GetProperty("process_start_source").GetString());
    }

    [Fact]
    public void AModelWithDynamicDimensionsRunsWithTheShapesGivenAndIsRefusedWithoutThem()
    {
        string vad = Path.Combine(TestAssets.Dir, "models", "silero_vad.onnx");
        var without = Rtapp.Run(TimeSpan.FromMinutes(1), "first-run", vad);
        Assert.Equal(2, without.ExitCode);
        Assert.Contains("input 'input' has shape [-1,-1] with dynamic dimension 1: give its shape (input=1xN)", without.Stderr);
        var with = Rtapp.Run(TimeSpan.FromMinutes(1), "first-run", vad, "--shape", "input=1x576,state=2x1x128");
        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Contains("silero_vad.onnx: first answer ", with.Stdout);
        var bad = Rtapp.Run(TimeSpan.FromMinutes(1), "first-run", vad, "--shape", "input=1xlots");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--shape: ", bad.Stderr);
    }

    [Theory]
    [InlineData("missing", "nope.onnx: model file not found")]
    [InlineData("text", "ONNX Runtime cannot load the model")]
    [InlineData("empty", "ONNX Runtime cannot load the model")]
    [InlineData("folder", "model file not found")]
    public void AModelThatIsNotOneIsOneLineAndExit2(string kind, string message)
    {
        string dir = Rtapp.TempDir();
        string model = Path.Combine(dir, "nope.onnx");
        if (kind == "text") File.WriteAllText(model, "not a model\n");
        if (kind == "empty") File.WriteAllBytes(model, Array.Empty<byte>());
        if (kind == "folder") Directory.CreateDirectory(model);
        string report = Path.Combine(dir, "first.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "first-run", model, "--report", report);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(report));
    }

    [Theory]
    [InlineData("--optimization", "fast", "--optimization must be one of disabled, basic, extended, all, got 'fast'")]
    [InlineData("--intra-op-threads", "0", "--intra-op-threads")]
    [InlineData("--report", "/proc/nope/first.json", "--report /proc/nope/first.json")]
    public void AWrongOptionIsRefusedBeforeAnythingLoads(string option, string value, string message)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "first-run", TestAssets.BlazeFace128, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("first answer", r.Stdout);
    }
}
