using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Realtime.Core.Profiles;

/// <summary>
/// Profile composition at the JSON level, before deserialization and validation: <c>extends</c>
/// (a built-in name or a relative file path) merged parent-first — objects merge key by key,
/// recursively; arrays and scalars replace — then <c>--set key=value</c> overrides on the merged
/// object. Works on <see cref="JsonNode"/>s only (no reflection), so it is NativeAOT-safe.
/// </summary>
public static class ProfileComposer
{
    /// <summary>The key that names a parent profile.</summary>
    public const string ExtendsKey = "extends";

    /// <summary>The key that holds per-demo settings: demo name → a partial profile merged over the board's when that demo runs.</summary>
    public const string DemosKey = "demos";

    private const int MaxDepth = 8;

    internal static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    internal static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses profile text into an object; malformed JSON is a <see cref="ProfileException"/> naming the line.</summary>
    public static JsonObject ParseObject(string json, string source)
    {
        // A field given twice is a mistake to name, not a silent "last one wins". Checked here rather
        // than with the parser's AllowDuplicateProperties, whose hash set seeds itself from
        // RandomNumberGenerator: OpenSSL on Linux, which a board may lack (the process would abort).
        if (FirstDuplicate(json) is string duplicate) throw new ProfileException(source, new[] { duplicate });
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, NodeOptions, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ProfileException(source, new[] { ProfileLoader.DescribeJsonError(ex, withLine: true) });
        }
        return node as JsonObject ?? throw new ProfileException(source, new[] { "(top level): the file holds no profile object" });
    }

    /// <summary>
    /// The first field named twice in one object, as "name: given twice in one object (line N; …)",
    /// or null (also null for malformed JSON, which the parser then names).
    /// </summary>
    internal static string? FirstDuplicate(string json)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var open = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: open.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                    case JsonTokenType.StartArray: open.Push(null); break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray: open.Pop(); break;
                    case JsonTokenType.PropertyName:
                        string name = reader.GetString()!;
                        if (open.Peek() is { } names && !names.Add(name))
                        {
                            int line = 1;
                            for (long i = 0; i < reader.TokenStartIndex; i++) if (utf8[i] == (byte)'\n') line++;
                            return $"{name}: given twice in one object (line {line}; a JSON object names each field once)";
                        }
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }

    /// <summary>
    /// Resolves <paramref name="root"/>'s <c>extends</c> chain into one object (the chain's sources
    /// are appended to <paramref name="describedSource"/>), then applies the options' <c>--set</c>
    /// overrides. The result holds no <c>extends</c> key. <paramref name="root"/> is not modified.
    /// </summary>
    public static JsonObject Compose(JsonObject root, string source, ProfileLoadOptions? options, out string describedSource)
    {
        options ??= new ProfileLoadOptions();
        var chain = new List<string> { source };
        var seen = new HashSet<string>(StringComparer.Ordinal) { Identity(source) };
        JsonObject merged = Resolve(root, source, options.BaseDirectory, options, chain, seen, 0);
        describedSource = chain.Count > 1 ? $"{source} (extends {string.Join(" → ", chain.GetRange(1, chain.Count - 1))})" : source;
        ApplyDemo(merged, options.Demo, source);
        if (options.Sets.Count > 0)
        {
            foreach (string set in options.Sets) ApplySet(merged, set, describedSource);
            describedSource += " with --set " + string.Join(" --set ", options.Sets);
        }
        return merged;
    }

    private static string Identity(string source) => File.Exists(source) ? Path.GetFullPath(source) : source;

    private static JsonObject Resolve(JsonObject node, string source, string? baseDir, ProfileLoadOptions options,
        List<string> chain, HashSet<string> seen, int depth)
    {
        var copy = (JsonObject)node.DeepClone();
        if (!copy.TryGetPropertyValue(ExtendsKey, out JsonNode? ext)) return copy;
        copy.Remove(ExtendsKey);
        if (ext is null) return copy;
        if (ext.GetValueKind() != JsonValueKind.String || ext.GetValue<string>() is not { Length: > 0 } parentName)
            throw new ProfileException(source, new[] { "extends: must name a built-in profile or a relative .json path" });
        if (depth >= MaxDepth)
            throw new ProfileException(source, new[] { $"extends: more than {MaxDepth} levels of inheritance" });

        string parentSource, parentText;
        string? parentDir;
        if (parentName.Contains('/') || parentName.EndsWith(".json", StringComparison.Ordinal))
        {
            string path = Path.IsPathRooted(parentName) ? parentName : Path.Combine(baseDir ?? Environment.CurrentDirectory, parentName);
            path = Path.GetFullPath(path);
            if (!File.Exists(path)) throw new ProfileException(source, new[] { $"extends: '{parentName}' not found ({path})" });
            parentSource = path;
            try
            {
                parentText = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ProfileException(source, new[] { $"extends: cannot read '{parentName}' ({path}): {ex.Message}" });
            }
            parentDir = Path.GetDirectoryName(path);
        }
        else
        {
            string? text = options.BuiltInText?.Invoke(parentName);
            if (text is null)
            {
                string known = options.BuiltInNames.Count > 0 ? $" (built-in: {string.Join(", ", options.BuiltInNames)})" : "";
                throw new ProfileException(source, new[] { $"extends: no built-in profile '{parentName}'{known}; a file path must contain '/' or end in .json" });
            }
            parentSource = $"boards/{parentName}.json (built in)";
            parentText = text;
            parentDir = baseDir;
        }
        if (!seen.Add(Identity(parentSource)))
            throw new ProfileException(source, new[] { $"extends: '{parentName}' is already in the chain ({string.Join(" → ", chain)}): inheritance cannot loop" });
        chain.Add(parentName);

        JsonObject parent = Resolve(ParseObject(parentText, parentSource), parentSource, parentDir, options, chain, seen, depth + 1);
        MergeInto(parent, copy);
        return parent;
    }

    /// <summary>
    /// Takes the <c>demos</c> object out of <paramref name="merged"/> and merges the entry of the
    /// chosen demo (<paramref name="demo"/>, else the profile's own <c>demo</c>) over the rest; the
    /// chosen demo becomes the profile's <c>demo</c>. A demo without an entry runs on the profile as
    /// it is (its own sections are then checked by the demo's wiring).
    /// </summary>
    private static void ApplyDemo(JsonObject merged, string? demo, string source)
    {
        merged.TryGetPropertyValue(DemosKey, out JsonNode? demos);
        merged.Remove(DemosKey);
        if (demo is null && merged["demo"] is JsonValue v && v.GetValueKind() == JsonValueKind.String) demo = v.GetValue<string>();
        if (demos is not null)
        {
            if (demos is not JsonObject byName)
                throw new ProfileException(source, new[] { $"{DemosKey}: must be an object: demo name → settings merged over the profile when that demo runs" });
            foreach (var (name, entry) in ToList(byName))
            {
                if (entry is not JsonObject settings)
                    throw new ProfileException(source, new[] { $"{DemosKey}.{name}: must be an object of profile settings" });
                if (settings.ContainsKey(DemosKey) || settings.ContainsKey(ExtendsKey) || settings.ContainsKey("demo"))
                    throw new ProfileException(source, new[] { $"{DemosKey}.{name}: may not hold '{DemosKey}', '{ExtendsKey}' or 'demo'" });
            }
            if (demo is not null && byName[demo] is JsonObject chosen) MergeInto(merged, chosen);
        }
        if (demo is not null) merged["demo"] = demo;
    }

    /// <summary>Merges <paramref name="child"/> into <paramref name="target"/>: objects recursively, everything else replaced.</summary>
    public static void MergeInto(JsonObject target, JsonObject child)
    {
        foreach (var (key, value) in ToList(child))
        {
            if (value is JsonObject childObject && target[key] is JsonObject targetObject)
            {
                MergeInto(targetObject, childObject);
                continue;
            }
            target[key] = value?.DeepClone();
        }
    }

    private static List<KeyValuePair<string, JsonNode?>> ToList(JsonObject o)
    {
        var list = new List<KeyValuePair<string, JsonNode?>>(o.Count);
        foreach (var kv in o) list.Add(kv);
        return list;
    }

    /// <summary>
    /// Applies one <c>key=value</c> override. The key is a dotted path with list indices
    /// (<c>timing.rate_hz</c>, <c>pwm[0].chip</c>); missing objects on the way are created. The value
    /// is kept as text when the field it replaces is text, else read as JSON (numbers, true/false,
    /// null, [lists], {objects}), else kept as text. Errors name the key.
    /// </summary>
    public static void ApplySet(JsonObject root, string set, string source)
    {
        int eq = set.IndexOf('=');
        if (eq <= 0) throw new ProfileException(source, new[] { $"--set {set}: expected key=value (e.g. timing.rate_hz=20)" });
        string key = set[..eq];
        string raw = set[(eq + 1)..];
        var steps = ParsePath(key, set, source);

        JsonNode current = root;
        string at = "";
        for (int i = 0; i < steps.Count; i++)
        {
            var (name, index) = steps[i];
            bool last = i == steps.Count - 1;
            if (name is not null)
            {
                if (current is not JsonObject obj)
                    throw new ProfileException(source, new[] { $"--set {key}: {(at.Length == 0 ? "(top level)" : at)} is {Describe(current)}, not an object with fields" });
                at = at.Length == 0 ? name : at + "." + name;
                if (last)
                {
                    obj[name] = ParseValue(raw, obj[name]);
                    return;
                }
                JsonNode? next = obj[name];
                if (next is null)
                {
                    if (steps[i + 1].Name is null)
                        throw new ProfileException(source, new[] { $"--set {key}: {at} is not a list in this profile" });
                    next = new JsonObject();
                    obj[name] = next;
                }
                current = next;
            }
            else
            {
                int n = index!.Value;
                if (current is not JsonArray arr)
                    throw new ProfileException(source, new[] { $"--set {key}: {at} is {Describe(current)}, not a list" });
                if (n >= arr.Count)
                    throw new ProfileException(source, new[] { $"--set {key}: {at} has {arr.Count} entr{(arr.Count == 1 ? "y" : "ies")}, so there is no [{n}]" });
                at += $"[{n}]";
                if (last)
                {
                    arr[n] = ParseValue(raw, arr[n]);
                    return;
                }
                current = arr[n] ?? throw new ProfileException(source, new[] { $"--set {key}: {at} is null" });
            }
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "a list",
        JsonObject => "an object",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "text",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true/false",
            _ => "a value",
        },
    };

    private static JsonNode? ParseValue(string raw, JsonNode? replaced)
    {
        if (replaced is JsonValue v && v.GetValueKind() == JsonValueKind.String) return JsonValue.Create(raw);
        try
        {
            return JsonNode.Parse(raw, NodeOptions, DocumentOptions);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }

    private static List<(string? Name, int? Index)> ParsePath(string key, string set, string source)
    {
        var steps = new List<(string?, int?)>();
        int i = 0;
        while (i < key.Length)
        {
            if (key[i] == '[')
            {
                int close = key.IndexOf(']', i);
                if (steps.Count == 0 || close < 0 || !int.TryParse(key.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    throw BadKey(key, source);
                steps.Add((null, n));
                i = close + 1;
                if (i < key.Length && key[i] == '.') { i++; if (i == key.Length) throw BadKey(key, source); }
                else if (i < key.Length && key[i] != '[') throw BadKey(key, source);
                continue;
            }
            int start = i;
            while (i < key.Length && (char.IsAsciiLetterOrDigit(key[i]) || key[i] == '_')) i++;
            if (i == start) throw BadKey(key, source);
            steps.Add((key[start..i], null));
            if (i < key.Length)
            {
                if (key[i] == '.') { i++; if (i == key.Length) throw BadKey(key, source); }
                else if (key[i] != '[') throw BadKey(key, source);
            }
        }
        if (steps.Count == 0) throw BadKey(key, source);
        return steps;
    }

    private static ProfileException BadKey(string key, string source) =>
        new(source, new[] { $"--set {key}: not a field path (expected names joined by '.', with [N] for a list entry, e.g. timing.rate_hz or pwm[0].chip)" });
}
