using System.CommandLine;

namespace Realtime.Hosting.Tests.CommandLine;

public sealed class HostOptionsTests
{
    private enum Pace { Slow, Fast }

    private static readonly Option<int?> Frames = HostOptions.Number("--frames", 1, 100, "N", "frames");
    private static readonly Option<double?> Rate = HostOptions.Real("--rate", 0, 1000, "HZ", "rate");
    private static readonly Option<Pace?> Speed = HostOptions.Choice("--pace", "pace", ("slow", Pace.Slow), ("fast", Pace.Fast));
    private static readonly Option<string> Cache = HostOptions.Word("--page-cache", "cache", "warm", "cold", "both");
    private static readonly Option<string[]> Set = HostOptions.Repeated("--set", "key=value", "set");
    private static readonly Option<bool> Quiet = HostOptions.Flag("--quiet", "quiet");
    private static readonly Option<string> Report = HostOptions.Text("--report", "FILE", "report");

    private static ParseResult Parse(params string[] args)
    {
        var command = new RootCommand { Frames, Rate, Speed, Cache, Set, Quiet, Report };
        return command.Parse(args);
    }

    [Fact]
    public void ValuesFlagsEqualsFormsAndRepeatsAreReadTyped()
    {
        var r = Parse("--frames", "30", "--quiet", "--set", "a=1", "--set=b=2", "--report=r.json", "--pace", "fast", "--rate", "2.5", "--page-cache", "cold");
        Assert.Empty(r.Errors);
        Assert.Equal(30, r.GetValue(Frames));
        Assert.True(r.GetValue(Quiet));
        Assert.Equal(new[] { "a=1", "b=2" }, r.GetValue(Set));
        Assert.Equal("r.json", r.GetValue(Report));
        Assert.Equal(Pace.Fast, r.GetValue(Speed));
        Assert.Equal(2.5, r.GetValue(Rate));
        Assert.Equal("cold", r.GetValue(Cache));
    }

    [Fact]
    public void AOneValueOptionGivenAgainTakesTheLastSoAScriptsDefaultsCanBeOverridden()
    {
        var r = Parse("--frames", "3", "--report", "a.json", "--pace", "slow", "--frames", "4", "--report", "b.json", "--pace", "fast");
        Assert.Empty(r.Errors);
        Assert.Equal(4, r.GetValue(Frames));
        Assert.Equal("b.json", r.GetValue(Report));
        Assert.Equal(Pace.Fast, r.GetValue(Speed));
        // One value per --name: a second word is a stray argument, not a second value.
        Assert.Equal(new[] { "4" }, Parse("--frames", "3", "4").UnmatchedTokens);
        // The value that counts is the one checked (an overridden one is not used).
        Assert.Equal(4, Parse("--frames", "0", "--frames", "4").GetValue(Frames));
    }

    [Fact]
    public void WhatWasNotGivenIsNullOrFalse()
    {
        var r = Parse();
        Assert.Empty(r.Errors);
        Assert.Null(r.GetValue(Frames));
        Assert.Null(r.GetValue(Speed));
        Assert.Null(r.GetValue(Rate));
        Assert.False(r.GetValue(Quiet));
        Assert.Null(r.GetValue(Report));
    }

    [Theory]
    [InlineData(new[] { "--frames", "0x10" }, "--frames must be a whole number from 1 to 100, got '0x10'")]
    [InlineData(new[] { "--frames", "0" }, "--frames must be a whole number from 1 to 100, got '0'")]
    [InlineData(new[] { "--frames", "101" }, "--frames must be a whole number from 1 to 100, got '101'")]
    [InlineData(new[] { "--rate", "0" }, "--rate must be a number above 0 and at most 1000, got '0'")]
    [InlineData(new[] { "--rate", "NaN" }, "--rate must be a number above 0 and at most 1000, got 'NaN'")]
    [InlineData(new[] { "--pace", "Fast" }, "--pace must be slow or fast, got 'Fast'")]
    [InlineData(new[] { "--page-cache", "hot" }, "--page-cache must be warm, cold or both, got 'hot'")]
    [InlineData(new[] { "--frames", "1\n2" }, "--frames must be a whole number from 1 to 100, got '1\\n2'")]
    public void ABadValueIsOneLineNamingTheOptionAndWhatItGot(string[] args, string message)
    {
        var r = Parse(args);
        var error = Assert.Single(r.Errors);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AFlagTakesNoValueAndAChoiceCompletesItsWords()
    {
        var r = Parse("--quiet", "false");
        Assert.True(r.GetValue(Quiet));
        Assert.Equal(new[] { "false" }, r.UnmatchedTokens);
        var words = new System.Collections.Generic.List<string>();
        const string line = "--pace ";
        foreach (var c in new RootCommand { Speed }.Parse(line).GetCompletions(line.Length)) words.Add(c.Label);
        Assert.Equal(new[] { "fast", "slow" }, words);
    }
}
