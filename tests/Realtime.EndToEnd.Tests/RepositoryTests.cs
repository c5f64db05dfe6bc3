using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// What a merge can leave behind without breaking the build: conflict markers in the README, a
/// profile or a script (a Markdown file or a JSON example compiles nothing, so nothing else fails).
/// </summary>
public sealed class RepositoryTests
{
    private static readonly HashSet<string> TextKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ".md", ".cs", ".json", ".sh", ".csproj", ".props", ".targets", ".yml", ".yaml", ".txt", ".service", ".ron", ".py", ".js", ".html", ".xml", ".toml",
    };

    // Build outputs, assets, dependencies and git's own files are not the project's text.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".git", "out", "bin", "obj", ".assets", "node_modules", "TestResults" };

    [Fact]
    public void NoFileOfTheProjectHoldsAMergeConflictMarker()
    {
        var found = new List<string>();
        int files = 0;
        Walk(TestAssets.RepoRoot, found, ref files);
        Assert.True(files > 100, $"only {files} files looked at under {TestAssets.RepoRoot}");
        Assert.True(found.Count == 0, "merge conflict markers:\n" + string.Join('\n', found));
    }

    private static void Walk(string dir, List<string> found, ref int files)
    {
        foreach (string sub in Directory.GetDirectories(dir))
            if (!Skipped.Contains(Path.GetFileName(sub)) && (File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0) Walk(sub, found, ref files);
        foreach (string file in Directory.GetFiles(dir))
        {
            if (!TextKinds.Contains(Path.GetExtension(file)) || new FileInfo(file).Length > 4 << 20) continue;
            files++;
            int n = 0;
            foreach (string line in File.ReadLines(file))
            {
                n++;
                if (line.StartsWith("<<<<<<< ", StringComparison.Ordinal) || line.StartsWith(">>>>>>> ", StringComparison.Ordinal))
                    found.Add($"{Path.GetRelativePath(TestAssets.RepoRoot, file)}:{n}: {line}");
            }
        }
    }
}
