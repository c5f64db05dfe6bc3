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
/// recursively; arrays and scalars replace — then <c>key=value</c> overrides on the merged
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

    /// <summary>The longest text value a profile may hold (names, paths and descriptions are far shorter).</summary>
    public const int MaxStringLength = 4096;

    /// <summary>The most nested objects and lists a profile may have (the shipped ones use 4).</summary>
    public const int MaxNesting = 16;

    /// <summary>Parses profile text into an object; malformed JSON is a <see cref="ProfileException"/> naming the line.</summary>
    public static JsonObject ParseObject(string json, string source)
    {
        if (FirstTextProblem(json, "") is string problem) throw new ProfileException(source, new[] { problem });
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
    /// The first problem the JSON parser would pass over or turn into a crash later, as "field: problem (line N)",
    /// or null (also null for malformed JSON, which the parser then names): a field named twice in one object (a
    /// mistake to name, not a silent "last one wins"), text that is not valid Unicode (a lone surrogate such as
    /// "\ud800"), text longer than <see cref="MaxStringLength"/>, or nesting deeper than <see cref="MaxNesting"/>.
    /// <paramref name="prefix"/> goes before the field (the key of an override).
    /// </summary>
    internal static string? FirstTextProblem(string json, string prefix)
    {
        // Duplicates are found here rather than with the parser's AllowDuplicateProperties, whose hash set seeds
        // itself from RandomNumberGenerator: OpenSSL on Linux, which a board may lack (the process would abort).
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        // One entry per open object or list: its field names so far (objects), its own path, the entries seen (lists).
        var open = new List<(HashSet<string>? Names, string Path, int Entries)>();
        string path = prefix;
        string Line(long upTo)
        {
            int line = 1;
            for (long i = 0; i < upTo; i++) if (utf8[i] == (byte)'\n') line++;
            return $"line {line}";
        }
        string Here(string at) => at.Length == 0 ? "(top level)" : at;
        try
        {
            while (reader.Read())
            {
                JsonTokenType token = reader.TokenType;
                if (open.Count > 0 && open[^1].Names is null && token is not (JsonTokenType.EndArray or JsonTokenType.Comment))
                {
                    var list = open[^1];
                    path = $"{list.Path}[{list.Entries}]";
                    open[^1] = (null, list.Path, list.Entries + 1);
                }
                switch (token)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (open.Count >= MaxNesting) return $"{Here(path)}: nested more than {MaxNesting} levels deep ({Line(reader.TokenStartIndex)}; a profile needs a few)";
                        open.Add((token == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, path, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                    {
                        string parent = open[^1].Path;
                        if (!TryGetText(ref reader, out string name))
                            return $"{Here(parent)}: a field name is not valid Unicode text ({Line(reader.TokenStartIndex)}; a lone surrogate such as \\ud800?)";
                        if (name.Length > 256) return $"{Here(parent)}: a field name of {name.Length} characters ({Line(reader.TokenStartIndex)}); field names are short";
                        path = Field(parent, name);
                        if (open[^1].Names is { } names && !names.Add(name))
                            return $"{path}: given twice in one object ({Line(reader.TokenStartIndex)}; a JSON object names each field once)";
                        break;
                    }
                    case JsonTokenType.String:
                        if (!TryGetText(ref reader, out string text))
                            return $"{Here(path)}: not valid Unicode text ({Line(reader.TokenStartIndex)}; a lone surrogate such as \\ud800?)";
                        if (text.Length > MaxStringLength)
                            return $"{Here(path)}: text of {text.Length} characters ({Line(reader.TokenStartIndex)}); at most {MaxStringLength}";
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
    /// The path of field <paramref name="name"/> inside <paramref name="parent"/> as errors print it:
    /// <c>timing.rate_hz</c>; a name a path cannot spell plainly (<c>a b</c>, <c>$ref</c>) is quoted: <c>timing.'a b'</c>.
    /// </summary>
    public static string Field(string parent, string name)
    {
        bool plain = name.Length > 0;
        foreach (char ch in name) if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_' || ch == '-')) { plain = false; break; }
        string step = plain ? name : "'" + name.Replace("'", "\\'", StringComparison.Ordinal) + "'";
        return parent.Length == 0 ? step : parent + "." + step;
    }

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    private static bool TryGetText(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>
    /// Resolves <paramref name="root"/>'s <c>extends</c> chain into one object (the chain's sources
    /// are appended to <paramref name="describedSource"/>), then applies the options' key=value
    /// overrides. The result holds no <c>extends</c> key. <paramref name="root"/> is not modified.
    /// </summary>
    public static JsonObject Compose(JsonObject root, string source, ProfileLoadOptions? options, out string describedSource)
    {
        options ??= new ProfileLoadOptions();
        var chain = new List<string> { source };
        var seen = new HashSet<string>(StringComparer.Ordinal) { Identity(source) };
        JsonObject merged = Resolve(root, source, options.BaseDirectory, options, chain, seen, 0);
        describedSource = chain.Count > 1 ? $"{source} (extends {string.Join(" → ", chain.GetRange(1, chain.Count - 1))})" : source;
        if (!options.KeepDemos) ApplyDemo(merged, options.Demo, options.DefaultDemo, source);
        if (options.Sets.Count > 0)
        {
            foreach (string set in options.Sets) ApplySet(merged, set, describedSource, options.OverrideLabel);
            describedSource += $" with {options.OverrideLabel} " + string.Join($" {options.OverrideLabel} ", options.Sets);
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
            parentSource = path;
            parentText = ProfileFile.Read(path, source, ExtendsKey, parentName);
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
    private static void ApplyDemo(JsonObject merged, string? demo, string? defaultDemo, string source)
    {
        merged.TryGetPropertyValue(DemosKey, out JsonNode? demos);
        merged.Remove(DemosKey);
        if (demo is null && merged["demo"] is JsonValue v && v.GetValueKind() == JsonValueKind.String) demo = v.GetValue<string>();
        // A profile that names no application runs the host's default, its entry under demos included.
        if (string.IsNullOrEmpty(demo) && !string.IsNullOrEmpty(defaultDemo)) demo = defaultDemo;
        if (demos is not null)
        {
            if (demos is not JsonObject byName)
                throw new ProfileException(source, new[] { $"{DemosKey}: must be an object: demo name → settings merged over the profile when that demo runs" });
            foreach (var (name, entry) in ToList(byName))
            {
                if (entry is not JsonObject settings)
                    throw new ProfileException(source, new[] { $"{Field(DemosKey, name)}: must be an object of profile settings" });
                if (settings.ContainsKey(DemosKey) || settings.ContainsKey(ExtendsKey) || settings.ContainsKey("demo") || settings.ContainsKey("apps"))
                    throw new ProfileException(source, new[] { $"{Field(DemosKey, name)}: may not hold '{DemosKey}', '{ExtendsKey}', 'demo' or 'apps'" });
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
    /// (<c>timing.rate_hz</c>, <c>pwm[0].chip</c>), or with a list entry named by its <c>name</c> field
    /// (<c>app.nodes[model].config.path</c>); missing objects on the way are created. The value
    /// is kept as text when the field it replaces is text, else read as JSON (numbers, true/false,
    /// [lists], {objects}), else kept as text; <c>null</c> removes the field (a list entry becomes null). Errors name the key.
    /// </summary>
    public static void ApplySet(JsonObject root, string set, string source, string label = ProfileLoadOptions.DefaultOverrideLabel)
    {
        int eq = set.IndexOf('=');
        if (eq <= 0) throw new ProfileException(source, new[] { $"{label} {set}: expected key=value (e.g. timing.rate_hz=20)" });
        string key = set[..eq];
        string raw = set[(eq + 1)..];
        if (key.Length > 256) throw BadKey(key[..32] + "…", source, label);
        var steps = ParsePath(key, set, source, label);
        if (steps.Count > MaxNesting) throw new ProfileException(source, new[] { $"{label} {key}: more than {MaxNesting} levels deep; no profile field is" });
        if (raw.Length > MaxStringLength || !IsWellFormed(raw))
            throw new ProfileException(source, new[] { $"{label} {key}: the value is not valid Unicode text or longer than {MaxStringLength} characters" });

        JsonNode current = root;
        string at = "";
        for (int i = 0; i < steps.Count; i++)
        {
            var (name, index, entry) = steps[i];
            bool last = i == steps.Count - 1;
            if (entry is not null)
            {
                // [NAME]: the list entry whose "name" is NAME (app.nodes[model]), so a key need not count entries.
                if (current is not JsonArray named)
                    throw new ProfileException(source, new[] { $"{label} {key}: {at} is {Describe(current)}, not a list" });
                index = IndexOfName(named, entry);
                if (index < 0)
                {
                    var names = new List<string>();
                    foreach (JsonNode? e in named)
                        if (e is JsonObject o && o["name"] is JsonValue nv && nv.GetValueKind() == JsonValueKind.String) names.Add(nv.GetValue<string>());
                    throw new ProfileException(source, new[] { $"{label} {key}: {at} has no entry named '{entry}' ({(names.Count == 0 ? "its entries have no names" : "names: " + string.Join(", ", names))})" });
                }
            }
            if (name is not null)
            {
                if (current is not JsonObject obj)
                    throw new ProfileException(source, new[] { $"{label} {key}: {(at.Length == 0 ? "(top level)" : at)} is {Describe(current)}, not an object with fields" });
                at = at.Length == 0 ? name : at + "." + name;
                if (last)
                {
                    // null removes the field, so it reads as left out (its default), also where a JSON null would be refused (a node's config.sha256).
                    if (raw == "null") obj.Remove(name);
                    else obj[name] = ParseValue(raw, obj[name], key, source, label);
                    return;
                }
                JsonNode? next = obj[name];
                if (next is null)
                {
                    if (steps[i + 1].Name is null)
                        throw new ProfileException(source, new[] { $"{label} {key}: {at} is not a list in this profile" });
                    next = new JsonObject();
                    obj[name] = next;
                }
                current = next;
            }
            else
            {
                int n = index!.Value;
                if (current is not JsonArray arr)
                    throw new ProfileException(source, new[] { $"{label} {key}: {at} is {Describe(current)}, not a list" });
                if (n >= arr.Count)
                    throw new ProfileException(source, new[] { $"{label} {key}: {at} has {arr.Count} entr{(arr.Count == 1 ? "y" : "ies")}, so there is no [{n}]" });
                at += $"[{n}]";
                if (last)
                {
                    arr[n] = ParseValue(raw, arr[n], key, source, label);
                    return;
                }
                current = arr[n] ?? throw new ProfileException(source, new[] { $"{label} {key}: {at} is null" });
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

    private static JsonNode? ParseValue(string raw, JsonNode? replaced, string key, string source, string label)
    {
        // null clears a field (its default), text included: no profile value is the word "null".
        if (raw == "null") return null;
        if (replaced is JsonValue v && v.GetValueKind() == JsonValueKind.String) return JsonValue.Create(raw);
        // A value read as JSON is checked as a profile file is: a field twice, broken text, deep nesting.
        if (FirstTextProblem(raw, key) is string problem) throw new ProfileException(source, new[] { label + " " + problem });
        try
        {
            return JsonNode.Parse(raw, NodeOptions, DocumentOptions);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }

    /// <summary>The index of the entry of <paramref name="list"/> whose <c>name</c> is <paramref name="name"/>, or -1.</summary>
    private static int IndexOfName(JsonArray list, string name)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] is JsonObject o && o["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == name) return i;
        return -1;
    }

    // A step is a field name, a list index [N] or a list entry by its name [NAME].
    private static List<(string? Name, int? Index, string? Entry)> ParsePath(string key, string set, string source, string label)
    {
        var steps = new List<(string?, int?, string?)>();
        int i = 0;
        while (i < key.Length)
        {
            if (key[i] == '[')
            {
                int close = key.IndexOf(']', i);
                if (steps.Count == 0 || close < 0) throw BadKey(key, source, label);
                var inside = key.AsSpan(i + 1, close - i - 1);
                if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) steps.Add((null, n, null));
                else if (IsEntryName(inside)) steps.Add((null, null, inside.ToString()));
                else throw BadKey(key, source, label);
                i = close + 1;
                if (i < key.Length && key[i] == '.') { i++; if (i == key.Length) throw BadKey(key, source, label); }
                else if (i < key.Length && key[i] != '[') throw BadKey(key, source, label);
                continue;
            }
            int start = i;
            while (i < key.Length && (char.IsAsciiLetterOrDigit(key[i]) || key[i] == '_' || key[i] == '-')) i++; // '-': demo names (demos.line-follower.…)
            if (i == start) throw BadKey(key, source, label);
            steps.Add((key[start..i], null, null));
            if (i < key.Length)
            {
                if (key[i] == '.') { i++; if (i == key.Length) throw BadKey(key, source, label); }
                else if (key[i] != '[') throw BadKey(key, source, label);
            }
        }
        if (steps.Count == 0) throw BadKey(key, source, label);
        return steps;
    }

    // Names as the graph's nodes spell them: letters, digits, '-' and '_' (all digits is an index, read before).
    private static bool IsEntryName(ReadOnlySpan<char> name)
    {
        if (name.Length == 0) return false;
        foreach (char ch in name) if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_' || ch == '-')) return false;
        return true;
    }

    private static ProfileException BadKey(string key, string source, string label) =>
        new(source, new[] { $"{label} {key}: not a field path (expected names joined by '.', with [N] or [NAME] for a list entry, e.g. timing.rate_hz, pwm[0].chip or app.nodes[model].config.path)" });
}
