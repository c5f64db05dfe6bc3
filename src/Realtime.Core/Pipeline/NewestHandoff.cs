using System;
using System.Diagnostics;
using System.Threading;

namespace Realtime.Core.Pipeline;

/// <summary>
/// A lock-free triple buffer between one producer thread and one consumer thread: the newest
/// slot wins. The producer fills <see cref="Back"/> and publishes it; the consumer takes the newest
/// published slot. A published slot the consumer never took is overwritten by the next one and
/// counted in <see cref="Dropped"/>. The slots are allocated once by the caller; nothing moves but
/// an index, so a hand-off allocates nothing.
/// </summary>
/// <remarks>
/// Design: three preallocated slots. The producer owns one (back), the consumer owns one (front),
/// and the third (middle) is the hand-off. <c>_middle</c> packs the middle slot's index (bits 0–1)
/// and a fresh bit; both sides swap their own slot with it in one atomic exchange, so neither ever
/// waits for the other or touches a slot the other owns. Invariant: back, front and middle are
/// always the three distinct indices 0, 1, 2.
/// </remarks>
public class NewestHandoff<T> where T : class
{
    private const int Fresh = 4;
    private const int IndexMask = 3;
    private readonly T[] _slots;
    private int _back;       // producer's
    private int _front = 1;  // consumer's
    private int _middle = 2; // shared: index | Fresh
    private long _published, _dropped, _taken;

    /// <summary>Takes the three slots (three distinct objects of the same size).</summary>
    public NewestHandoff(T first, T second, T third)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        if (ReferenceEquals(first, second) || ReferenceEquals(second, third) || ReferenceEquals(first, third))
            throw new ArgumentException("a triple buffer needs three distinct slots");
        _slots = new[] { first, second, third };
    }

    /// <summary>The slot the producer writes next (producer thread only).</summary>
    public T Back => _slots[_back];

    /// <summary>Slots published.</summary>
    public long Published => Volatile.Read(ref _published);
    /// <summary>Published slots overwritten before the consumer took them.</summary>
    public long Dropped => Volatile.Read(ref _dropped);
    /// <summary>Slots the consumer took.</summary>
    public long Taken => Volatile.Read(ref _taken);

    /// <summary>True when a slot was published that the consumer has not taken.</summary>
    public bool HasFresh => (Volatile.Read(ref _middle) & Fresh) != 0;

    /// <summary>Publishes <see cref="Back"/> as the newest slot; returns true when that overwrote an untaken one (a drop).</summary>
    public bool Publish()
    {
        int old = Interlocked.Exchange(ref _middle, _back | Fresh);
        _back = old & IndexMask;
        Debug.Assert(_back != (Volatile.Read(ref _middle) & IndexMask), "back and middle must differ");
        Volatile.Write(ref _published, _published + 1);
        bool dropped = (old & Fresh) != 0;
        if (dropped) Volatile.Write(ref _dropped, _dropped + 1);
        return dropped;
    }

    /// <summary>The newest published slot, now owned by the consumer until its next take; null when nothing new was published (consumer thread only).</summary>
    public T? TryTake()
    {
        if ((Volatile.Read(ref _middle) & Fresh) == 0) return null;
        // Only the producer can change _middle meanwhile, and it only ever leaves it fresh.
        int old = Interlocked.Exchange(ref _middle, _front);
        _front = old & IndexMask;
        Debug.Assert((old & Fresh) != 0, "a published slot stays fresh until taken");
        Volatile.Write(ref _taken, _taken + 1);
        return _slots[_front];
    }
}
