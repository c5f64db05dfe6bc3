using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;

namespace Realtime.Core.Graph;

/// <summary>
/// Component types by name, each with its factory: how a profile composes an application without
/// C# and without reflection (NativeAOT). A user's own component is one class plus one
/// <see cref="Register"/> line.
/// </summary>
public sealed class ComponentRegistry
{
    private readonly Dictionary<string, (ComponentFactory Factory, string Description)> _types = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="type"/>; a name is registered once.</summary>
    public ComponentRegistry Register(string type, ComponentFactory factory, string description = "")
    {
        if (Node.NameProblem(type) is { } why) throw new ArgumentException($"component type '{type}': {why}", nameof(type));
        ArgumentNullException.ThrowIfNull(factory);
        if (!_types.TryAdd(type, (factory, description))) throw new ArgumentException($"component type '{type}' is already registered", nameof(type));
        return this;
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

    /// <summary>
    /// Builds the application graph of a profile's <c>app</c> section: every node created by its
    /// type's factory from its own configuration, then connected and checked. Every problem (an
    /// unknown type, a bad setting, a bad connection) is collected; one <see cref="ProfileException"/>
    /// names them all with the context's source (the file) and the field. What a factory gave the
    /// context to own is the caller's to release by disposing <paramref name="context"/>.
    /// </summary>
    public AppGraph Build(AppProfile app, ComponentContext context, string fieldPrefix = "app")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(context);
        var builder = new GraphBuilder(context.Source, fieldPrefix);
        for (int i = 0; i < app.Nodes.Count; i++)
        {
            AppNodeProfile spec = app.Nodes[i];
            string field = $"{fieldPrefix}.nodes[{i}]";
            if (Create(spec, field, builder, context) is { } node) builder.Add(node);
            else builder.Skip(spec.Name ?? "");
        }
        foreach (AppConnectionProfile c in app.Connections) builder.Connect(c.From, c.To);
        return builder.Build();
    }

    private Node? Create(AppNodeProfile spec, string field, GraphBuilder builder, ComponentContext context)
    {
        bool ok = true;
        if (Node.NameProblem(spec.Name) is { } badName) { builder.Problem($"{field}.name: '{spec.Name}' {badName}"); ok = false; }
        if (!_types.TryGetValue(spec.Type ?? "", out var type))
        {
            builder.Problem(string.IsNullOrEmpty(spec.Type)
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
            if (config.Problems.Count == 0) builder.Problem($"{field}.config: {ex.Message}");
        }
        config.CheckUnknown();
        foreach (string p in config.Problems) builder.Problem(p);
        return config.Problems.Count == 0 ? node : null;
    }
}
