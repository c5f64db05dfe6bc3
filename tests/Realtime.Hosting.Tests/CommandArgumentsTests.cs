using System.Collections.Generic;

namespace Realtime.Hosting.Tests;

public sealed class CommandArgumentsTests
{
    private static readonly Dictionary<string, bool> Known = new() { ["frames"] = true, ["set"] = true, ["quiet"] = false, ["report"] = true };

    [Fact]
    public void ValuesFlagsEqualsFormsAndRepeatsAreRead()
    {
        var a = CommandArguments.Parse(new[] { "run", "--frames", "30", "--quiet", "--set", "a=1", "--set=b=2", "--report=r.json" }, Known);
        Assert.Equal("run", a.Command);
        Assert.Equal(30, a.GetInt("frames", 1, 100));
        Assert.True(a.Has("quiet"));
        Assert.Null(a.Get("quiet"));
        Assert.Equal(new[] { "a=1", "b=2" }, a.GetAll("set"));
        Assert.Equal("r.json", a.Get("report"));
        Assert.False(a.Has("nothing"));
    }

    [Theory]
    [InlineData("--fames", "unknown option '--fames' for 'run' (did you mean '--frames'?)")]
    [InlineData("--reprot", "unknown option '--reprot' for 'run' (did you mean '--report'?)")]
    [InlineData("--turbo", "unknown option '--turbo' for 'run'")]
    [InlineData("frames", "unexpected argument 'frames'")]
    public void AMistakeNamesTheOptionAndATypoGetsItsFix(string arg, string message)
    {
        var ex = Assert.Throws<UsageException>(() => CommandArguments.Parse(new[] { "run", arg, "1" }, Known));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void AMissingValueOrANumberOutOfRangeNamesTheOption()
    {
        Assert.Equal("option '--frames' needs a value", Assert.Throws<UsageException>(() => CommandArguments.Parse(new[] { "run", "--frames" }, Known)).Message);
        var a = CommandArguments.Parse(new[] { "run", "--frames", "0x10" }, Known);
        Assert.Equal("--frames must be a whole number from 1 to 100, got '0x10'", Assert.Throws<UsageException>(() => a.GetInt("frames", 1, 100)).Message);
    }

    [Theory]
    [InlineData("rnu", "run")]
    [InlineData("bundel", "bundle")]
    [InlineData("chek", "check")]
    [InlineData("deploy", null)]
    [InlineData("", null)]
    public void TheNearestKnownWordIsSuggestedOnlyWhenItIsClose(string typed, string? expected)
    {
        Assert.Equal(expected, CommandArguments.Nearest(typed, new[] { "run", "check", "boards", "safe", "bundle", "bench", "profile" }));
    }
}
