namespace Realtime.Core.Graph;

/// <summary>A named input or output of a node, typed by what it carries or accepts.</summary>
public abstract class Port
{
    private protected Port(Node node, string name)
    {
        Node = node;
        Name = name;
    }

    /// <summary>The node it belongs to.</summary>
    public Node Node { get; }
    /// <summary>Its name, unique among the node's inputs or outputs.</summary>
    public string Name { get; }
    /// <summary>What it carries (an output) or accepts (an input).</summary>
    public abstract PayloadType Type { get; }

    /// <summary><c>node.port</c>, as connections name it.</summary>
    public override string ToString() => Node.Name + "." + Name;
}
