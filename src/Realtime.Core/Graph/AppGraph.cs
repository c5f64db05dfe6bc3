using System;
using System.Collections.Generic;

namespace Realtime.Core.Graph;

/// <summary>
/// A built, checked application graph: every connection bound, no cycle, every required input fed,
/// one writer per actuator. Nodes are in the order a frame runs them (topological; among nodes that
/// may run, the earlier stage first, then declaration order).
/// </summary>
public sealed class AppGraph
{
    internal AppGraph(Node[] order, SourceNode[] sources, Node[] steps, SinkNode[] sinks, Node?[] fallbacks, GateNode[][] stepGates)
    {
        StepGates = stepGates;
        Nodes = order;
        Sources = sources;
        Steps = steps;
        Sinks = sinks;
        FallbackProducers = fallbacks;
    }

    /// <summary>All nodes, in run order.</summary>
    public IReadOnlyList<Node> Nodes { get; }
    /// <summary>The sources, in run order.</summary>
    public SourceNode[] Sources { get; }
    /// <summary>Transforms and controllers run every frame, in run order (not the fallback controllers).</summary>
    public Node[] Steps { get; }
    /// <summary>The sinks.</summary>
    public SinkNode[] Sinks { get; }
    /// <summary>Per sink (same index), the controller feeding its fallback input, run only when the watchdog asks for the fallback; null when none.</summary>
    public Node?[] FallbackProducers { get; }

    /// <summary>Per step (same index), the gates it depends on (those guarding it, and theirs); empty when it always runs.</summary>
    public GateNode[][] StepGates { get; }

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public Node? Find(string name)
    {
        foreach (var n in Nodes) if (n.Name == name) return n;
        return null;
    }

    /// <summary>Starts every node, sources first; if one fails, those started are stopped again and the failure is thrown.</summary>
    public void Start()
    {
        int started = 0;
        try
        {
            for (; started < Nodes.Count; started++) Nodes[started].Start();
        }
        catch
        {
            for (int i = started - 1; i >= 0; i--)
            {
                try { Nodes[i].Stop(); }
                catch (Exception) { /* the first failure is the one to report */ }
            }
            throw;
        }
    }

    /// <summary>Stops every node, sinks first; every node is stopped even if one throws (the first failure is then thrown).</summary>
    public void Stop()
    {
        Exception? first = null;
        for (int i = Nodes.Count - 1; i >= 0; i--)
        {
            try { Nodes[i].Stop(); }
            catch (Exception ex) { first ??= ex; }
        }
        if (first is not null) throw first;
    }

    /// <summary>Each node's report section, by node name.</summary>
    public Dictionary<string, NodeReport> Reports()
    {
        var all = new Dictionary<string, NodeReport>(StringComparer.Ordinal);
        foreach (var n in Nodes)
        {
            var r = new NodeReport();
            n.Report(r);
            if (r.Figures.Count > 0) all[n.Name] = r;
        }
        return all;
    }
}
