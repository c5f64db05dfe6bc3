namespace Realtime.Core.Graph;

/// <summary>An output: owns the payload its node writes every frame.</summary>
public abstract class OutputPort : Port
{
    private protected OutputPort(Node node, string name) : base(node, name)
    {
    }

    /// <summary>The payload, allocated when the node was created.</summary>
    public abstract Payload Untyped { get; }

    /// <inheritdoc/>
    public override PayloadType Type => Untyped.Type;
}

/// <summary>An output carrying a <typeparamref name="T"/>.</summary>
public sealed class OutputPort<T> : OutputPort where T : Payload
{
    internal OutputPort(Node node, string name, T payload) : base(node, name) => Payload = payload;

    /// <summary>The payload the node writes in place.</summary>
    public T Payload { get; }

    /// <inheritdoc/>
    public override Payload Untyped => Payload;
}
