using System;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// <c>app.pipeline</c> as the loader reads it (the sim board's face tracker): groups by node or by
/// stage, and each plan it may not run — an unknown node, a node or stage in two groups, a core in
/// two groups, a priority the watchdog could not preempt — one problem naming the field; the
/// deadline may span a period per group.
/// </summary>
public sealed class PipelineProfileTests
{
    private const string Source = "sim-edit.json";

    private static JsonObject Sim(string pipeline)
    {
        var j = BoardFiles.Json("sim");
        j["app"]!["pipeline"] = JsonNode.Parse(pipeline);
        return j;
    }

    private static string SingleProblem(JsonObject j)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        return ex.Problems[0];
    }

    [Fact]
    public void GroupsByNodeOrByStageOnCoresOfTheirOwnParse()
    {
        var p = ProfileLoader.Parse(Sim("""[{"stages":["capture","preprocess"],"cores":[0],"priority":70},{"nodes":["blazeface","faces"],"cores":[1],"priority":80}]""").ToJsonString(), Source);
        Assert.Equal(2, p.App!.Pipeline!.Count);
        Assert.Equal(new[] { "capture", "preprocess" }, p.App.Pipeline[0].Stages);
        Assert.Equal(new[] { 1 }, p.App.Pipeline[1].Cores);
        Assert.Equal(2, ProfileLoader.PipelineDepth(p.App));
    }

    [Theory]
    [InlineData("""[{"nodes":["camera"]},{"nodes":["nope"]}]""", "app.pipeline[1].nodes: no node is named 'nope'")]
    [InlineData("""[{"nodes":["camera","pre"]},{"nodes":["pre"]}]""", "app.pipeline[1].nodes: 'pre' is already in app.pipeline[0]; a node runs in one group")]
    [InlineData("""[{"stages":["capture"]},{"stages":["capture","infer"]}]""", "app.pipeline[1].stages: 'capture' is already in app.pipeline[0]; a stage runs in one group")]
    [InlineData("""[{"stages":["capture"]},{"stages":["inference"]}]""", "app.pipeline[1].stages: unknown stage 'inference'")]
    [InlineData("""[{"nodes":["camera"],"cores":[0,1]},{"nodes":["pre"],"cores":[1]}]""", "app.pipeline[1].cores: core 1 is also app.pipeline[0]'s: each stage group runs on cores of its own")]
    [InlineData("""[{"nodes":["camera"],"stages":["capture"]},{"nodes":["pre"]}]""", "app.pipeline[0]: give the group's nodes (by name) or its stages, one of the two")]
    [InlineData("""[{"nodes":["camera"]}]""", "app.pipeline: one group is the loop on one thread")]
    [InlineData("""[{"nodes":["camera"]},{"nodes":["pre"],"priority":95}]""", "app.pipeline[1].priority: 95 must be below the watchdog's 90")]
    public void APlanTheLoaderRefusesIsOneProblemNamingTheField(string pipeline, string expected)
    {
        Assert.StartsWith(expected, SingleProblem(Sim(pipeline)), StringComparison.Ordinal);
    }

    [Fact]
    public void APipelinedLoopsDeadlineMaySpanAPeriodPerGroupAndNoMore()
    {
        var j = Sim("""[{"nodes":["camera","pre"]},{"nodes":["blazeface"]}]""");
        double rate = (double)j["timing"]!["rate_hz"]!;
        long period = (long)Math.Round(1e6 / rate);
        j["timing"]!["deadline_us"] = 2 * period - 1;
        ProfileLoader.Parse(j.ToJsonString(), Source);
        j["timing"]!["deadline_us"] = 2 * period + 10;
        Assert.StartsWith("timing.deadline_us: ", SingleProblem(j), StringComparison.Ordinal);
        Assert.Contains("2 periods a frame may spend in the 2 stage groups", SingleProblem(j), StringComparison.Ordinal);
    }
}
