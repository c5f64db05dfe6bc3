using Realtime.Core.Graph;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Graph;

/// <summary>Outputs claimed across the loops of one host: a second loop's sink cannot take an output another loop's holds.</summary>
public sealed class OutputClaimsTests
{
    [Fact]
    public void ASecondLoopsClaimOnAnOutputIsRefusedNamingTheNodeAndLoopThatHoldIt()
    {
        var claims = new OutputClaims();
        var board = new BoardProfile { Name = "b" };
        using var tracker = new ComponentContext(board, "b.json") { HostClaims = claims, LoopName = "tracker" };
        using var lines = new ComponentContext(board, "b.json") { HostClaims = claims, LoopName = "lines" };
        Assert.Null(tracker.Claim("pwmchip 0 channel 0", "servos"));
        // The same node claiming again is no conflict; another output is free.
        Assert.Null(tracker.Claim("pwmchip 0 channel 0", "servos"));
        Assert.Null(lines.Claim("pwmchip 0 channel 2", "motors"));
        // Set inside a message's quotes: "already driven by node 'servos' of loop 'tracker'".
        Assert.Equal("servos' of loop 'tracker", lines.Claim("pwmchip 0 channel 0", "motors"));
        // Within one loop the graph's own holder is named, as before.
        Assert.Equal("servos", tracker.Claim("pwmchip 0 channel 0", "other"));
    }

    [Fact]
    public void WithoutHostClaimsTwoBuildsDoNotSeeEachOther()
    {
        var board = new BoardProfile { Name = "b" };
        using var a = new ComponentContext(board, "b.json");
        using var b = new ComponentContext(board, "b.json");
        Assert.Null(a.Claim("gpio chip 0 line 17", "relay"));
        Assert.Null(b.Claim("gpio chip 0 line 17", "relay"));
    }
}
