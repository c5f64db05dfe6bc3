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
}
