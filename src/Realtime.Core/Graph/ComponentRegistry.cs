using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using Realtime.Core.Profiles;

namespace Realtime.Core.Graph;

/// <summary>
/// Component types by name, each with its factory: how a profile composes an application without
/// C# and without reflection (NativeAOT). A user's own component is one class plus one
/// <see cref="Register"/> line.
/// </summary>
public sealed class ComponentRegistry
{
    private readonly Dictionary<string, Registration> _types = new(StringComparer.Ordinal);

    private readonly record struct Registration(ComponentFactory Factory, string Description, NodeRole? Role, FileReferences? Files, bool Concurrent, IReadOnlyList<string>? Libraries);

    /// <summary>
    /// Registers <paramref name="type"/>; a name is registered once. <paramref name="role"/> says what
    /// its nodes are (a sink must say <see cref="NodeRole.Sink"/>): the registry builds and opens the
    /// sinks before anything else, and <see cref="BuildSinks"/> builds them alone, both from this
    /// declaration, so a node whose role differs from it is refused when it is built. <paramref name="files"/>
    /// says which files a node's configuration references (<see cref="Files"/>: what a bundle packs).
    /// <paramref name="concurrent"/> says its nodes are slow to create (a model loads its session) and
    /// touch, while created, only their own configuration and the <see cref="ComponentContext"/>: <see cref="Build"/>
    /// then creates each on a thread of its own, beside the other nodes (a camera opening its video),
    /// so that a cold start waits for the slowest of them rather than for their sum.
    /// <paramref name="libraries"/> are the native libraries its nodes load beside the binary (OpenCV's
    /// for a video file's source: <see cref="NativeLibraries"/>, what a bundle ships only when a node needs it).
    /// </summary>
    public ComponentRegistry Register(string type, ComponentFactory factory, string description = "", NodeRole? role = null, FileReferences? files = null, bool concurrent = false,
        IReadOnlyList<string>? libraries = null)
    {
        if (Node.NameProblem(type) is { } why) throw new ArgumentException($"component type '{type}': {why}", nameof(type));
        ArgumentNullException.ThrowIfNull(factory);
        if (concurrent && role == NodeRole.Sink) throw new ArgumentException($"component type '{type}': a sink is created first, alone, and driven safe before anything else: it cannot be created concurrently", nameof(concurrent));
        if (!_types.TryAdd(type, new Registration(factory, description, role, files, concurrent, libraries))) throw new ArgumentException($"component type '{type}' is already registered", nameof(type));
        return this;
    }

    /// <summary>
    /// A new registry holding this one's types and <paramref name="type"/>: a tool's own component (the
    /// bench's naive model) joins the application's types for that tool's builds only, never the host's.
    /// </summary>
    public ComponentRegistry With(string type, ComponentFactory factory, string description = "")
    {
        var overlay = new ComponentRegistry();
        foreach (var (name, t) in _types) overlay._types.Add(name, t);
        return overlay.Register(type, factory, description);
    }

    /// <summary>Whether <paramref name="type"/> is registered.</summary>
    public bool Contains(string type) => _types.ContainsKey(type);

    /// <summary>The registered types, sorted.</summary>
    public IReadOnlyList<string> Types
    {
        get
        {
            var list = new List<string>(_types.Keys);
            list.Sort(StringComparer.Ordinal);
            return list;
        }
    }

    /// <summary>What a type is, in words.</summary>
    public string Describe(string type) => _types.TryGetValue(type, out var t) ? t.Description : "";

    /// <summary>Whether <paramref name="type"/>'s nodes are created on threads of their own, beside the other nodes.</summary>
    public bool IsConcurrent(string? type) => type is not null && _types.TryGetValue(type, out var t) && t.Concurrent;

    /// <summary>The role <paramref name="type"/> was registered with (null: not said, so not a sink).</summary>
    public NodeRole? RoleOf(string type) => _types.TryGetValue(type, out var t) ? t.Role : null;

    /// <summary>
    /// The files the nodes of <paramref name="app"/> reference, as each type declared them (from the
    /// configurations alone: no node is created, no model loaded), in declaration order, each path
    /// once; the field is the profile's (<c>app.nodes[2].config.path</c>). Unknown types reference nothing.
    /// </summary>
    public IReadOnlyList<ReferencedFile> Files(AppProfile app, string fieldPrefix = "app")
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = new List<ReferencedFile>();
        for (int i = 0; i < app.Nodes.Count; i++)
        {
            if (!_types.TryGetValue(app.Nodes[i].Type ?? "", out var t) || t.Files is null) continue;
            foreach (var f in t.Files(new NodeConfig(app.Nodes[i].Config, $"{fieldPrefix}.nodes[{i}].config")))
            {
                if (f.Path.Length == 0) continue;
                bool seen = false;
                foreach (var g in files) seen |= g.Path == f.Path;
                if (!seen) files.Add(f);
            }
        }
        return files;
    }

    /// <summary>The native libraries the nodes of <paramref name="app"/> load, as their types declared them, each once.</summary>
    public IReadOnlyList<string> NativeLibraries(AppProfile app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var libraries = new List<string>();
        foreach (var node in app.Nodes)
            if (_types.TryGetValue(node.Type ?? "", out var t) && t.Libraries is { } declared)
                foreach (string library in declared)
                    if (!libraries.Contains(library)) libraries.Add(library);
        return libraries;
    }

    /// <summary>Whether <paramref name="type"/> was registered as a sink.</summary>
    public bool IsSink(string? type) => type is not null && _types.TryGetValue(type, out var t) && t.Role == NodeRole.Sink;

    /// <summary>
    /// Builds the application graph of a profile's <c>app</c> section: every node created by its
    /// type's factory from its own configuration, then connected and checked. The sinks are created
    /// first (in declaration order among themselves) and handed to <paramref name="sinksOpen"/>
    /// (the host drives them safe and says so) before any source, model or other node is created,
    /// so the outputs are safe before anything slow loads; the nodes of a type registered concurrent
    /// are then created on threads of their own beside the others. Every problem (an unknown type, a bad
    /// setting, a bad connection) is collected; one <see cref="ProfileException"/> names them all with
    /// the context's source (the file) and the field. What a factory gave the context to own is the
    /// caller's to release by disposing <paramref name="context"/>. <paramref name="created"/> is told
    /// of each node as soon as it is created, on the thread that created it (a start-up timeline's stamps).
    /// </summary>
    public AppGraph Build(AppProfile app, ComponentContext context, string fieldPrefix = "app", Action<IReadOnlyList<SinkNode>>? sinksOpen = null, Action<Node>? created = null, Action? whileConcurrentLoad = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(context);
        int n = app.Nodes.Count;
        var nodes = new Node?[n];
        var problems = new List<string>?[n];
        var sinks = new List<SinkNode>();
        bool sinksFine = true;
        for (int i = 0; i < n; i++)
        {
            if (!IsSink(app.Nodes[i].Type)) continue;
            nodes[i] = Create(app.Nodes[i], $"{fieldPrefix}.nodes[{i}]", context, problems[i] = new List<string>());
            if (nodes[i] is SinkNode sink) sinks.Add(sink);
            if (nodes[i] is { } node) created?.Invoke(node);
            else sinksFine = false;
        }
        // Only a complete set is announced safe; a sink that failed makes the build fail anyway.
        if (sinksFine && sinks.Count > 0) sinksOpen?.Invoke(sinks);
        // Concurrent types (model nodes) start first, each on a thread of its own; the rest are
        // created here meanwhile, then every thread is joined before anything is connected.
        var threads = new List<(Thread Thread, int Index)>();
        ExceptionDispatchInfo? failure = null;
        for (int i = 0; i < n; i++)
        {
            if (problems[i] is not null || !IsConcurrent(app.Nodes[i].Type)) continue;
            int index = i;
            problems[i] = new List<string>();
            // A model's session creation runs ONNX Runtime's own code: a main thread's stack, not a small one.
            var thread = new Thread(() =>
            {
                try
                {
                    nodes[index] = Create(app.Nodes[index], $"{fieldPrefix}.nodes[{index}]", context, problems[index]!);
                    if (nodes[index] is { } node) created?.Invoke(node);
                }
                catch (Exception ex) { Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null); }
            }, 8 << 20) { Name = $"create-{app.Nodes[i].Name}", IsBackground = true };
            thread.Start();
            threads.Add((thread, i));
        }
        try
        {
            for (int i = 0; i < n; i++)
            {
                if (problems[i] is not null) continue;
                nodes[i] = Create(app.Nodes[i], $"{fieldPrefix}.nodes[{i}]", context, problems[i] = new List<string>());
                if (nodes[i] is { } node) created?.Invoke(node);
            }
            whileConcurrentLoad?.Invoke();
        }
        finally
        {
            // Never leave with a node still being created: what it opens belongs to the context, which the caller releases.
            foreach (var (thread, _) in threads) thread.Join();
        }
        failure?.Throw();
        // Added in declaration order: fields, run order and problems read as the profile does.
        var builder = new GraphBuilder(context.Source, fieldPrefix);
        for (int i = 0; i < n; i++)
        {
            foreach (string p in problems[i]!) builder.Problem(p);
            if (nodes[i] is { } node) builder.Add(node);
            else builder.Skip(app.Nodes[i].Name ?? "");
        }
        foreach (AppConnectionProfile c in app.Connections) builder.Connect(c.From, c.To);
        return builder.Build();
    }

    /// <summary>
    /// Builds only the sinks of a profile's <c>app</c> section (the types registered as sinks), in
    /// declaration order: no source, no model, no connection is made, so what the other nodes name
    /// (a model, a video) need not exist. What a service's stop step drives safe. A problem with a
    /// sink's own configuration is one <see cref="ProfileException"/>; the sinks built are owned by
    /// <paramref name="context"/> as in <see cref="Build"/>.
    /// </summary>
    public IReadOnlyList<SinkNode> BuildSinks(AppProfile app, ComponentContext context, string fieldPrefix = "app")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<string>();
        var sinks = new List<SinkNode>();
        for (int i = 0; i < app.Nodes.Count; i++)
        {
            if (!IsSink(app.Nodes[i].Type)) continue;
            if (Create(app.Nodes[i], $"{fieldPrefix}.nodes[{i}]", context, problems) is SinkNode sink) sinks.Add(sink);
        }
        if (problems.Count > 0) throw new ProfileException(context.Source, problems);
        return sinks;
    }

    private Node? Create(AppNodeProfile spec, string field, ComponentContext context, List<string> problems)
    {
        bool ok = true;
        if (Node.NameProblem(spec.Name) is { } badName) { problems.Add($"{field}.name: '{spec.Name}' {badName}"); ok = false; }
        if (!_types.TryGetValue(spec.Type ?? "", out var type))
        {
            problems.Add(string.IsNullOrEmpty(spec.Type)
                ? $"{field}.type: required (known types: {string.Join(", ", Types)})"
                : $"{field}.type: unknown component type '{spec.Type}' (known types: {string.Join(", ", Types)})");
            return null;
        }
        var config = new NodeConfig(spec.Config, field + ".config");
        Node? node = null;
        try
        {
            if (ok) node = type.Factory(spec.Name, config, context);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or System.IO.IOException)
        {
            // The component refused what its checks let through (or the checks already said why).
            if (config.Problems.Count == 0) problems.Add($"{field}.config: {ex.Message}");
        }
        config.CheckUnknown();
        foreach (string p in config.Problems) problems.Add(p);
        if (node is not null && RoleProblem(spec.Type!, type.Role, node) is { } roleProblem)
        {
            problems.Add($"{field}: {roleProblem}");
            return null;
        }
        return config.Problems.Count == 0 ? node : null;
    }

    // The registration's role is what sinks-first and BuildSinks trust: a node that contradicts it is refused.
    private static string? RoleProblem(string type, NodeRole? declared, Node node)
    {
        if (declared is { } role && role != node.Role)
            return $"node '{node.Name}' is a {node.Role} but its type '{type}' was registered as a {role} (the registration's role must be the node's)";
        if (declared is null && node.Role == NodeRole.Sink)
            return $"node '{node.Name}' is a Sink but its type '{type}' was not registered with role: NodeRole.Sink (sinks are opened first and driven safe on their own, so a sink type must say so)";
        return null;
    }
}
