using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// A named step of an application with a life cycle: created from its configuration (the
/// constructor declares its ports and allocates its output payloads), <see cref="Start"/>ed once
/// its inputs are bound, <see cref="Process"/>ed once per frame (must not allocate), then
/// <see cref="Stop"/>ped. Its role says where the loop runs it and which stage's clock it stamps.
/// </summary>
public abstract class Node
{
    private readonly List<InputPort> _inputs = new();
    private readonly List<OutputPort> _outputs = new();

    /// <summary>A node of a role; <paramref name="stage"/> says which of the report's stages it belongs to.</summary>
    protected Node(string name, NodeRole role, Stage stage)
    {
        if (NameProblem(name) is { } why) throw new ArgumentException($"node name '{name}': {why}", nameof(name));
        bool fits = role switch
        {
            NodeRole.Source => stage == Stage.Capture,
            NodeRole.Transform => stage is Stage.Preprocess or Stage.Infer or Stage.Decode,
            NodeRole.Controller => stage == Stage.Control,
            _ => stage == Stage.Actuate,
        };
        if (!fits) throw new ArgumentException($"a {role} node cannot stamp the {stage} stage", nameof(stage));
        Name = name;
        Role = role;
        Stage = stage;
    }

    /// <summary>A node of a role, stamping its role's stage (a transform: <see cref="Stage.Preprocess"/>).</summary>
    protected Node(string name, NodeRole role) : this(name, role, role switch
    {
        NodeRole.Source => Stage.Capture,
        NodeRole.Transform => Stage.Preprocess,
        NodeRole.Controller => Stage.Control,
        _ => Stage.Actuate,
    })
    {
    }

    /// <summary>Unique in its graph.</summary>
    public string Name { get; }
    /// <summary>Its role.</summary>
    public NodeRole Role { get; }
    /// <summary>The stage whose end it stamps.</summary>
    public Stage Stage { get; }
    /// <summary>Its inputs, in declaration order.</summary>
    public IReadOnlyList<InputPort> Inputs => _inputs;
    /// <summary>Its outputs, in declaration order.</summary>
    public IReadOnlyList<OutputPort> Outputs => _outputs;

    /// <summary>Declares an input (in the constructor).</summary>
    protected InputPort<T> Input<T>(string name, PayloadType accepts, bool required = true) where T : Payload
    {
        CheckPortName(name, _inputs);
        var port = new InputPort<T>(this, name, accepts, required);
        _inputs.Add(port);
        return port;
    }

    /// <summary>Declares an output owning <paramref name="payload"/> (in the constructor).</summary>
    protected OutputPort<T> Output<T>(string name, T payload) where T : Payload
    {
        ArgumentNullException.ThrowIfNull(payload);
        CheckPortName(name, _outputs);
        var port = new OutputPort<T>(this, name, payload);
        _outputs.Add(port);
        return port;
    }

    /// <summary>The input named <paramref name="name"/>, or null.</summary>
    public InputPort? FindInput(string name)
    {
        foreach (var p in _inputs) if (p.Name == name) return p;
        return null;
    }

    /// <summary>The output named <paramref name="name"/>, or null.</summary>
    public OutputPort? FindOutput(string name)
    {
        foreach (var p in _outputs) if (p.Name == name) return p;
        return null;
    }

    /// <summary>Once, after the graph is built and before the first frame: open devices, size what depends on the inputs.</summary>
    public virtual void Start()
    {
    }

    /// <summary>One frame: read the inputs, write the outputs in place. Must not allocate.</summary>
    public abstract void Process();

    /// <summary>Once, after the last frame.</summary>
    public virtual void Stop()
    {
    }

    /// <summary>Adds the node's own figures to its section of the report.</summary>
    public virtual void Report(NodeReport report)
    {
    }

    /// <summary>Why <paramref name="name"/> cannot name a node or port, or null: 1–64 letters, digits, '-' or '_' (a '.' would split <c>node.port</c>).</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "must not be empty";
        if (name.Length > 64) return "longer than 64 characters";
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')) return "only letters, digits, '-' and '_' (a '.' would split node.port)";
        return null;
    }

    private static void CheckPortName<TPort>(string name, List<TPort> declared) where TPort : Port
    {
        if (NameProblem(name) is { } why) throw new ArgumentException($"port name '{name}': {why}", nameof(name));
        foreach (var p in declared) if (p.Name == name) throw new ArgumentException($"port '{name}' declared twice", nameof(name));
    }
}
