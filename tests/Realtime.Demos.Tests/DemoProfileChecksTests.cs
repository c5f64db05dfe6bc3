using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// What each demo needs of a profile is its own check, run where the host loads the profile for it:
/// the texts the loader used to give, now from the demo, and the loader alone no longer asks them.
/// </summary>
public sealed class DemoProfileChecksTests
{
    private static readonly RealtimeHost Demos = new RealtimeHost("rtapp").AddDemos();

    private static ProfileException Fails(string board, string? demo, params string[] sets) =>
        Assert.Throws<ProfileException>(() => ProfileCatalog.Load(board, sets, demo, Demos));

    private static JsonObject Sim() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "boards", "sim.json")), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

    [Fact]
    public void TheFaceTrackerIsAGraphAndNeedsTheProfilesAppSection()
    {
        var ex = Fails("sim", null, "app=null");
        Assert.Equal("app: application 'face-tracker' is a graph of components: the profile needs an app section with its nodes and connections (boards/sim.json has one)", Assert.Single(ex.Problems));
        Assert.StartsWith("boards/sim.json (built in)", ex.Message, StringComparison.Ordinal);
        // The loader alone knows no demo: the same profile is well formed.
        Assert.Equal("face-tracker", ProfileLoader.Parse(Sim().ToJsonString(), "sim.json", new ProfileLoadOptions { Sets = new[] { "app=null" } }).Demo);
    }

    [Fact]
    public void TheFaceTrackerNeedsNoAudioRate()
    {
        // The voice relay's audio must match the loop's rate: its wav-source says so when the graph is built (VoiceRelayPipelineTests).
        Assert.Equal(20, ProfileCatalog.Load("sim", new[] { "timing.rate_hz=20" }, "face-tracker", Demos).Profile.Timing.RateHz);
    }

    [Fact]
    public void TheLineFollowerIsAGraphAndAProfileWithoutOneIsRefusedByName()
    {
        // Its graph drives motors through the motor component, which opens PCA9685 channels too: what it
        // needs of a profile is the app section its demos entry carries.
        var j = Sim();
        j.Remove("demos");
        j["demo"] = "line-follower";
        var dir = Directory.CreateTempSubdirectory("rtapp-demo-check-");
        try
        {
            string file = Path.Combine(dir.FullName, "lf.json");
            File.WriteAllText(file, j.ToJsonString());
            var ex = Assert.Throws<ProfileException>(() => ProfileCatalog.Load(file, null, null, Demos));
            Assert.Equal(file, ex.Source);
            Assert.StartsWith("app: ", Assert.Single(ex.Problems), StringComparison.Ordinal);
            Assert.Contains("'line-follower'", ex.Problems[0], StringComparison.Ordinal);
            // The sim board's own entry carries the graph.
            var (p, _) = ProfileCatalog.Load("sim", null, "line-follower", Demos);
            Assert.IsType<GraphApplication>(Demos.ApplicationFor(p, "sim"));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void EveryDemoAcceptsItsOwnEntryOfTheSimBoard()
    {
        foreach (string demo in DemoApplications.Names)
        {
            var (p, _) = ProfileCatalog.Load("sim", null, demo, Demos);
            Assert.Equal(demo, p.Demo);
            Assert.Empty(Demos.ProfileProblems(p));
            Assert.Empty(Demos.ProfileProblems(p, demo));
        }
    }
}
