using System;
using System.IO;

namespace Realtime.Hosting;

/// <summary>
/// Finds the assets folder (models, videos) that ./scripts/fetch-assets.sh fills: the
/// <c>--assets</c> option, else <c>RTAPP_ASSETS</c>, else the first <c>.assets</c> folder found
/// walking up from the binary's folder, then from the working folder.
/// </summary>
public static class AssetLocator
{
    /// <summary>The assets folder, or null when none is found.</summary>
    public static string? Find(string? explicitDir)
    {
        if (!string.IsNullOrEmpty(explicitDir)) return Path.GetFullPath(explicitDir);
        string? env = Environment.GetEnvironmentVariable("RTAPP_ASSETS");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        return WalkUp(AppContext.BaseDirectory) ?? WalkUp(Environment.CurrentDirectory);
    }

    private static string? WalkUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, ".assets");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>An asset path from a profile: absolute as is, else under the assets folder.</summary>
    public static string Resolve(string? assetsDir, string relative) =>
        Path.IsPathRooted(relative) || assetsDir is null ? Path.GetFullPath(relative) : Path.Combine(assetsDir, relative);
}
