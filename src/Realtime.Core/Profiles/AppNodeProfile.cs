using System.Text.Json;

namespace Realtime.Core.Profiles;

/// <summary>One node of an application graph.</summary>
public sealed class AppNodeProfile
{
    /// <summary>Unique name (letters, digits, '-', '_').</summary>
    public string Name { get; set; } = "";
    /// <summary>The component type, as registered.</summary>
    public string Type { get; set; } = "";
    /// <summary>The component's own settings, read and checked by the component.</summary>
    public JsonElement? Config { get; set; }

    /// <summary>The string field <paramref name="key"/> of its config, or null (absent, or not a string): for a tool reading a graph, not for the component, which checks its own config.</summary>
    public string? ConfigText(string key) =>
        Config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
