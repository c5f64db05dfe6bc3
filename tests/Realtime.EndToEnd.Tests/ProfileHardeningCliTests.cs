using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// Issue 17's crashes through the binary: each is now exit 2 with one line naming the file and field
/// (or, for <c>rtapp check</c>, a failed item), never exit 134 with a stack trace.
/// </summary>
public sealed class ProfileHardeningCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>BlazeFace's back model (256×256 input) in the face tracker's model node, whose preprocessing makes 128×128 tensors.</summary>
    private static readonly string[] BackModel =
    {
        "--set", "app.nodes[blazeface].config.path=models/face_detection_back_256x256_barracuda.onnx", "--set", "app.nodes[blazeface].config.sha256=null",
    };

    private static void AssertOneError(RtappResult r, params string[] parts)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        foreach (string p in parts) Assert.Contains(p, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ADetectorWhoseInputDoesNotFitItsPreprocessingIsRefusedAtLoad()
    {
        var args = new System.Collections.Generic.List<string> { "run", "--frames", "5", "--warmup", "0", "--no-rt", "--no-floor", "--report", Path.Combine(Rtapp.TempDir(), "r.json") };
        args.AddRange(BackModel);
        AssertOneError(Rtapp.Run(Timeout, args.ToArray()),
            "rtapp: error: boards/sim.json (built in) with --set",
            "app.connections[1] (pre.tensor → blazeface.input_0): tensor float32 [1,128,128,3] cannot flow into tensor float32 [1,256,256,3]");
    }

    [Fact]
    public void CheckDoesNotSayReadyForADetectorThatDoesNotFit()
    {
        var args = new System.Collections.Generic.List<string> { "check", "--board", "sim" };
        args.AddRange(BackModel);
        var r = Rtapp.Run(Timeout, args.ToArray());
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("app.connections[1] (pre.tensor → blazeface.input_0): tensor float32 [1,128,128,3] cannot flow into tensor float32 [1,256,256,3]", r.Stdout, StringComparison.Ordinal);
        var ok = Rtapp.Run(Timeout, "check", "--board", "sim");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.DoesNotContain("cannot flow into", ok.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInjectionPastTheRunIsRefused()
    {
        var r = Rtapp.Run(Timeout, "run", "--frames", "10", "--warmup", "2", "--no-rt", "--no-floor", "--inject", "crash:decode:at=999");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal("rtapp: --inject: fault 'crash:decode' starts at frame 999, after the run's last frame 11 (frames count from 0, warm-up included): it would never fire",
            r.Stderr.Split('\n')[0]);
    }

    [Theory]
    [InlineData("timing=null")]
    [InlineData("timing.rate_hz=1e400")]
    [InlineData("watchdog.stall_timeout_us=9223372036854775807")]
    [InlineData("timing.frames=2147483647")]
    [InlineData("camera={\"kind\":\"\\ud800\"}")]
    [InlineData("pwm[0]=null")]
    [InlineData("threads.pipeline.cores=null")]
    public void BoardsShowNeverCrashesOnValuesThatUsedTo(string set)
    {
        var r = Rtapp.Run(Timeout, "boards", "--show", "sim", "--set", set);
        Assert.True(r.ExitCode is 0 or 2, r.ToString());
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        if (r.ExitCode == 2) Assert.Single(r.Stderr.Trim().Split('\n'));
        else Assert.Empty(ProfileInvariants.Check((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!));
    }

    [Fact]
    public void ABoardFileThatIsADeviceOrFifoIsRefusedWithoutHanging()
    {
        string dir = Rtapp.TempDir();
        string fifo = Path.Combine(dir, "board.json");
        using (var mk = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!) mk.WaitForExit();
        AssertOneError(Rtapp.Run(Timeout, "boards", "--show", fifo), fifo, "(file): is empty or not a regular file");
        AssertOneError(Rtapp.Run(Timeout, "boards", "--show", "/dev/zero"), "/dev/zero", "(file): is empty or not a regular file");
    }
}
