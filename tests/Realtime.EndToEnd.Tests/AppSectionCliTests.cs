using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A profile's <c>app</c> section through the published binary: its form is checked when the profile
/// loads (one message naming the field), and a run builds and runs that graph, as the application its
/// <c>demo</c> field (or <c>--demo</c>) names when that one is a graph, else under that name.
/// </summary>
public sealed class AppSectionCliTests
{
    // A graph of its own runs under a demo name of its own (sim's face-tracker would refuse a graph without its node types).
    private static string Profile(string app)
    {
        string path = Path.Combine(Rtapp.TempDir(), "board.json");
        File.WriteAllText(path, $$"""{ "extends": "sim", "name": "with-app", "demo": "with-app", "app": {{app}} }""");
        return path;
    }

    [Fact]
    public void ARunWithAnAppSectionRunsItsGraphNotTheDemo()
    {
        // The graph names a component type no library registers: the graph is what is built, so that is the error.
        string board = Profile("""{ "nodes": [ { "name": "cam", "type": "no-such-camera" } ], "connections": [] }""");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", board, "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("app.nodes[0].type: unknown component type 'no-such-camera'", r.Stderr);
        Assert.DoesNotContain("checked for form", r.Stderr);
    }

    [Fact]
    public void TheApplicationRunsUnderTheNameTheProfilesDemoFieldGives()
    {
        // The face tracker is a graph application: chosen on the command line, it runs the profile's graph,
        // which must be a face tracker's (a pan-tilt controller and servos), else it is refused by name.
        string board = Profile("""{ "nodes": [ { "name": "cam", "type": "no-such-camera" } ], "connections": [] }""");
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", board, "--demo", "face-tracker", "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("board.json (extends sim): app: this graph is not application 'face-tracker''s: it has no 'pan-tilt' or 'servo' node (a graph of your own runs under a demo name of its own, e.g. \"demo\": \"my-app\")", line);

        // A graph whose demo field names no registered application runs under that name.
        string named = Path.Combine(Rtapp.TempDir(), "named.json");
        File.WriteAllText(named, """{ "extends": "sim", "name": "named", "demo": "my-tracker" }""");
        r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", named, "--frames", "5", "--warmup", "0", "--no-rt", "--assets", TestAssets.Dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("named / my-tracker:", r.Stdout);
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
