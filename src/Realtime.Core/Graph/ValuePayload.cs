namespace Realtime.Core.Graph;

/// <summary>A small struct of the application's own (a line estimate, a VAD probability) passed between nodes in place.</summary>
public sealed class ValuePayload<T> : Payload where T : struct
{
    /// <summary>A payload holding <c>default(T)</c>.</summary>
    public ValuePayload() : base(PayloadType.Value<T>())
    {
    }

    /// <summary>The value, written by its node, read by its downstream by reference.</summary>
    public T Value;

    /// <inheritdoc/>
    public override Payload? NewCopy() => new ValuePayload<T>();

    /// <inheritdoc/>
    protected override void CopyData(Payload target) => ((ValuePayload<T>)target).Value = Value;
}
