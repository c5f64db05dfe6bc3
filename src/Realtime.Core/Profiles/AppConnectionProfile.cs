namespace Realtime.Core.Profiles;

/// <summary>One connection of an application graph.</summary>
public sealed class AppConnectionProfile
{
    /// <summary>The output, <c>node.port</c>.</summary>
    public string From { get; set; } = "";
    /// <summary>The input, <c>node.port</c>.</summary>
    public string To { get; set; } = "";
}
