using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>The board profiles built into the binary, and profile files given by path.</summary>
public static class ProfileCatalog
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

    /// <summary>The text of an embedded profile, or null.</summary>
    public static string? BuiltInText(string name)
    {
        using Stream? s = typeof(ProfileCatalog).Assembly.GetManifestResourceStream(Prefix + name + ".json");
        if (s is null) return null;
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    /// <summary>True when <paramref name="board"/> names a file rather than a built-in profile.</summary>
    public static bool IsPath(string board) => board.Contains('/') || board.EndsWith(".json", StringComparison.Ordinal);

    /// <summary>
    /// Loads <paramref name="board"/>: a path (contains '/' or ends in .json) is read from disk,
    /// anything else is an embedded profile name; <c>extends</c> is resolved and the
    /// overrides (key=value settings) applied; <paramref name="demo"/>'s entry under <c>demos</c> is merged in.
    /// With <paramref name="host"/>, a profile that names no application gets the host's default (its first
    /// registered), and the chosen application checks what it needs of the profile. Returns the profile and where it came from.
    /// </summary>
    public static (BoardProfile Profile, string Source) Load(string board, IReadOnlyList<string>? sets = null, string? demo = null,
        RealtimeHost? host = null)
    {
        var (text, source, options) = Open(board, sets, demo, host);
        return ProfileLoader.ParseWithSource(text, source, options);
    }

    /// <summary>The profile as one resolved JSON object (inheritance merged, overrides applied, validated; <paramref name="host"/> as in <see cref="Load"/>).</summary>
    public static (JsonObject Json, BoardProfile Profile, string Source) Resolve(string board, IReadOnlyList<string>? sets = null, string? demo = null,
        RealtimeHost? host = null)
    {
        var (text, source, options) = Open(board, sets, demo, host);
        var (profile, described) = ProfileLoader.ParseWithSource(text, source, options);
        return (ProfileLoader.Resolve(text, source, options), profile, described);
    }

    /// <summary>
    /// A profile of several applications as one JSON object to ship: its <c>extends</c> chain resolved and the overrides
    /// applied, its <c>demos</c> and <c>apps</c> kept, so each loop resolves from it as it does from the original.
    /// </summary>
    public static JsonObject Composition(string board, IReadOnlyList<string>? sets, RealtimeHost host)
    {
        var (text, source, options) = Open(board, sets, null, host);
        return ProfileLoader.Compose(text, source, options with { KeepDemos = true });
    }

    private static (string Text, string Source, ProfileLoadOptions Options) Open(string board, IReadOnlyList<string>? sets, string? demo,
        RealtimeHost? host)
    {
        var options = new ProfileLoadOptions
        {
            BuiltInText = BuiltInText,
            BuiltInNames = Names(),
            BaseDirectory = IsPath(board) ? Path.GetDirectoryName(Path.GetFullPath(board)) : null,
            Sets = sets ?? Array.Empty<string>(),
            // The command line's overrides come from --set: its errors say so.
            OverrideLabel = "--set",
            Demo = demo,
            DefaultDemo = host?.Applications.Default?.Name,
            ApplicationCheck = host is null ? null : p => host.ProfileProblems(p, demo),
        };
        if (IsPath(board))
        {
            return (ProfileFile.Read(board, board, null), board, options);
        }
        string? text = BuiltInText(board);
        if (text is null)
            throw new ProfileException($"--board {board}", new[] { $"no such board; built-in boards: {string.Join(", ", Names())} (or give a path to a .json profile)" });
        return (text, $"boards/{board}.json (built in)", options);
    }
}
