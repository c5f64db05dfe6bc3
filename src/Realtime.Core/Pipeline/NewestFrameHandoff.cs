using System;
using System.Diagnostics;
using System.Threading;

namespace Realtime.Core.Pipeline;

/// <summary>
/// A lock-free triple buffer between one producer (a capture thread) and one consumer (the
/// pipeline): the newest frame wins. The producer fills <see cref="Back"/> and publishes it; the
/// consumer takes the newest published frame. A published frame the consumer never took is
/// overwritten by the next one and counted in <see cref="Dropped"/>.
/// </summary>
/// <remarks>
/// Design: three preallocated slots. The producer owns one (back), the consumer owns one (front),
/// and the third (middle) is the hand-off. <c>_middle</c> packs the middle slot's index (bits 0–1)
/// and a fresh bit; both sides swap their own slot with it in one atomic exchange, so neither ever
/// waits for the other or touches a slot the other owns. Invariant: back, front and middle are
/// always the three distinct indices 0, 1, 2.
/// </remarks>
public sealed class NewestFrameHandoff
{
    private const int Fresh = 4;
    private const int IndexMask = 3;
    private readonly FrameBuffer[] _slots;
    private int _back;       // producer's
    private int _front = 1;  // consumer's
    private int _middle = 2; // shared: index | Fresh
    private long _published, _dropped, _taken;

    /// <summary>Allocates the three slots.</summary>
    public NewestFrameHandoff(int width, int height, PixelFormat format)
    {
        _slots = new[] { new FrameBuffer(width, height, format), new FrameBuffer(width, height, format), new FrameBuffer(width, height, format) };
    }

    /// <summary>The slot the producer writes next (producer thread only).</summary>
    public FrameBuffer Back => _slots[_back];

    /// <summary>Frames published.</summary>
    public long Published => Volatile.Read(ref _published);
    /// <summary>Published frames overwritten before the consumer took them.</summary>
    public long Dropped => Volatile.Read(ref _dropped);
    /// <summary>Frames the consumer took.</summary>
    public long Taken => Volatile.Read(ref _taken);

    /// <summary>True when a frame was published that the consumer has not taken.</summary>
    public bool HasFresh => (Volatile.Read(ref _middle) & Fresh) != 0;

    /// <summary>Publishes <see cref="Back"/> as the newest frame; returns true when that overwrote an untaken one (a drop).</summary>
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

    /// <summary>The newest published frame, now owned by the consumer until its next take; null when nothing new was published (consumer thread only).</summary>
    public FrameBuffer? TryTake()
    {
        if ((Volatile.Read(ref _middle) & Fresh) == 0) return null;
        // Only the producer can change _middle meanwhile, and it only ever leaves it fresh.
        int old = Interlocked.Exchange(ref _middle, _front);
        _front = old & IndexMask;
        Debug.Assert((old & Fresh) != 0, "a published frame stays fresh until taken");
        Volatile.Write(ref _taken, _taken + 1);
        return _slots[_front];
    }

    /// <summary>Copies a frame's pixels, timestamp and sequence into a slot of the same size and format.</summary>
    public static void CopyFrame(FrameBuffer from, FrameBuffer to)
    {
        if (from.Width != to.Width || from.Height != to.Height || from.Format != to.Format) ThrowMismatch(from, to);
        from.Pixels.AsSpan().CopyTo(to.Pixels);
        to.CaptureNs = from.CaptureNs;
        to.Sequence = from.Sequence;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowMismatch(FrameBuffer from, FrameBuffer to) =>
        throw new ArgumentException($"cannot copy a {from.Width}x{from.Height} {from.Format} frame into a {to.Width}x{to.Height} {to.Format} slot");
}
