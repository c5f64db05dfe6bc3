using System;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// <c>apps[]</c>: several applications in one host, each a loop with its own name, application, rate,
/// deadline, cores and priority, checked when the profile loads (one line per problem, naming the field).
/// </summary>
public sealed class AppsProfileTests
{
    private static BoardProfile Parse(string json) => ProfileLoader.Parse(json, "apps.json", BoardFiles.Options(Array.Empty<string>()));

    private static string Problems(string json) => Assert.Throws<ProfileException>(() => Parse(json)).Message;

    [Fact]
    public void EachEntryKeepsItsOwnRateDeadlineCoresAndPriority()
    {
        var p = Parse("""
            { "extends": "sim", "apps": [
                { "name": "tracker", "demo": "face-tracker", "rate_hz": 15, "deadline_us": 60000, "cores": [1], "priority": 80 },
                { "name": "relay", "demo": "voice-relay" } ] }
            """);
        Assert.Equal(2, p.Apps!.Count);
        var t = p.Apps[0];
        Assert.Equal(("tracker", "face-tracker", 15.0, 60000L, 80), (t.Name, t.Demo, t.RateHz!.Value, t.DeadlineUs!.Value, t.Priority!.Value));
        Assert.Equal(new[] { 1 }, t.Cores);
        // What an entry leaves out is its application's own.
        Assert.Null(p.Apps[1].RateHz);
        Assert.Null(p.Apps[1].Cores);
        Assert.True(p.Threads.SharePipelineCores);
    }

    [Fact]
    public void ComposedKeepingDemosAProfileOfSeveralApplicationsShipsAsOneThatLoadsAsTheOriginal()
    {
        const string json = """
            { "extends": "sim", "name": "two", "apps": [
                { "name": "tracker", "demo": "face-tracker", "rate_hz": 15, "deadline_us": 60000 },
                { "name": "relay", "demo": "voice-relay" } ] }
            """;
        var options = BoardFiles.Options("apps[0].priority=75");
        var composed = ProfileLoader.Compose(json, "two.json", new ProfileLoadOptions
        {
            BuiltInText = options.BuiltInText, BuiltInNames = options.BuiltInNames, Sets = options.Sets, KeepDemos = true,
        });
        // The chain is resolved and the override applied; every application's entry is kept, none merged in.
        Assert.False(composed.ContainsKey("extends"));
        Assert.True(composed["demos"]!.AsObject().ContainsKey("voice-relay"));
        Assert.Equal(75, (int)composed["apps"]![0]!["priority"]!);
        // What ships loads as the original does.
        var shipped = ProfileLoader.Parse(composed.ToJsonString(), "shipped.json", new ProfileLoadOptions());
        var original = Parse(json.Replace("\"rate_hz\": 15,", "\"rate_hz\": 15, \"priority\": 75,", StringComparison.Ordinal));
        Assert.Equal(original.Apps!.Count, shipped.Apps!.Count);
        Assert.Equal(75, shipped.Apps[0].Priority);
        Assert.Equal(original.Apps[1].Demo, shipped.Apps[1].Demo);
    }

    [Fact]
    public void ADuplicateLoopNameIsRefusedNamingBothEntries()
    {
        string m = Problems("""{ "extends": "sim", "apps": [ { "name": "a", "demo": "face-tracker" }, { "name": "a", "demo": "voice-relay" } ] }""");
        Assert.Contains("apps[1].name: 'a' is already apps[0]'s name", m);
    }

    [Fact]
    public void OverlappingCoresAreRefusedOnlyWhereTheProfileForbidsSharing()
    {
        const string Apps = """
            "apps": [ { "name": "a", "demo": "face-tracker", "cores": [0] }, { "name": "b", "demo": "voice-relay", "cores": [0] } ]
            """;
        // Sharing is the default: the loops interfere, which admission accounts for.
        Assert.Equal(2, Parse($$"""{ "extends": "sim", {{Apps}} }""").Apps!.Count);
        string m = Problems($$"""{ "extends": "sim", "threads": { "share_pipeline_cores": false }, {{Apps}} }""");
        Assert.Contains("apps[1].cores: loop 'b' and loop 'a' overlap: core 0 is also apps[0] ('a')'s, and threads.share_pipeline_cores is false", m);
        // An entry with no cores takes threads.pipeline.cores (sim's [1]); one on other cores is fine.
        Assert.Equal(2, Parse("""
            { "extends": "sim", "threads": { "share_pipeline_cores": false },
              "apps": [ { "name": "a", "demo": "face-tracker" }, { "name": "b", "demo": "voice-relay", "cores": [0] } ] }
            """).Apps!.Count);
    }

    [Theory]
    [InlineData("""[]""", "apps: give at least one application")]
    [InlineData("""[ { "name": "a" } ]""", "apps[0].demo: required")]
    [InlineData("""[ { "name": "a.b", "demo": "face-tracker" } ]""", "apps[0].name: ")]
    [InlineData("""[ { "name": "a", "demo": "face-tracker", "priority": 95 } ]""", "apps[0].priority: 95 must be below threads.watchdog.priority 90")]
    [InlineData("""[ { "name": "a", "demo": "face-tracker", "rate_hz": 0 } ]""", "apps[0].rate_hz: must be")]
    [InlineData("""[ { "name": "a", "demo": "face-tracker", "cores": [4096] } ]""", "apps[0].cores: core 4096 does not exist")]
    [InlineData("""[ { "name": "a", "demo": "face-tracker", "speed": 3 } ]""", "unknown field")]
    public void ABadEntryIsOneLineNamingItsField(string apps, string words)
    {
        string m = Problems($$"""{ "extends": "sim", "apps": {{apps}} }""");
        Assert.Contains(words, m);
    }

    [Fact]
    public void AnApplicationsSettingsUnderDemosMayNotHoldApps()
    {
        string m = Problems("""{ "extends": "sim", "demos": { "voice-relay": { "apps": [ { "name": "a", "demo": "face-tracker" } ] } } }""");
        Assert.Contains("may not hold", m);
        Assert.Contains("'apps'", m);
    }
}
