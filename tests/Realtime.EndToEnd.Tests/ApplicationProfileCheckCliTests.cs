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
    public void TheFaceTrackersNeedIsItsNodesCheckInEveryCommand(string command)
    {
        // The face tracker is a graph: its servo sink names the outputs the board lacks.
        var r = Rtapp(command, "--board", "sim", "--set", "pwm=null");
        // check reports the graph's problems as a failed item (exit 1); run and safe refuse the profile (exit 2).
        Assert.True(r.ExitCode == (command == "check" ? 1 : 2), r.ToString());
        Assert.Contains("boards/sim.json (built in) with --set pwm=null: app.nodes[5].config.pwm[0]: the board has 0 pwm outputs", command == "check" ? r.Stdout : r.Stderr);
        Assert.DoesNotContain("Unhandled", r.Stderr);
    }

    [Fact]
    public void AnotherApplicationDoesNotInheritIt()
    {
        var r = Rtapp("safe", "--board", "sim", "--demo", "voice-relay", "--set", "pwm=null");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("rtapp safe: sim / voice-relay: outputs driven to their safe values", r.Stdout);
    }
}
