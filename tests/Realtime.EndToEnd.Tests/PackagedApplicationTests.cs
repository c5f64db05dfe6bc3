using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The framework as a user gets it: samples/PackagedDemos (a one-line Program.cs hosting the demos),
/// copied outside the repository, restores the framework from the local feed scripts/pack.sh wrote
/// (and nothing else of the repository), publishes with NativeAOT without a warning, and its host
/// runs the face tracker's closed loop on the sim board with 0 bytes and 0 collections per counted
/// frame and one inference per frame.
/// </summary>
public sealed class PackagedApplicationTests
{
    [Fact]
    public void TheSampleBuildsFromThePackedPackagesAlonePublishesWithoutWarningsAndRunsItsLoopAllocatingNothing()
    {
        string version = PackagedFeed.Version();
        string work = Rtapp.TempDir();
        string app = Path.Combine(work, "PackagedDemos");
        PackagedFeed.CopySample(Path.Combine(TestAssets.RepoRoot, "samples", "PackagedDemos"), app);

        string output = Path.Combine(work, "publish");
        var publish = PackagedFeed.Dotnet(TimeSpan.FromMinutes(20), "publish", app, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-tl:off", $"-p:RealtimePackageVersion={version}");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        PackagedFeed.AssertNoWarnings(publish);

        // Every framework assembly came from the feed as a package at the packed version, none from a project.
        PackagedFeed.AssertFromFeed(app, version, "Realtime.Core", "Realtime.Models", "Realtime.Onnx", "Realtime.Gpio", "Realtime.Linux", "Realtime.Vision", "Realtime.Sim", "Realtime.Hosting", "Realtime.Demos");

        string binary = Path.Combine(output, "PackagedDemos");
        var help = Rtapp.Exec(binary, TimeSpan.FromMinutes(1), null, "run", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("packaged-demos run", help.Stdout);

        string report = Path.Combine(work, "run.json");
        var run = Rtapp.Exec(binary, TimeSpan.FromMinutes(5), null, "run", "--board", "sim", "--demo", "face-tracker", "--frames", "1000", "--warmup", "60",
            "--scenario", "single-stream", "--no-rt", "--quiet", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(report))!;
        Assert.Equal("packaged-demos", (string?)json["tool"]);
        Assert.Equal(1000, (int)json["frames"]!);
        Assert.Equal(0.0, (double)json["alloc_bytes_per_frame"]!);
        Assert.Equal(0, (int)json["gc_collections"]!);
        Assert.Equal(1060, (int)json["model_runs"]!);
    }
}
