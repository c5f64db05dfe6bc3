using System.IO;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// The files a profile's nodes point at (models, videos) found in the assets folder, each missing or
/// mismatched one a <see cref="ProfileException"/> naming the profile's field and saying how to fetch it.
/// </summary>
public sealed class ProfileAssets
{
    /// <summary>Assets of <paramref name="profile"/> (read from <paramref name="profileSource"/>) under <paramref name="assetsDir"/> (null: none found).</summary>
    public ProfileAssets(BoardProfile profile, string profileSource, string? assetsDir)
    {
        Profile = profile;
        ProfileSource = profileSource;
        AssetsDir = assetsDir;
    }

    /// <summary>The profile.</summary>
    public BoardProfile Profile { get; }
    /// <summary>Where the profile came from (the start of every error message).</summary>
    public string ProfileSource { get; }
    /// <summary>The assets folder, or null when none was found.</summary>
    public string? AssetsDir { get; }

    /// <summary>A profile error for <paramref name="field"/>.</summary>
    public ProfileException Problem(string field, string message) => new(ProfileSource, new[] { $"{field}: {message}" });

    /// <summary>The path of an asset the profile names in <paramref name="field"/>; missing is a problem that says how to fetch it.</summary>
    public string RequireAsset(string relative, string field, string what)
    {
        string path = AssetLocator.Resolve(AssetsDir, relative);
        if (!File.Exists(path))
        {
            string where = AssetsDir is null ? "no assets folder was found (name one, or set RTAPP_ASSETS)" : $"assets folder {AssetsDir}";
            throw Problem(field, $"{what} not found: {path} ({where}; ./scripts/fetch-assets.sh fetches it)");
        }
        // A FIFO would block the open for ever, a device would be read without end.
        if (!Realtime.Linux.FileNode.IsRegularFile(path)) throw Problem(field, $"{what} {path} is not a regular file (a device, FIFO or socket)");
        return path;
    }
}
