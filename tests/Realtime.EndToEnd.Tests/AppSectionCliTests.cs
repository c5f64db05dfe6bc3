using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A profile's <c>app</c> section through the published binary: its form is checked when the profile
/// loads (one message naming the field), and a run says aloud that it runs the chosen application,
/// not the graph, so nobody believes a graph ran that did not.
/// </summary>
public sealed class AppSectionCliTests
{
    private static string Profile(string app)
    {
        string path = Path.Combine(Rtapp.TempDir(), "board.json");
        File.WriteAllText(path, $$"""{ "extends": "sim", "name": "with-app", "app": {{app}} }""");
        return path;
    }

    [Fact]
    public void ARunWithAnAppSectionSaysTheGraphIsNotRunAndRunsTheApplication()
    {
        string board = Profile("""{ "nodes": [ { "name": "cam", "type": "v4l2" } ], "connections": [ { "from": "cam.image", "to": "pre.image" } ] }""");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", board, "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("the profile's app section (1 node(s), 1 connection(s)) was checked for form but is not run", r.Stderr);
        Assert.Contains("runs the application 'face-tracker'", r.Stderr);
    }

    [Fact]
    public void AMalformedAppSectionIsOneMessageNamingTheField()
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "run", "--board", Profile("""{ "nodes": [ { "name": "a b", "type": "x" } ] }"""), "--frames", "5", "--no-rt");
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("app.nodes[0].name: only letters, digits", line);
    }
}
