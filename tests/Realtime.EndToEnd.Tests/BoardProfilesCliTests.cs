using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The board profiles through the published binary: `rtapp boards` lists every shipped profile
/// as valid, `--show` resolves inheritance and overrides, an overlay file runs the sim demo, and
/// each mistake in a board's plan stops the run with one message naming the field (exit 2).
/// </summary>
public sealed class BoardProfilesCliTests
{
    private static readonly string[] Shipped = { "generic-x86", "generic-x86-pca9685", "jetson-orin-nano", "rpi4", "rpi4-tracker-15hz", "rpi5", "sim" };

    [Fact]
    public void BoardsListsEveryShippedProfileAsValid()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), "boards");
        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.Stdout.Split('\n').Where(l => Shipped.Any(n => l.StartsWith(n + " ", StringComparison.Ordinal))).ToArray();
        Assert.Equal(Shipped, rows.Select(l => l.Split(' ')[0]).ToArray());
        Assert.DoesNotContain("(invalid)", r.Stdout);
        Assert.Contains(rows, l => l.StartsWith("rpi5 ", StringComparison.Ordinal) && l.Contains(" arm64 ") && l.Contains(" 20 ms "));
    }

    [Fact]
    public void ShowResolvesTheOverlayAndTheOverrides()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), "boards", "--show", "rpi4-tracker-15hz", "--set", "timing.frames=5", "--set", "pwm[1].safe_angle_deg=-10");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var j = doc.RootElement;
        Assert.False(j.TryGetProperty("extends", out _));
        Assert.Equal("rpi4-tracker-15hz", j.GetProperty("name").GetString());
        Assert.Equal(15, j.GetProperty("timing").GetProperty("rate_hz").GetDouble());
        Assert.Equal(5, j.GetProperty("timing").GetProperty("frames").GetInt32());
        Assert.Equal(30, j.GetProperty("timing").GetProperty("warmup_frames").GetInt32());   // rpi4's
        Assert.Equal(12, j.GetProperty("pwm")[0].GetProperty("pin").GetInt32());             // rpi4's
        Assert.Equal(-10, j.GetProperty("pwm")[1].GetProperty("safe_angle_deg").GetDouble());
        Assert.Equal("arm64", j.GetProperty("arch").GetString());
    }

    [Fact]
    public void AnOverlayFileOnTheSimBoardRunsTheDemoWithItsOwnNameAndPolicy()
    {
        string dir = Rtapp.TempDir();
        string overlay = Path.Combine(dir, "sim-strict.json");
        File.WriteAllText(overlay, """
            {
              // A user's overlay: the built-in sim board, a stricter miss policy, a short run.
              "extends": "sim",
              "name": "sim-strict",
              "watchdog": { "miss_policy": "safe-state" },
              "timing": { "frames": 20 }
            }
            """);
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", overlay, "--set", "timing.warmup_frames=3", "--no-rt", "--no-floor", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("sim-strict", j.GetProperty("board").GetString());
        Assert.Equal(20, j.GetProperty("frames").GetInt32());
        Assert.Equal(3, j.GetProperty("warmup_frames").GetInt32());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
    }

    private static void AssertOneError(RtappResult r, params string[] parts)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        string[] lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one message:\n" + r);
        Assert.StartsWith("rtapp: error: ", lines[0]);
        foreach (string p in parts) Assert.Contains(p, lines[0]);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    private static RtappResult RunRpi5With(string set) =>
        Rtapp.Run(TimeSpan.FromSeconds(60), "run", "--board", "rpi5", "--set", set, "--frames", "5", "--no-rt");

    [Fact]
    public void AnUnknownPinIsOneMessage() =>
        AssertOneError(RunRpi5With("pwm[0].pin=40"), "boards/rpi5.json (built in) with --set pwm[0].pin=40", "pwm[0].pin: pin 40 is not in the board's header pin map");

    [Fact]
    public void APinUsedTwiceIsOneMessage() =>
        AssertOneError(RunRpi5With("pwm[1].pin=32"), "pwm[1].pin: pin 32 is used twice");

    [Fact]
    public void ACoreTheBoardLacksIsOneMessage() =>
        AssertOneError(RunRpi5With("threads.pipeline.cores=[4]"), "threads.pipeline.cores: core 4 does not exist on a 4-core board");

    [Fact]
    public void ADeadlineLongerThanThePeriodIsOneMessage() =>
        AssertOneError(RunRpi5With("timing.deadline_us=40000"), "timing.deadline_us: 40000 µs is longer than the period (33333 µs at 30 Hz)");

    [Fact]
    public void BudgetsBeyondTheDeadlineAreOneMessage() =>
        AssertOneError(RunRpi5With("timing.budgets_us.infer=17000"), "timing.budgets_us: stage budgets add up to 21600 µs, more than the 20000 µs deadline");

    [Fact]
    public void AMalformedSetNamesTheKey() =>
        AssertOneError(RunRpi5With("pwm[7].chip=0"), "--set pwm[7].chip: pwm has 2 entries");

    [Fact]
    public void AValidRealBoardNamesTheCameraAndTheOutputsThisMachineLacks()
    {
        // rpi5 validates here; its face-tracker graph has no camera and no PWM chip 2 on this
        // machine: each node names its own field, and nothing crashes.
        var r = Rtapp.Run(TimeSpan.FromSeconds(60), "run", "--board", "rpi5", "--frames", "5", "--no-rt");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("rtapp: error: boards/rpi5.json (built in): app.nodes[0].config.device: camera /dev/video0: no such device (is the camera plugged in?", r.Stderr);
        Assert.Contains("rtapp: error: boards/rpi5.json (built in): app.nodes[5].config.pwm: pwm[0] 'pan', pwm[1] 'tilt' cannot be opened:", r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }

    [Fact]
    public void ANodeThatIsNotAV4l2CameraIsOneMessageNamingIt()
    {
        // /dev/null is a real character device: the real VIDIOC_QUERYCAP answers ENOTTY.
        var r = RunRpi5With("app.nodes[0].config.device=/dev/null");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("app.nodes[0].config.device: camera /dev/null: not a V4L2 device (VIDIOC_QUERYCAP:", r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }

    [Theory]
    [InlineData("model", "an onnx-model node of the app graph carries its model")]
    [InlineData("camera", "a source node of the app graph carries its camera")]
    public void AnOldProfilesTopLevelModelOrCameraSectionIsOneMessageSayingWhereItMoved(string section, string movedTo)
    {
        // A profile written before the split: its section is refused by name, before anything is built, for every command that loads it.
        string old = Path.Combine(Rtapp.TempDir(), "old.json");
        File.WriteAllText(old, $$"""{ "extends": "sim", "{{section}}": { "path": "models/face_detection_front_128x128_barracuda.onnx" } }""");
        foreach (string command in new[] { "run", "check", "bundle" })
            AssertOneError(Rtapp.Run(TimeSpan.FromSeconds(60), command, "--board", old), old, $": {section}: the top-level {section} section is gone: {movedTo}");
    }

    [Fact]
    public void AnUnknownCameraFormatIsNamedByTheCameraNodesField()
    {
        // Checked when the graph is built (with every other node's problem on this machine, such as rpi5's PWM chips): one line for it, exit 2.
        var r = RunRpi5With("app.nodes[camera].config.format=rgb24");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("app.nodes[0].config.format: must be one of yuyv, nv12, grey, mjpeg, got 'rgb24'", r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }
}
