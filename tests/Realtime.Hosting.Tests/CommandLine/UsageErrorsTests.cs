namespace Realtime.Hosting.Tests.CommandLine;

public sealed class UsageErrorsTests
{
    [Theory]
    [InlineData("rnu", "run")]
    [InlineData("bundel", "bundle")]
    [InlineData("chek", "check")]
    [InlineData("--fames", "--frames")]
    [InlineData("deploy", null)]
    [InlineData("", null)]
    public void TheNearestKnownWordIsSuggestedOnlyWhenItIsClose(string typed, string? expected)
    {
        Assert.Equal(expected, UsageErrors.Nearest(typed, new[] { "run", "check", "boards", "safe", "bundle", "bench", "profile", "--frames" }));
    }
}
