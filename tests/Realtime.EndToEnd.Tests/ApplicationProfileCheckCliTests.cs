using System;
using System.Linq;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The published binary asks the chosen application what it needs of the profile (Core's loader
/// knows no demo): the face tracker's two servos are its own need, so the same profile is one
/// clear line and exit 2 for the face tracker and fine for the voice relay.
/// </summary>
public sealed class ApplicationProfileCheckCliTests
{
    private static RtappResult Rtapp(params string[] args) =>
        Realtime.EndToEnd.Tests.Rtapp.Run(TimeSpan.FromMinutes(1),
            new System.Collections.Generic.Dictionary<string, string> { ["RTAPP_ASSETS"] = "/nonexistent-assets" }, args);

    [Theory]
    [InlineData("check")]
    [InlineData("safe")]
    [InlineData("run")]
    public void TheFaceTrackersNeedIsItsOwnCheckInEveryCommand(string command)
    {
        var r = Rtapp(command, "--board", "sim", "--set", "pwm=null");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal("rtapp: error: boards/sim.json (built in) with --set pwm=null: pwm: the face tracker needs exactly two PWM outputs (pan, tilt), got 0\n", r.Stderr);
    }

    [Fact]
    public void AnotherApplicationDoesNotInheritIt()
    {
        var r = Rtapp("safe", "--board", "sim", "--demo", "voice-relay", "--set", "pwm=null", "--set", "plant=null");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("rtapp safe: sim / voice-relay: outputs driven to their safe values", r.Stdout);
    }
}
