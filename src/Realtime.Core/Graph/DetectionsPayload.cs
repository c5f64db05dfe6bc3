using System;

namespace Realtime.Core.Graph;

/// <summary>Up to a fixed number of detections, in a preallocated array.</summary>
public sealed class DetectionsPayload : Payload
{
    private int _count;

    /// <summary>Room for <paramref name="capacity"/> detections.</summary>
    public DetectionsPayload(int capacity) : base(PayloadType.Detections(capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "at least 1")))
    {
        Items = new Detection[capacity];
    }

    /// <summary>The room; the first <see cref="Count"/> are this frame's.</summary>
    public Detection[] Items { get; }

    /// <summary>Detections this frame (0 to the capacity).</summary>
    public int Count
    {
        get => _count;
        set => _count = (uint)value <= (uint)Items.Length ? value : ThrowCount();
    }

    /// <summary>This frame's detections.</summary>
    public ReadOnlySpan<Detection> Current => Items.AsSpan(0, _count);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int ThrowCount() => throw new ArgumentOutOfRangeException(nameof(Count), "more detections than the payload holds");

    /// <inheritdoc/>
    public override Payload? NewCopy() => new DetectionsPayload(Items.Length);

    /// <inheritdoc/>
    protected override void CopyData(Payload target)
    {
        var to = (DetectionsPayload)target;
        Current.CopyTo(to.Items);
        to.Count = _count;
    }
}
