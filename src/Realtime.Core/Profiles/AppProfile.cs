using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>The application graph of a profile: named nodes by component type, the connections between their ports, and the loop's timing.</summary>
public sealed class AppProfile
{
    /// <summary>The nodes: name, component type, the component's own configuration.</summary>
    public List<AppNodeProfile> Nodes { get; set; } = new();
    /// <summary>The connections, <c>node.port</c> to <c>node.port</c>.</summary>
    public List<AppConnectionProfile> Connections { get; set; } = new();
    /// <summary>The loop's rate, deadline and stage budgets (the board's <c>timing</c> when left out).</summary>
    public AppLoopProfile? Loop { get; set; }
    /// <summary>
    /// Stage groups on threads and cores of their own, joined by newest-wins hand-offs (null or
    /// empty: the whole loop on one thread).
    /// </summary>
    public List<AppPipelineGroupProfile>? Pipeline { get; set; }
}
