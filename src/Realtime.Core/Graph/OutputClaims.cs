using System;
using System.Collections.Generic;

namespace Realtime.Core.Graph;

/// <summary>
/// The board outputs claimed by the loops of one host (several applications, <c>apps[]</c>): two loops
/// driving one output would fight over it every frame and neither's safe state would hold, so the second
/// claim is refused, naming the node and loop that hold it. Shared by the loops' <see cref="ComponentContext"/>s.
/// </summary>
public sealed class OutputClaims
{
    private readonly Dictionary<string, (string Loop, string Node)> _claims = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>
    /// Claims <paramref name="output"/> for node <paramref name="node"/> of loop <paramref name="loop"/>: null when
    /// it was free or is that node's already, else the holder as a message names it (<c>servos' of loop 'tracker</c>,
    /// to sit inside the quotes of "node '…'").
    /// </summary>
    public string? Claim(string output, string loop, string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentException.ThrowIfNullOrEmpty(node);
        lock (_gate)
        {
            if (_claims.TryGetValue(output, out var holder))
                return holder.Loop == loop && holder.Node == node ? null : $"{holder.Node}' of loop '{holder.Loop}";
            _claims.Add(output, (loop, node));
            return null;
        }
    }
}
