using System;
using System.Linq;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// `rtapp safe`, the bundle's ExecStopPost: it opens only the outputs the profile's application drives
/// (no model, no camera: it needs no assets; of an app graph only its sinks are built), writes their safe values from the profile, and exits
/// 0; a profile it cannot use is exit 2 with one line naming the problem.
/// </summary>
public sealed class SafeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    // No assets at all: `rtapp safe` must not need the model or the video.
    private static RtappResult Safe(params string[] args) =>
        Rtapp.Run(Timeout, new System.Collections.Generic.Dictionary<string, string> { ["RTAPP_ASSETS"] = "/nonexistent-assets" }, new[] { "safe" }.Concat(args).ToArray());

    [Fact]
    public void TheFaceTrackersServosGoToTheProfilesSafeAngles()
    {
        // Safe angles moved off centre: the pulse widths follow the profile, not a default.
        var r = Safe("--board", "sim", "--set", "pwm[0].safe_angle_deg=15", "--set", "pwm[1].safe_angle_deg=-30");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal(new[]
        {
            "rtapp safe: sim / face-tracker: outputs driven to their safe values (simulated)",
            // pan: -45..45° over 1000..2000 µs, 15° → 1666.7 µs = duty 0.0833 at 50 Hz; tilt: -30..30°, -30° → 1000 µs.
            // The face tracker is a graph: its servo sink says what it drove.
            "  servos: pwm[0] 'pan' at 15 deg (duty 0.0833, 1667 µs at 50 Hz)",
            "  servos: pwm[1] 'tilt' at -30 deg (duty 0.0500, 1000 µs at 50 Hz)",
        }, lines);
    }

    [Fact]
    public void TheLineFollowersMotorsStop()
    {
        // A graph application: only its motor sink is built (its model and the rendered track are not needed, nor the assets).
        var r = Safe("--board", "sim", "--demo", "line-follower", "--set", "pwm[1].max_pulse_us=2200");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.Contains("  motors: pwm[0] 'left-motor' at 0 (duty 0.0750, 1500 µs at 50 Hz)", r.Stdout);
        // Stop is halfway between the pulse limits: 1600 µs for 1000..2200.
        Assert.Contains("  motors: pwm[1] 'right-motor' at 0 (duty 0.0800, 1600 µs at 50 Hz)", r.Stdout);
    }

    [Fact]
    public void TheVoiceRelayOpens()
    {
        // The voice relay is a graph: its relay is the gpio-relay node (app.nodes[5]); its timeline drives nothing.
        var r = Safe("--board", "sim", "--demo", "voice-relay", "--set", "app.nodes[5].config.active_high=false");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("rtapp safe: sim / voice-relay: outputs driven to their safe values (simulated)", r.Stdout);
        Assert.Matches(@"\n  relay: [^\n]*line 17[^\n]*high[^\n]*de-energised", r.Stdout);
    }

    [Fact]
    public void AGraphApplicationsServosGoSafeWithoutItsModelOrVideo()
    {
        // The graph names a model and a video; neither is there, and only the sinks are built.
        string board = System.IO.Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "samples", "profiles", "face-pan-tilt.json");
        var r = Safe("--board", board, "--assets", "/nonexistent", "--set", "pwm[1].safe_angle_deg=-30");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
        Assert.Equal(new[]
        {
            "rtapp safe: face-pan-tilt / face-pan-tilt: outputs driven to their safe values (simulated)",
            "  pan: pwm[0] 'pan' at 0 deg (duty 0.0750, 1500 µs at 50 Hz)",
            "  tilt: pwm[1] 'tilt' at -30 deg (duty 0.0500, 1000 µs at 50 Hz)",
        }, r.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public void AGraphApplicationsRelayOpensWithoutItsModelOrVideo()
    {
        string board = System.IO.Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "samples", "profiles", "face-presence.json");
        var r = Safe("--board", board, "--assets", "/nonexistent");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("  relay: gpio chip 0 line 17 low (relay open, de-energised)", r.Stdout);
    }

    [Fact]
    public void QuietPrintsNothing()
    {
        var r = Safe("--board", "sim", "--quiet");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stdout + r.Stderr);
    }

    [Fact]
    public void ABoardWhosePwmChipIsMissingIsOneClearError()
    {
        // rpi5's servos are on /sys/class/pwm/pwmchip2, which this machine does not have.
        var r = Safe("--board", "rpi5");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("rtapp: error: boards/rpi5.json (built in): app.nodes[5].config.pwm: pwm[0] 'pan', pwm[1] 'tilt' cannot be opened: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AnUnknownBoardOrDemoIsBadInput()
    {
        var r = Safe("--board", "no-such-board");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("rtapp: error: --board no-such-board: no such board", r.Stderr);
        r = Safe("--board", "sim", "--demo", "juggler");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("rtapp: unknown demo 'juggler'", r.Stderr);
    }
}
