using System;
using System.Collections.Generic;
using System.Globalization;

namespace Realtime.Core.Profiles;

/// <summary>
/// Validation of the <c>app</c> section that needs no component registry: the loop's timing and
/// the form of nodes and connections. Component types, their settings and the connections' types
/// are checked when a <see cref="Graph.ComponentRegistry"/> builds the graph.
/// </summary>
public static partial class ProfileLoader
{
    /// <summary>The most nodes (and connections) one application may have: a graph is small, a huge one is a hostile file.</summary>
    public const int MaxAppNodes = 256;

    private static void ValidateApp(AppProfile app, Action<string, string> add)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (app.Nodes.Count > MaxAppNodes) add("app.nodes", $"at most {MaxAppNodes} nodes, got {app.Nodes.Count}");
        if (app.Connections.Count > MaxAppNodes * 4) add("app.connections", $"at most {MaxAppNodes * 4} connections, got {app.Connections.Count}");
        for (int i = 0; i < app.Nodes.Count && i < MaxAppNodes; i++)
        {
            var n = app.Nodes[i];
            if (Graph.Node.NameProblem(n.Name) is { } why) add($"app.nodes[{i}].name", why);
            if (string.IsNullOrEmpty(n.Type)) add($"app.nodes[{i}].type", "required (a registered component type)");
        }
        for (int i = 0; i < app.Connections.Count && i < MaxAppNodes * 4; i++)
        {
            var c = app.Connections[i];
            if (string.IsNullOrEmpty(c.From)) add($"app.connections[{i}].from", "required (node.port)");
            if (string.IsNullOrEmpty(c.To)) add($"app.connections[{i}].to", "required (node.port)");
        }
        if (app.Loop is not { } loop) return;
        if (loop.RateHz is double r && !(r >= MinRateHz && r <= MaxRateHz)) add("app.loop.rate_hz", $"must be {F(MinRateHz)}..{F(MaxRateHz)}, got {F(r)}");
        if (loop.DeadlineUs is long d && (d <= 0 || d > MaxTimeUs)) add("app.loop.deadline_us", $"must be 1..{MaxTimeUs}, got {d}");
        else if (loop.DeadlineUs is long dl && loop.RateHz is double rate && rate >= MinRateHz && rate <= MaxRateHz && dl > 1e6 / rate)
            add("app.loop.deadline_us", $"{dl} µs is longer than the period ({F(Math.Round(1e6 / rate))} µs at {F(rate)} Hz)");
        if (loop.BudgetsUs is { } budgets)
        {
            foreach (var kv in budgets)
            {
                string f = ProfileComposer.Field("app.loop.budgets_us", kv.Key);
                if (Array.IndexOf(StageNames, kv.Key) < 0) add(f, $"unknown stage (expected one of {string.Join(", ", StageNames)})");
                if (kv.Value <= 0 || kv.Value > MaxTimeUs) add(f, $"must be 1..{MaxTimeUs}, got {kv.Value}");
            }
        }
    }
}
