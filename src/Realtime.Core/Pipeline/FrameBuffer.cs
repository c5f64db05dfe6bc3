using System;

namespace Realtime.Core.Pipeline;

/// <summary>Pixel layouts a frame slot can hold.</summary>
public enum PixelFormat
{
    /// <summary>8-bit blue, green, red, interleaved (OpenCV's default).</summary>
    Bgr24,
    /// <summary>One 32-bit float per element (audio samples, IMU readings): width = elements, height = 1.</summary>
    Float32,
    /// <summary>YUV 4:2:2 packed as Y0 U Y1 V (V4L2 YUYV): two bytes per pixel, each pair of pixels shares U and V.</summary>
    Yuyv,
    /// <summary>YUV 4:2:0 (V4L2 NV12): a full-size Y plane, then a half-height plane of interleaved U V, one pair per 2×2 pixels.</summary>
    Nv12,
    /// <summary>8-bit luminance only (V4L2 GREY).</summary>
    Grey8,
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
        if ((format == PixelFormat.Yuyv || format == PixelFormat.Nv12) && width % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"{format} frames need an even width, got {width}");
        Stride = width * BytesPerPixel(format);
        Pixels = GC.AllocateArray<byte>(FrameBytes(format, width, height), pinned: true);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Bytes per row (of the first plane: the Y plane for NV12, whose UV plane follows with the same stride).</summary>
    public int Stride { get; }
    /// <summary>Pixel layout.</summary>
    public PixelFormat Format { get; }
    /// <summary>The pixels, pinned for the slot's life.</summary>
    public byte[] Pixels { get; }
    /// <summary>When the sensor latched the frame (monotonic ns): the start of its end-to-end latency.</summary>
    public long CaptureNs { get; set; }
    /// <summary>The source's frame counter.</summary>
    public long Sequence { get; set; }

    /// <summary>Bytes per pixel of a format's first plane (the Y plane for NV12).</summary>
    public static int BytesPerPixel(PixelFormat format) => format switch
    {
        PixelFormat.Bgr24 => 3,
        PixelFormat.Float32 => 4,
        PixelFormat.Yuyv => 2,
        PixelFormat.Nv12 => 1,
        PixelFormat.Grey8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Bytes one tightly packed frame takes (NV12: the Y plane plus a UV plane of ⌈height/2⌉ rows).</summary>
    public static int FrameBytes(PixelFormat format, int width, int height) => width * BytesPerPixel(format) * Rows(format, height);

    /// <summary>Rows of <see cref="Stride"/> bytes a frame of <paramref name="height"/> lines spans (NV12: the Y plane, then the half-height UV plane).</summary>
    public static int Rows(PixelFormat format, int height) => format == PixelFormat.Nv12 ? height + (height + 1) / 2 : height;
}
