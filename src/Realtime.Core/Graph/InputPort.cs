using System;

namespace Realtime.Core.Graph;

/// <summary>An input: bound once, when the graph is built, to its upstream output's payload.</summary>
public abstract class InputPort : Port
{
    private readonly PayloadType _accepts;

    private protected InputPort(Node node, string name, PayloadType accepts, bool required) : base(node, name)
    {
        _accepts = accepts;
        Required = required;
    }

    /// <inheritdoc/>
    public override PayloadType Type => _accepts;
    /// <summary>Whether the graph is incomplete without a connection here.</summary>
    public bool Required { get; }
    /// <summary>Whether a connection feeds it.</summary>
    public abstract bool IsBound { get; }
    /// <summary>The output feeding it, once bound.</summary>
    public OutputPort? Source { get; private set; }

    /// <summary>Binds to <paramref name="from"/>; null on success, else why not.</summary>
    internal string? Bind(OutputPort from)
    {
        if (_accepts.Mismatch(from.Type) is { } why) return why;
        if (!TryTake(from.Untyped)) return $"{from.Type} is not what {this} reads";
        Source = from;
        return null;
    }

    /// <summary>Reads <paramref name="copy"/> (a copy of the bound output's payload) instead: a pipelined loop's input across a thread boundary, before the nodes start.</summary>
    internal void Rebind(Payload copy)
    {
        if (!TryTake(copy)) throw new ArgumentException($"{copy.Type} is not what {this} reads", nameof(copy));
    }

    private protected abstract bool TryTake(Payload payload);
}

/// <summary>An input reading a <typeparamref name="T"/> in place.</summary>
public sealed class InputPort<T> : InputPort where T : Payload
{
    private T? _payload;

    internal InputPort(Node node, string name, PayloadType accepts, bool required) : base(node, name, accepts, required)
    {
    }

    /// <inheritdoc/>
    public override bool IsBound => _payload is not null;

    /// <summary>The upstream payload (the same object, never a copy).</summary>
    public T Payload => _payload ?? ThrowUnbound();

    private protected override bool TryTake(Payload payload)
    {
        if (payload is not T typed) return false;
        _payload = typed;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private T ThrowUnbound() => throw new InvalidOperationException($"input {this} is not connected");
}
