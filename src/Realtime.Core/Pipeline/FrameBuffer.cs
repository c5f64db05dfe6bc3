using System;

namespace Realtime.Core.Pipeline;

/// <summary>Pixel layouts a frame slot can hold.</summary>
public enum PixelFormat
{
    /// <summary>8-bit blue, green, red, interleaved (OpenCV's default).</summary>
    Bgr24,
    /// <summary>One 32-bit float per element (audio samples, IMU readings): width = elements, height = 1.</summary>
    Float32,
}

/// <summary>
/// One preallocated frame slot: pinned pixel memory sized once at start-up, plus the capture
/// timestamp and sequence number the source writes with each frame.
/// </summary>
public sealed class FrameBuffer
{
    /// <summary>Allocates a pinned slot for frames of the given size.</summary>
    public FrameBuffer(int width, int height, PixelFormat format)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "frame size must be positive");
        Width = width;
        Height = height;
        Format = format;
        Stride = width * BytesPerPixel(format);
        Pixels = GC.AllocateArray<byte>(Stride * height, pinned: true);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Bytes per row.</summary>
    public int Stride { get; }
    /// <summary>Pixel layout.</summary>
    public PixelFormat Format { get; }
    /// <summary>The pixels, pinned for the slot's life.</summary>
    public byte[] Pixels { get; }
    /// <summary>When the sensor latched the frame (monotonic ns): the start of its end-to-end latency.</summary>
    public long CaptureNs { get; set; }
    /// <summary>The source's frame counter.</summary>
    public long Sequence { get; set; }

    /// <summary>Bytes per pixel of a format.</summary>
    public static int BytesPerPixel(PixelFormat format) => format switch
    {
        PixelFormat.Bgr24 => 3,
        PixelFormat.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
