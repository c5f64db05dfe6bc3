using System;

namespace Realtime.Core.Pipeline;

/// <summary>
/// A lock-free triple buffer between one producer (a capture thread) and one consumer (the
/// pipeline) over frames: the newest frame wins (<see cref="NewestHandoff{T}"/> over three
/// <see cref="FrameBuffer"/>s).
/// </summary>
public sealed class NewestFrameHandoff : NewestHandoff<FrameBuffer>
{
    /// <summary>Allocates the three slots.</summary>
    public NewestFrameHandoff(int width, int height, PixelFormat format)
        : base(new FrameBuffer(width, height, format), new FrameBuffer(width, height, format), new FrameBuffer(width, height, format))
    {
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
