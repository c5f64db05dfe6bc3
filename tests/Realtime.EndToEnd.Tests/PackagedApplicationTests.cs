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
    private static string Feed => Environment.GetEnvironmentVariable("RTAPP_FEED") is { Length: > 0 } env ? env : Path.Combine(TestAssets.RepoRoot, "out", "feed");

    [Fact]
    public void TheSampleBuildsFromThePackedPackagesAlonePublishesWithoutWarningsAndRunsItsLoopAllocatingNothing()
    {
        string versionFile = Path.Combine(Feed, "VERSION");
        Assert.True(File.Exists(versionFile), $"no packed framework in {Feed}: run ./scripts/pack.sh");
        string version = File.ReadAllText(versionFile).Trim();

        string work = Rtapp.TempDir();
        string app = Path.Combine(work, "PackagedDemos");
        CopySources(Path.Combine(TestAssets.RepoRoot, "samples", "PackagedDemos"), app);
        // The feed by its absolute path: the copy no longer sits two folders below the repository.
        string config = Path.Combine(app, "nuget.config");
        File.WriteAllText(config, File.ReadAllText(config).Replace("../../out/feed", Feed, StringComparison.Ordinal));

        string output = Path.Combine(work, "publish");
        var publish = Rtapp.Exec("dotnet", TimeSpan.FromMinutes(20), new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            "publish", app, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-tl:off", $"-p:RealtimePackageVersion={version}");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.DoesNotMatch(new Regex(@"warning [A-Z]{2,}\d+", RegexOptions.IgnoreCase), publish.Stdout + publish.Stderr);

        // Every framework assembly came from the feed as a package at the packed version, none from a project.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        foreach (string lib in new[] { "Realtime.Core", "Realtime.Models", "Realtime.Onnx", "Realtime.Gpio", "Realtime.Linux", "Realtime.Vision", "Realtime.Sim", "Realtime.Hosting", "Realtime.Demos" })
            Assert.Matches(new Regex($"\"{Regex.Escape(lib)}/{Regex.Escape(version)}\": \\{{\\s*\"type\": \"package\""), assets);
        Assert.DoesNotContain("\"type\": \"project\"", assets);

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

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopySources(dir, Path.Combine(to, name));
        }
    }
}
