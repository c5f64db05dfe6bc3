using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Realtime.Bench;
using Realtime.Demos;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// What each library may know: only the command line names command-line options (a library's
/// messages name the profile field or the setting, and the command line adds its option where it
/// catches the error); Core, Hosting and Models name no demo, and Core no model family.
/// </summary>
public sealed class LibraryBoundariesTests
{
    /// <summary>The command line: the only code under src/ that may name an option (firmware-app is outside src/).</summary>
    private static readonly string[] CommandLineParts =
    {
        "src/Realtime.Hosting/Commands/",
        "src/Realtime.Hosting/RealtimeHost.cs",
        "src/Realtime.Hosting/CommandLine/",
        "src/Realtime.Bench/Commands/",
        // Launches `rtapp run` processes: the arguments it passes are a command line.
        "src/Realtime.Bench/Startup/ColdStartRunner.cs",
    };

    private static readonly Regex DemoName = new("face-tracker|voice-relay|line-follower", RegexOptions.Compiled);

    /// <summary>The model families the demos use: their decoders live in Realtime.Models, never in Core.</summary>
    private static readonly Regex ModelFamily = new("blazeface|mlsd|silero", RegexOptions.Compiled | RegexOptions.IgnoreCase);

    /// <summary>Every .cs file under <paramref name="folder"/> (build outputs left out), as (path from the repository root, code lines with their numbers).</summary>
    private static IEnumerable<(string Path, int Line, string Code)> CodeLines(string folder)
    {
        string root = TestAssets.RepoRoot;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (rel.Contains("/bin/", StringComparison.Ordinal) || rel.Contains("/obj/", StringComparison.Ordinal)) continue;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                // Comments may say which command gives a figure; the rule is about what the code says to a user.
                string code = WithoutComment(lines[i]);
                if (code.Trim().Length > 0) yield return (rel, i + 1, code);
            }
        }
    }

    /// <summary>The line up to a <c>//</c> comment that is not inside a string literal.</summary>
    private static string WithoutComment(string line)
    {
        bool inString = false;
        for (int i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) inString = !inString;
            else if (!inString && line[i] == '/' && line[i + 1] == '/') return line[..i];
        }
        return line;
    }

    private static bool IsCommandLine(string path)
    {
        foreach (string part in CommandLineParts) if (path.StartsWith(part, StringComparison.Ordinal)) return true;
        return false;
    }

    [Fact]
    public void NoLibraryOutsideTheCommandLineNamesAnOption()
    {
        // The options that exist: every command's, the bench's included, and the host's own.
        var options = new SortedSet<string>(StringComparer.Ordinal) { "help", "version" };
        foreach (var c in new RealtimeHost("rtapp").AddDemos().AddBench().Commands)
            foreach (var o in c.Options) options.Add(o.Name.TrimStart('-'));
        Assert.Contains("set", options);
        Assert.Contains("shape", options);
        var pattern = new Regex(@"(?<![A-Za-z0-9-])--(" + string.Join("|", options) + @")(?![A-Za-z0-9-])", RegexOptions.Compiled);

        var found = new List<string>();
        foreach (var (path, line, code) in CodeLines("src"))
            if (!IsCommandLine(path) && pattern.Match(code) is { Success: true } m)
                found.Add($"{path}:{line}: {m.Value}");
        Assert.True(found.Count == 0, "libraries name command-line options (say what is wrong in the profile's or the setting's words; the command line adds its option):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheCommandLinePartsExistSoTheirExclusionStillMeansSomething()
    {
        foreach (string part in CommandLineParts)
            Assert.True(part.EndsWith('/') ? Directory.Exists(Path.Combine(TestAssets.RepoRoot, part)) : File.Exists(Path.Combine(TestAssets.RepoRoot, part)), part);
    }

    [Fact]
    public void CoreAndHostingNameNoDemo()
    {
        var found = new List<string>();
        foreach (string library in new[] { "src/Realtime.Core", "src/Realtime.Hosting", "src/Realtime.Models" })
            foreach (var (path, line, code) in CodeLines(library))
                foreach (Match m in DemoName.Matches(code)) found.Add($"{path}:{line}: {m.Value}");
        Assert.True(found.Count == 0, "a library below the demos names a demo (each application checks its own needs of a profile: IRealtimeApplication.ProfileProblems):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheBenchNamesNoDemoAndDoesNotReferenceThem()
    {
        // The bench measures whatever application the host runs: a lane is that application's graph with overrides,
        // never a demo built by hand (rtapp registers the demos; the bench finds a ladder's graph by the model it runs).
        var csproj = System.Xml.Linq.XDocument.Load(Path.Combine(TestAssets.RepoRoot, "src", "Realtime.Bench", "Realtime.Bench.csproj"));
        foreach (var e in csproj.Descendants())
            if (e.Name.LocalName == "ProjectReference")
                Assert.DoesNotContain("Realtime.Demos", (string?)e.Attribute("Include") ?? "", StringComparison.Ordinal);
        var demoOrLibrary = new Regex(DemoName.ToString() + @"|Realtime\.Demos", RegexOptions.Compiled);
        var found = new List<string>();
        foreach (var (path, line, code) in CodeLines("src/Realtime.Bench"))
            foreach (Match m in demoOrLibrary.Matches(code)) found.Add($"{path}:{line}: {m.Value}");
        Assert.True(found.Count == 0, "the bench names a demo or the demos' library (a lane is the host's application with overrides):\n" + string.Join("\n", found));
        // The pattern sees what it looks for: the demos' library names both.
        Assert.Matches(demoOrLibrary, "using Realtime.Demos;");
        Assert.Matches(demoOrLibrary, "\"voice-relay\"");
    }

    [Fact]
    public void CoreNamesNoModelFamily()
    {
        var found = new List<string>();
        foreach (var (path, line, code) in CodeLines("src/Realtime.Core"))
            foreach (Match m in ModelFamily.Matches(code)) found.Add($"{path}:{line}: {m.Value}");
        Assert.True(found.Count == 0, "Core names a model family (its decoders and components belong in Realtime.Models):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheModelFamiliesLibraryDependsOnCoreAlone()
    {
        var csproj = System.Xml.Linq.XDocument.Load(Path.Combine(TestAssets.RepoRoot, "src", "Realtime.Models", "Realtime.Models.csproj"));
        var references = new List<string>();
        foreach (var e in csproj.Descendants())
            if (e.Name.LocalName is "ProjectReference" or "PackageReference") references.Add((string?)e.Attribute("Include") ?? "");
        Assert.Equal(new[] { @"..\Realtime.Core\Realtime.Core.csproj" }, references);
    }

    [Fact]
    public void TheGrepsSeeWhatTheyLookFor()
    {
        // A check that finds nothing because it reads nothing would pass for ever: the demos name themselves, Models its families.
        var demos = new List<string>();
        foreach (var (_, _, code) in CodeLines("src/Realtime.Demos")) if (DemoName.IsMatch(code)) demos.Add(code);
        Assert.NotEmpty(demos);
        var families = new List<string>();
        foreach (var (_, _, code) in CodeLines("src/Realtime.Models")) if (ModelFamily.IsMatch(code)) families.Add(code);
        Assert.NotEmpty(families);
        // Comments are not code: a doc line that names BlazeFace is left out.
        Assert.Equal("var x = \"a // b\"; ", WithoutComment("var x = \"a // b\"; // blazeface"));
    }
}
