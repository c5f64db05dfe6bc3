using System;
using System.IO;
using System.Text.RegularExpressions;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A newcomer's first hour, as the README walks it: the template package from the local feed is
/// installed offline into a private template hive, a new application is made from it, the README's
/// new component type is added to it (one new file, one registration line), and that application and
/// its own test project build from the feed alone (no project of the repository) without a warning
/// and its tests pass. The sample made from the template (samples/FaceFollower)
/// does the same, publishes with NativeAOT without a warning, and runs its profile's closed loop on
/// the sim board through its own host with 0 bytes and 0 collections per counted frame.
/// </summary>
public sealed class TemplateApplicationTests
{
    private static readonly TimeSpan Build = TimeSpan.FromMinutes(20);

    [Fact]
    public void TheTemplateInstallsOfflineAndANewApplicationBuildsFromTheFeedAloneAndPassesItsTests()
    {
        string version = PackagedFeed.Version();
        string package = Path.Combine(PackagedFeed.Dir, $"Realtime.Templates.{version}.nupkg");
        Assert.True(File.Exists(package), $"no template package {package}: run ./scripts/pack.sh");
        string work = Rtapp.TempDir();
        string hive = Path.Combine(work, "hive");

        var install = PackagedFeed.Dotnet(TimeSpan.FromMinutes(5), "new", "install", package, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("realtime-app", install.Stdout);

        // A name that is not an identifier: the namespace (Acme.Tracker) and the tool's name (acme-tracker) are made safe from it.
        string app = Path.Combine(work, "app");
        var create = PackagedFeed.Dotnet(TimeSpan.FromMinutes(5), "new", "realtime-app", "-n", "Acme.Tracker", "-o", app, "--debug:custom-hive", hive);
        Assert.True(create.ExitCode == 0, create.ToString());
        string project = Path.Combine(app, "Acme.Tracker");
        string program = File.ReadAllText(Path.Combine(project, "Program.cs"));
        Assert.Contains("new RealtimeHost(\"acme-tracker\")", program);
        Assert.Contains($"Version=\"$(RealtimePackageVersion)\"", File.ReadAllText(Path.Combine(project, "Acme.Tracker.csproj")));
        Assert.Contains($">{version}</RealtimePackageVersion>", File.ReadAllText(Path.Combine(project, "Acme.Tracker.csproj")));
        Assert.Contains($"value=\"{PackagedFeed.Dir}\"", File.ReadAllText(Path.Combine(app, "nuget.config")));
        Assert.True(File.Exists(Path.Combine(project, "profile.schema.json")), "the profile's schema travels with the template");
        Assert.False(Directory.Exists(Path.Combine(app, ".template.config")));

        // The README's new component type, as it says: one new file plus one registration line.
        string readme = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "README.md"));
        Match file = Regex.Match(readme, @"```csharp\n// LargestDetection\.cs\n(?<code>.*?)```", RegexOptions.Singleline);
        Match line = Regex.Match(readme, @"in `Program\.cs`, `(?<line>\.AddComponent\(""largest-detection""[^`]*)`");
        Assert.True(file.Success && line.Success, "README.md's 'Your own application' shows LargestDetection.cs and its registration line");
        File.WriteAllText(Path.Combine(project, "LargestDetection.cs"), file.Groups["code"].Value.Replace("namespace FaceFollow;", "namespace Acme.Tracker;", StringComparison.Ordinal));
        const string Registered = ".AddComponent(DeadBandFollower.TypeName, DeadBandFollower.Create, DeadBandFollower.Description)";
        Assert.Contains(Registered, program);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program.Replace(Registered, Registered + line.Groups["line"].Value, StringComparison.Ordinal));

        string tests = Path.Combine(app, "Acme.Tracker.Tests");
        var test = PackagedFeed.Dotnet(Build, "test", tests, "-nologo", "-tl:off");
        Assert.True(test.ExitCode == 0, test.ToString());
        PackagedFeed.AssertNoWarnings(test);
        AssertPassed(test, 5);
        PackagedFeed.AssertFromFeed(project, version, "Realtime.Core", "Realtime.Hosting");
        PackagedFeed.AssertFromFeed(tests, version, "Realtime.Core", "Realtime.Hosting");
    }

    [Fact]
    public void TheSampleIsSmallBuildsFromTheFeedAlonePublishesWithoutWarningsAndRunsItsLoopAllocatingNothing()
    {
        string sample = Path.Combine(TestAssets.RepoRoot, "samples", "FaceFollower");
        // The target: the application's whole source under 150 lines.
        int lines = 0;
        foreach (string file in Directory.GetFiles(Path.Combine(sample, "FaceFollower"), "*.cs")) lines += File.ReadAllLines(file).Length;
        Assert.InRange(lines, 1, 149);

        string version = PackagedFeed.Version();
        string work = Rtapp.TempDir();
        string app = Path.Combine(work, "FaceFollower");
        PackagedFeed.CopySample(sample, app);

        var test = PackagedFeed.Dotnet(Build, "test", Path.Combine(app, "FaceFollower.Tests"), "-nologo", "-tl:off", $"-p:RealtimePackageVersion={version}");
        Assert.True(test.ExitCode == 0, test.ToString());
        AssertPassed(test, 5);

        string output = Path.Combine(work, "publish");
        var publish = PackagedFeed.Dotnet(Build, "publish", Path.Combine(app, "FaceFollower"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-tl:off",
            $"-p:RealtimePackageVersion={version}");
        Assert.True(publish.ExitCode == 0, publish.ToString());
        PackagedFeed.AssertNoWarnings(publish);
        PackagedFeed.AssertFromFeed(Path.Combine(app, "FaceFollower"), version, "Realtime.Core", "Realtime.Hosting");

        string report = Path.Combine(work, "run.json");
        var run = Rtapp.Exec(Path.Combine(output, "FaceFollower"), TimeSpan.FromMinutes(5), null, "run", "--board", Path.Combine(output, "profile.json"),
            "--frames", "1000", "--warmup", "60", "--scenario", "single-stream", "--no-rt", "--quiet", "--assets", TestAssets.Dir, "--report", report);
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(report))!;
        Assert.Equal("facefollower", (string?)json["tool"]);
        Assert.Equal(1000, (int)json["frames"]!);
        Assert.Equal(0.0, (double)json["alloc_bytes_per_frame"]!);
        Assert.Equal(0, (int)json["gc_collections"]!);
        Assert.Equal(1060, (int)json["model_runs"]!);
        // The application's own component ran in the loop and reported its own figures.
        var follow = json["nodes"]!["follow"]!;
        double with = (double)follow["frames_with_target"]!, without = (double)follow["frames_without_target"]!;
        Assert.True(with > 0, follow.ToJsonString());
        Assert.InRange(with + without, 1000, 1060);
    }

    private static void AssertPassed(RtappResult test, int count)
    {
        Match m = Regex.Match(test.Stdout, @"Failed:\s+(\d+), Passed:\s+(\d+)");
        Assert.True(m.Success, test.ToString());
        Assert.Equal("0", m.Groups[1].Value);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value);
    }
}
