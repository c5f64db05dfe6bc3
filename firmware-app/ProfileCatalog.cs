using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Profiles;

namespace Realtime.App;

/// <summary>The board profiles built into the binary, and profile files given by path.</summary>
internal static class ProfileCatalog
{
    private const string Prefix = "boards/";

    /// <summary>Names of the embedded profiles.</summary>
    public static List<string> Names()
    {
        var names = new List<string>();
        foreach (string r in typeof(ProfileCatalog).Assembly.GetManifestResourceNames())
            if (r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".json", StringComparison.Ordinal))
                names.Add(r[Prefix.Length..^5]);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Loads <paramref name="board"/>: a path (contains '/' or ends in .json) is read from disk,
    /// anything else is an embedded profile name. Returns the profile and where it came from.
    /// </summary>
    public static (BoardProfile Profile, string Source) Load(string board)
    {
        if (board.Contains('/') || board.EndsWith(".json", StringComparison.Ordinal))
            return (ProfileLoader.LoadFile(board), board);
        string source = $"boards/{board}.json (built in)";
        using Stream? s = typeof(ProfileCatalog).Assembly.GetManifestResourceStream(Prefix + board + ".json");
        if (s is null)
            throw new ProfileException($"--board {board}", new[] { $"no such board; built-in boards: {string.Join(", ", Names())} (or give a path to a .json profile)" });
        using var reader = new StreamReader(s);
        return (ProfileLoader.Parse(reader.ReadToEnd(), source), source);
    }
}
