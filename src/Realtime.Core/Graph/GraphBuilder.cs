using System;
using System.Collections.Generic;
using System.Text;
using Realtime.Core.Profiles;

namespace Realtime.Core.Graph;

/// <summary>
/// Composes an application: nodes added, connections named <c>node.port</c> → <c>node.port</c>,
/// then <see cref="Build"/> checks it all at once — unknown node or port, a type, format or shape
/// mismatch, two writers on one input (on a sink: two controllers on one actuator), a cycle, an
/// unconnected required input — and throws one <see cref="ProfileException"/> whose lines each
/// name the profile field (<c>app.connections[3]: …</c>) and the file.
/// </summary>
public sealed class GraphBuilder
{
    private readonly string _source;
    private readonly string _prefix;
    private readonly List<(Node Node, string Field)> _nodes = new();
    private readonly List<(string From, string To, string Field)> _connections = new();
    private readonly List<string> _problems = new();
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);
    // Nodes a connection named with a port they lack: their unconnected inputs are that one mistake, not more.
    private readonly HashSet<Node> _misnamed = new();
    // The field of each guard edge (a gate's config.guards[j]), numbered after the connections.
    private readonly List<string> _guardEdges = new();

    /// <summary>A builder whose errors name <paramref name="source"/> (the file) and fields under <paramref name="fieldPrefix"/>.</summary>
    public GraphBuilder(string source = "(code)", string fieldPrefix = "app")
    {
        _source = source;
        _prefix = fieldPrefix;
    }

    /// <summary>Adds a node (its field is <c>app.nodes[i]</c>).</summary>
    public GraphBuilder Add(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes.Add((node, $"{_prefix}.nodes[{_nodes.Count}]"));
        return this;
    }

    /// <summary>Connects output <paramref name="from"/> (<c>node.port</c>) to input <paramref name="to"/> (its field is <c>app.connections[i]</c>).</summary>
    public GraphBuilder Connect(string from, string to)
    {
        _connections.Add((from ?? "", to ?? "", $"{_prefix}.connections[{_connections.Count}]"));
        return this;
    }

    /// <summary>A problem found before the builder (a node the registry could not create): reported with the others.</summary>
    internal void Problem(string line) => _problems.Add(line);

    /// <summary>A slot for a node that could not be created (its problem is already said), so later indices keep their fields and its connections raise no more noise.</summary>
    internal void Skip(string name)
    {
        _nodes.Add((null!, $"{_prefix}.nodes[{_nodes.Count}]"));
        _skipped.Add(name);
    }

    /// <summary>Checks and binds everything; throws <see cref="ProfileException"/> with every problem found.</summary>
    public AppGraph Build()
    {
        var problems = new List<string>(_problems);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _nodes.Count; i++)
        {
            var (node, field) = _nodes[i];
            if (node is null) continue;
            if (byName.TryGetValue(node.Name, out int first)) problems.Add($"{field}.name: '{node.Name}' is already the name of {_nodes[first].Field}; node names are unique");
            else byName.Add(node.Name, i);
        }

        var fedBy = new Dictionary<InputPort, int>();
        // An input a connection was meant for (even a broken one) is not reported unconnected as well: one problem, one line.
        var aimedAt = new HashSet<InputPort>();
        var edges = new List<(int From, int To, int Connection)>();
        for (int c = 0; c < _connections.Count; c++)
        {
            var (from, to, field) = _connections[c];
            var output = Resolve(from, field + ".from", byName, problems, output: true) as OutputPort;
            var input = Resolve(to, field + ".to", byName, problems, output: false) as InputPort;
            if (input is not null) aimedAt.Add(input);
            if (output is null || input is null) continue;
            if (fedBy.TryGetValue(input, out int other))
            {
                problems.Add(input.Node is SinkNode
                    ? $"{field}.to: two writers on one actuator: '{input}' is already fed by '{_connections[other].From}' ({_connections[other].Field}); an output has one controller"
                    : $"{field}.to: '{input}' is already fed by '{_connections[other].From}' ({_connections[other].Field}); an input takes one connection");
                continue;
            }
            if (input.Bind(output) is { } why)
            {
                problems.Add($"{field} ({from} → {to}): {why}");
                continue;
            }
            fedBy.Add(input, c);
            edges.Add((byName[output.Node.Name], byName[input.Node.Name], c));
        }

        bool anySource = false, anySink = false;
        for (int i = 0; i < _nodes.Count; i++)
        {
            var (node, field) = _nodes[i];
            if (node is null) continue;
            anySource |= node is SourceNode;
            anySink |= node is SinkNode;
            if (node.Role == NodeRole.Source && node is not SourceNode) problems.Add($"{field}: a source node derives from SourceNode");
            if (node.Role == NodeRole.Sink && node is not SinkNode) problems.Add($"{field}: a sink node derives from SinkNode");
            foreach (var input in node.Inputs)
                if (input.Required && !_misnamed.Contains(node) && !aimedAt.Contains(input))
                    problems.Add($"{field}: required input '{input}' ({input.Type}) is not connected");
        }
        if (_nodes.Count > 0 && problems.Count == 0)
        {
            if (!anySource) problems.Add($"{_prefix}.nodes: no source (a loop needs something to read)");
            if (!anySink) problems.Add($"{_prefix}.nodes: no sink (a loop needs an output to drive)");
        }
        else if (_nodes.Count == 0) problems.Add($"{_prefix}.nodes: no nodes");

        var guarded = problems.Count == 0 ? CheckGuards(byName, edges, problems) : null;
        int[]? order = problems.Count == 0 ? Order(edges, problems) : null;
        if (problems.Count > 0) throw new ProfileException(_source, problems);
        return Assemble(order!, edges, guarded!);
    }

    /// <summary>
    /// Each gate's guards name nodes that exist, that are neither sources, sinks nor the gate itself,
    /// and that do not feed the gate (it decides before they run). Every guard becomes an ordering
    /// edge gate → guarded node (its connection index past the connections'). Returns, per node
    /// index, the gates guarding it (null when none).
    /// </summary>
    private List<GateNode>?[] CheckGuards(Dictionary<string, int> byName, List<(int From, int To, int Connection)> edges, List<string> problems)
    {
        var gatesOf = new List<GateNode>?[_nodes.Count];
        int dataEdges = edges.Count;
        for (int g = 0; g < _nodes.Count; g++)
        {
            if (_nodes[g].Node is not GateNode gate) continue;
            for (int j = 0; j < gate.Guards.Count; j++)
            {
                string field = $"{_nodes[g].Field}.config.guards[{j}]", name = gate.Guards[j];
                if (!byName.TryGetValue(name, out int t)) { problems.Add($"{field}: no node named '{name}' (nodes: {Names(byName.Keys)})"); continue; }
                Node target = _nodes[t].Node;
                if (t == g) problems.Add($"{field}: a gate cannot guard itself");
                else if (target.Role is NodeRole.Source or NodeRole.Sink) problems.Add($"{field}: '{name}' is a {target.Role.ToString().ToLowerInvariant()}; a gate guards transforms and controllers (a source captures every frame, a sink is the watchdog's)");
                else if (Feeds(t, g, edges, dataEdges)) problems.Add($"{field}: '{name}' feeds '{gate.Name}' (it runs before the gate decides); a gate guards nodes downstream of it or beside it");
                else if (gatesOf[t]?.Contains(gate) == true) problems.Add($"{field}: '{name}' is named twice");
                else
                {
                    (gatesOf[t] ??= new List<GateNode>()).Add(gate);
                    _guardEdges.Add(field);
                    edges.Add((g, t, _connections.Count + _guardEdges.Count - 1));
                }
            }
        }
        return gatesOf;
    }

    /// <summary>Whether node <paramref name="from"/> reaches node <paramref name="to"/> through the first <paramref name="count"/> edges (connections).</summary>
    private bool Feeds(int from, int to, List<(int From, int To, int Connection)> edges, int count)
    {
        var seen = new bool[_nodes.Count];
        var stack = new Stack<int>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            int at = stack.Pop();
            if (at == to) return true;
            if (seen[at]) continue;
            seen[at] = true;
            for (int e = 0; e < count; e++) if (edges[e].From == at) stack.Push(edges[e].To);
        }
        return false;
    }

    private object? Resolve(string spec, string field, Dictionary<string, int> byName, List<string> problems, bool output)
    {
        string what = output ? "output" : "input";
        int dot = spec.IndexOf('.');
        if (dot <= 0 || dot == spec.Length - 1 || spec.IndexOf('.', dot + 1) >= 0)
        {
            problems.Add($"{field}: '{spec}' is not node.port");
            return null;
        }
        string nodeName = spec[..dot], portName = spec[(dot + 1)..];
        if (!byName.TryGetValue(nodeName, out int index))
        {
            if (_skipped.Contains(nodeName)) return null;
            problems.Add($"{field}: no node named '{nodeName}' (nodes: {Names(byName.Keys)})");
            return null;
        }
        Node node = _nodes[index].Node;
        Port? port = output ? node.FindOutput(portName) : node.FindInput(portName);
        if (port is not null) return port;
        if (!output) _misnamed.Add(node);
        var names = new List<string>();
        if (output) foreach (var p in node.Outputs) names.Add(p.Name);
        else foreach (var p in node.Inputs) names.Add(p.Name);
        problems.Add($"{field}: node '{nodeName}' has no {what} '{portName}' ({what}s: {(names.Count == 0 ? "none" : Names(names))})");
        return null;
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);

    /// <summary>Topological order, earliest stage first among the ready nodes; on a cycle, names a connection that closes it.</summary>
    private int[]? Order(List<(int From, int To, int Connection)> edges, List<string> problems)
    {
        int n = _nodes.Count;
        var indegree = new int[n];
        foreach (var e in edges) indegree[e.To]++;
        var done = new bool[n];
        var order = new int[n];
        for (int k = 0; k < n; k++)
        {
            int pick = -1;
            for (int i = 0; i < n; i++)
                if (!done[i] && indegree[i] == 0 && (pick < 0 || _nodes[i].Node.Stage < _nodes[pick].Node.Stage)) pick = i;
            if (pick < 0)
            {
                problems.Add(DescribeCycle(edges, done));
                return null;
            }
            done[pick] = true;
            order[k] = pick;
            foreach (var e in edges) if (e.From == pick) indegree[e.To]--;
        }
        return order;
    }

    private string DescribeCycle(List<(int From, int To, int Connection)> edges, bool[] done)
    {
        // Every node left has an incoming edge from another node left: walk back until a node repeats.
        int at = Array.IndexOf(done, false);
        var seen = new List<int>();
        var via = new List<int>();
        while (!seen.Contains(at))
        {
            seen.Add(at);
            foreach (var e in edges)
                if (e.To == at && !done[e.From]) { via.Add(e.Connection); at = e.From; break; }
        }
        int start = seen.IndexOf(at);
        var path = new StringBuilder();
        for (int i = seen.Count - 1; i >= start; i--) path.Append(_nodes[seen[i]].Node.Name).Append(" → ");
        path.Append(_nodes[seen[seen.Count - 1]].Node.Name);
        int closing = via[seen.Count - 1];
        if (closing >= _connections.Count)
            return $"{_guardEdges[closing - _connections.Count]}: closes a cycle {path} (a gate runs before what it guards); guard nodes that do not feed another gate's inputs";
        return $"{_connections[closing].Field} ({_connections[closing].From} → {_connections[closing].To}): closes a cycle {path}; a frame must flow one way (feed a command back through the sink's applied value instead)";
    }

    private AppGraph Assemble(int[] order, List<(int From, int To, int Connection)> edges, List<GateNode>?[] gatesOf)
    {
        var nodes = new Node[order.Length];
        for (int i = 0; i < order.Length; i++) nodes[i] = _nodes[order[i]].Node;
        var sources = new List<SourceNode>();
        var sinks = new List<SinkNode>();
        var steps = new List<Node>();
        var onDemand = new HashSet<Node>();
        // A controller whose outputs feed only fallback inputs runs when the watchdog asks for the fallback, never per frame.
        foreach (var node in nodes)
        {
            if (node.Role != NodeRole.Controller) continue;
            bool any = false, onlyFallback = true;
            foreach (var e in edges)
            {
                if (_nodes[e.From].Node != node || e.Connection >= _connections.Count) continue;
                any = true;
                string to = _connections[e.Connection].To;
                onlyFallback &= _nodes[e.To].Node is SinkNode && to.EndsWith("." + SinkNode.FallbackPort, StringComparison.Ordinal);
            }
            if (any && onlyFallback) onDemand.Add(node);
        }
        foreach (var node in nodes)
        {
            if (node is SourceNode s) sources.Add(s);
            else if (node is SinkNode k) sinks.Add(k);
            else if (!onDemand.Contains(node)) steps.Add(node);
        }
        var fallbacks = new Node?[sinks.Count];
        for (int i = 0; i < sinks.Count; i++) fallbacks[i] = sinks[i].Fallback.Source?.Node;
        var gates = new Dictionary<Node, List<GateNode>>();
        for (int i = 0; i < gatesOf.Length; i++) if (gatesOf[i] is { } g) gates.Add(_nodes[i].Node, g);
        var stepGates = new GateNode[steps.Count][];
        for (int i = 0; i < steps.Count; i++) stepGates[i] = GatesAbove(steps[i], gates);
        return new AppGraph(nodes, sources.ToArray(), steps.ToArray(), sinks.ToArray(), fallbacks, stepGates);
    }

    /// <summary>Every gate a node depends on: those guarding it and, since a skipped gate skips what it guards, those guarding them.</summary>
    private static GateNode[] GatesAbove(Node node, Dictionary<Node, List<GateNode>> gates)
    {
        var all = new List<GateNode>();
        var todo = new Stack<Node>();
        todo.Push(node);
        while (todo.Count > 0)
            if (gates.TryGetValue(todo.Pop(), out var direct))
                foreach (GateNode g in direct)
                    if (!all.Contains(g)) { all.Add(g); todo.Push(g); }
        return all.ToArray();
    }
}
