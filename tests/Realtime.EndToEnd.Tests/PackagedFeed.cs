using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The local feed scripts/pack.sh wrote (RTAPP_FEED, else out/feed) and what the tests of
/// applications built from it alone share: the packed version, a copy of a sample outside the
/// repository pointed at the feed, dotnet run as a user would, and the check that every framework
/// assembly came from the feed as a package.
/// </summary>
public static class PackagedFeed
{
    /// <summary>The feed folder.</summary>
    public static string Dir => Environment.GetEnvironmentVariable("RTAPP_FEED") is { Length: > 0 } env ? env : Path.Combine(TestAssets.RepoRoot, "out", "feed");

    /// <summary>The version scripts/pack.sh packed last (fails the test when there is no packed framework).</summary>
    public static string Version()
    {
        string versionFile = Path.Combine(Dir, "VERSION");
        Assert.True(File.Exists(versionFile), $"no packed framework in {Dir}: run ./scripts/pack.sh");
        return File.ReadAllText(versionFile).Trim();
    }

    /// <summary>Copies a sample's sources (not its bin/obj) to <paramref name="to"/> and points its nuget.config at the feed by its absolute path.</summary>
    public static void CopySample(string from, string to)
    {
        CopySources(from, to);
        // The copy no longer sits where the relative "../../out/feed" leads.
        string config = Path.Combine(to, "nuget.config");
        File.WriteAllText(config, File.ReadAllText(config).Replace("../../out/feed", Dir, StringComparison.Ordinal));
    }

    /// <summary>Runs <c>dotnet</c> with telemetry and the logo off.</summary>
    public static RtappResult Dotnet(TimeSpan timeout, params string[] args) =>
        Rtapp.Exec("dotnet", timeout, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, args);

    /// <summary>Fails when a build's output holds a warning (ours, NuGet's, the trimmer's or the AOT compiler's).</summary>
    public static void AssertNoWarnings(RtappResult build) =>
        Assert.DoesNotMatch(new Regex(@"warning [A-Z]{2,}\d+", RegexOptions.IgnoreCase), build.Stdout + build.Stderr);

    /// <summary>Every framework assembly <paramref name="project"/> restored came from the feed as a package at <paramref name="version"/>; none from a project of the repository.</summary>
    public static void AssertFromFeed(string project, string version, params string[] libraries)
    {
        string assets = File.ReadAllText(Path.Combine(project, "obj", "project.assets.json"));
        foreach (string lib in libraries)
            Assert.Matches(new Regex($"\"{Regex.Escape(lib)}/{Regex.Escape(version)}\": \\{{\\s*\"type\": \"package\""), assets);
        Assert.DoesNotMatch(new Regex("\"Realtime\\.[A-Za-z]+/[^\"]*\": \\{\\s*\"type\": \"project\""), assets);
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
