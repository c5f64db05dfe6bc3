using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Realtime.Core.Graph;

/// <summary>
/// A node's own configuration section (a JSON object, read without reflection), read field by
/// field with the value's bounds: a wrong value becomes a problem naming the field
/// (<c>app.nodes[2].config.threshold: must be between 0 and 1, got 3</c>) and the reader returns
/// the fallback, so one pass reports every problem. A field nobody read is reported as unknown.
/// </summary>
public sealed class NodeConfig
{
    private readonly JsonElement _section;
    private readonly bool _present;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _problems;
    private readonly List<NodeConfig> _children = new();

    /// <summary>A reader over <paramref name="section"/> (null or undefined: an empty section) whose fields are named under <paramref name="field"/>.</summary>
    public NodeConfig(JsonElement? section, string field) : this(section, field, new List<string>())
    {
    }

    // A nested section shares its parent's problems, so one list names them all.
    private NodeConfig(JsonElement? section, string field, List<string> problems)
    {
        _problems = problems;
        Field = field;
        if (section is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } s)
        {
            if (s.ValueKind == JsonValueKind.Object) { _section = s; _present = true; }
            else _problems.Add($"{field}: expected an object of settings, got {Kind(s)}");
        }
    }

    /// <summary>The section's field path (<c>app.nodes[2].config</c>).</summary>
    public string Field { get; }
    /// <summary>Problems found so far, each naming its field.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Adds a problem of the component's own about <paramref name="name"/> (a check across fields).</summary>
    public void Problem(string name, string what) => _problems.Add($"{Field}.{name}: {what}");

    /// <summary>Whether the section gives <paramref name="name"/>.</summary>
    public bool Has(string name) => _present && _section.TryGetProperty(name, out _);

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; required when <paramref name="fallback"/> is null.</summary>
    public double Number(string name, double min, double max, double? fallback = null)
    {
        if (!Get(name, fallback is null, out JsonElement v)) return fallback ?? min;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
            return Bad(name, $"expected a number, got {Kind(v)}", fallback ?? min);
        if (d < min || d > max) return Bad(name, $"must be between {F(min)} and {F(max)}, got {F(d)}", fallback ?? min);
        return d;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; required when <paramref name="fallback"/> is null.</summary>
    public int Integer(string name, int min, int max, int? fallback = null)
    {
        if (!Get(name, fallback is null, out JsonElement v)) return fallback ?? min;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n))
            return Bad(name, $"expected a whole number, got {Kind(v)}", fallback ?? min);
        if (n < min || n > max) return Bad(name, $"must be between {min} and {max}, got {n}", fallback ?? min);
        return (int)n;
    }

    /// <summary>True or false; <paramref name="fallback"/> when left out.</summary>
    public bool Flag(string name, bool fallback)
    {
        if (!Get(name, false, out JsonElement v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Bad(name, $"expected true or false, got {Kind(v)}", fallback),
        };
    }

    /// <summary>Text, one of <paramref name="allowed"/> when given (empty: any non-empty text); required when <paramref name="fallback"/> is null.</summary>
    public string Text(string name, string? fallback = null, params string[] allowed)
    {
        string dflt = fallback ?? (allowed.Length > 0 ? allowed[0] : "");
        if (!Get(name, fallback is null, out JsonElement v)) return dflt;
        if (v.ValueKind != JsonValueKind.String) return Bad(name, $"expected text, got {Kind(v)}", dflt);
        string s = v.GetString()!;
        if (allowed.Length > 0 && Array.IndexOf(allowed, s) < 0) return Bad(name, $"must be one of {string.Join(", ", allowed)}, got '{Cut(s)}'", dflt);
        if (allowed.Length == 0 && s.Length == 0) return Bad(name, "must not be empty", dflt);
        return s;
    }

    /// <summary>A list of whole numbers, each in [<paramref name="min"/>, <paramref name="max"/>], of 1 to <paramref name="maxCount"/> entries; required.</summary>
    public int[] Integers(string name, int min, int max, int maxCount = 16)
    {
        if (!Get(name, true, out JsonElement v)) return Array.Empty<int>();
        if (v.ValueKind != JsonValueKind.Array) return Bad(name, $"expected a list of whole numbers, got {Kind(v)}", Array.Empty<int>());
        int count = v.GetArrayLength();
        if (count < 1 || count > maxCount) return Bad(name, $"must have 1 to {maxCount} entries, got {count}", Array.Empty<int>());
        var list = new int[count];
        int i = 0;
        foreach (JsonElement e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long n) || n < min || n > max)
                return Bad($"{name}[{i}]", $"must be a whole number between {min} and {max}, got {Cut(e.GetRawText())}", Array.Empty<int>());
            list[i++] = (int)n;
        }
        return list;
    }

    /// <summary>A list of 1 to <paramref name="maxCount"/> non-empty texts; required.</summary>
    public string[] Texts(string name, int maxCount = 64)
    {
        if (!Get(name, true, out JsonElement v)) return Array.Empty<string>();
        if (v.ValueKind != JsonValueKind.Array) return Bad(name, $"expected a list of text, got {Kind(v)}", Array.Empty<string>());
        int count = v.GetArrayLength();
        if (count < 1 || count > maxCount) return Bad(name, $"must have 1 to {maxCount} entries, got {count}", Array.Empty<string>());
        var list = new string[count];
        int i = 0;
        foreach (JsonElement e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || e.GetString()!.Length == 0)
                return Bad($"{name}[{i}]", $"expected non-empty text, got {Kind(e)}", Array.Empty<string>());
            list[i++] = e.GetString()!;
        }
        return list;
    }

    /// <summary>
    /// The nested object <paramref name="name"/> as a section of its own (its fields named
    /// <c>{Field}.{name}.x</c>, its problems added to this section's), or null when it is left out
    /// or is not an object (then a problem says so).
    /// </summary>
    public NodeConfig? Section(string name)
    {
        if (!Get(name, false, out JsonElement v)) return null;
        if (v.ValueKind != JsonValueKind.Object) return Bad<NodeConfig?>(name, $"expected an object, got {Kind(v)}", null);
        var child = new NodeConfig(v, $"{Field}.{name}", _problems);
        _children.Add(child);
        return child;
    }

    /// <summary>The names of the section's fields, in order (an empty list when it is left out); reading them is up to the caller.</summary>
    public IReadOnlyList<string> Names()
    {
        var names = new List<string>();
        if (_present) foreach (JsonProperty p in _section.EnumerateObject()) names.Add(p.Name);
        return names;
    }

    /// <summary>Reports every field of the section nobody read as unknown (a typo must not be silently ignored).</summary>
    public void CheckUnknown()
    {
        foreach (var child in _children) child.CheckUnknown();
        if (!_present) return;
        foreach (JsonProperty p in _section.EnumerateObject())
            if (!_read.Contains(p.Name)) _problems.Add($"{Field}.{Cut(p.Name)}: unknown field");
    }

    private bool Get(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        value = default;
        if (_present && _section.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) _problems.Add($"{Field}.{name}: required");
        return false;
    }

    private T Bad<T>(string name, string what, T fallback)
    {
        _problems.Add($"{Field}.{name}: {what}");
        return fallback;
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"'{Cut(v.GetString()!)}'",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => Cut(v.GetRawText()),
    };

    private static string Cut(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static string F(double d) => d.ToString("G", CultureInfo.InvariantCulture);
}
