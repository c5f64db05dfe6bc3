using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Core.Tests.Profiles;

/// <summary>The repository's boards/ folder as the binary sees it: built-in names resolve to its files.</summary>
internal static class BoardFiles
{
    public static string Dir => Path.Combine(TestAssets.RepoRoot, "boards");

    public static string PathOf(string name) => Path.Combine(Dir, name + ".json");

    /// <summary>Every shipped profile name (the schema file is not a profile).</summary>
    public static List<string> Names()
    {
        var names = new List<string>();
        foreach (string f in Directory.GetFiles(Dir, "*.json"))
            if (!f.EndsWith(".schema.json", StringComparison.Ordinal)) names.Add(Path.GetFileNameWithoutExtension(f));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static ProfileLoadOptions Options(params string[] sets) => new()
    {
        BuiltInText = name => File.Exists(PathOf(name)) && !name.Contains('/') ? File.ReadAllText(PathOf(name)) : null,
        BuiltInNames = Names(),
        Sets = sets,
    };

    public static BoardProfile Load(string name, params string[] sets) =>
        ProfileLoader.Parse(File.ReadAllText(PathOf(name)), $"boards/{name}.json", Options(sets));

    public static JsonObject Json(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf(name)), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
}
