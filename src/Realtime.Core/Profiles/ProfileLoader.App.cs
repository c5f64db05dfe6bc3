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
        if (app.Pipeline is { } pipeline) ValidatePipeline(app, pipeline, add);
        if (app.Loop is not { } loop) return;
        if (loop.RateHz is double r && !(r >= MinRateHz && r <= MaxRateHz)) add("app.loop.rate_hz", $"must be {F(MinRateHz)}..{F(MaxRateHz)}, got {F(r)}");
        if (loop.DeadlineUs is long d && (d <= 0 || d > MaxTimeUs)) add("app.loop.deadline_us", $"must be 1..{MaxTimeUs}, got {d}");
        else if (loop.DeadlineUs is long dl && loop.RateHz is double rate && rate >= MinRateHz && rate <= MaxRateHz && dl > PipelineDepth(app) * 1e6 / rate)
            add("app.loop.deadline_us", DeadlineTooLong(dl, rate, PipelineDepth(app)));
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

    /// <summary>The most stage groups one loop may have.</summary>
    public const int MaxPipelineGroups = 8;

    /// <summary>Frames a loop has in flight at once: its stage groups (1: one thread). A frame may take that many periods from capture to actuation.</summary>
    public static int PipelineDepth(AppProfile? app) => app?.Pipeline is { Count: > 1 } groups ? Math.Min(groups.Count, MaxPipelineGroups) : 1;

    private static string DeadlineTooLong(long deadlineUs, double rateHz, int depth)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        string period = $"{F(Math.Round(1e6 / rateHz))} µs at {F(rateHz)} Hz";
        return depth == 1 ? $"{deadlineUs} µs is longer than the period ({period})"
            : $"{deadlineUs} µs is longer than the {depth} periods a frame may spend in the {depth} stage groups of app.pipeline (a period is {period})";
    }

    // The form of app.pipeline: what needs the built graph (data-flow order, what crosses, sources first and outputs last) is checked by the loop.
    private static void ValidatePipeline(AppProfile app, List<AppPipelineGroupProfile> pipeline, Action<string, string> add)
    {
        if (pipeline.Count == 0) return;
        if (pipeline.Count == 1) { add("app.pipeline", "one group is the loop on one thread: give 2 or more groups, or leave app.pipeline out"); return; }
        if (pipeline.Count > MaxPipelineGroups) { add("app.pipeline", $"at most {MaxPipelineGroups} groups, got {pipeline.Count}"); return; }
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in app.Nodes) if (n.Name is { Length: > 0 } name) nodes.Add(name);
        var nodeGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        var stageGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        var coreGroup = new Dictionary<int, int>();
        for (int g = 0; g < pipeline.Count; g++)
        {
            var group = pipeline[g];
            string f = $"app.pipeline[{g}]";
            if (group is null) { add(f, "a group is an object with nodes or stages"); continue; }
            if ((group.Nodes is null) == (group.Stages is null)) add(f, "give the group's nodes (by name) or its stages, one of the two");
            if (group.Nodes is { } named)
            {
                if (named.Count == 0) add($"{f}.nodes", "no node named: a group runs at least one");
                foreach (string name in named)
                {
                    if (!nodes.Contains(name ?? "")) add($"{f}.nodes", $"no node is named '{MessageText.Shown(name ?? "")}' (app.nodes: {string.Join(", ", nodes)})");
                    else if (nodeGroup.TryGetValue(name!, out int other)) add($"{f}.nodes", $"'{name}' is already in app.pipeline[{other}]; a node runs in one group");
                    else nodeGroup.Add(name!, g);
                }
            }
            if (group.Stages is { } stages)
            {
                if (stages.Count == 0) add($"{f}.stages", "no stage named: a group runs at least one");
                foreach (string stage in stages)
                {
                    if (Array.IndexOf(StageNames, stage) < 0) add($"{f}.stages", $"unknown stage '{MessageText.Shown(stage ?? "")}' (expected one of {string.Join(", ", StageNames)})");
                    else if (stageGroup.TryGetValue(stage, out int other)) add($"{f}.stages", $"'{stage}' is already in app.pipeline[{other}]; a stage runs in one group");
                    else stageGroup.Add(stage, g);
                }
            }
            if (group.Priority < 0 || group.Priority > 99) add($"{f}.priority", $"must be 0 (the pipeline thread's) or 1..99 (SCHED_FIFO), got {group.Priority}");
            foreach (int core in group.Cores)
            {
                if (core < 0 || core >= 1024) add($"{f}.cores", $"core {core} does not exist");
                // Two groups on one core take turns instead of overlapping (at SCHED_FIFO one can starve the other): the point of a group is a core of its own.
                else if (coreGroup.TryGetValue(core, out int other))
                    add($"{f}.cores", other == g ? $"core {core} is listed twice" : $"core {core} is also app.pipeline[{other}]'s: each stage group runs on cores of its own");
                else coreGroup.Add(core, g);
            }
        }
    }
}
