using System;
using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Linux.V4l2;

/// <summary>
/// Decodes one MJPEG camera frame into BGR24 with libjpeg-turbo (TurboJPEG), on the capture thread,
/// off the pipeline's hot path. Owns a TurboJPEG handle; decoding allocates no managed memory.
/// libjpeg-turbo supplies the standard Huffman tables that UVC cameras leave out of MJPEG frames.
/// </summary>
public sealed unsafe class MjpegDecoder : IDisposable
{
    private nint _handle;

    /// <summary>Creates the decoder; fails clearly when libturbojpeg is not installed.</summary>
    public MjpegDecoder()
    {
        try { _handle = TurboJpeg.tjInitDecompress(); }
        catch (DllNotFoundException ex)
        {
            throw new V4l2Exception($"MJPEG needs libjpeg-turbo's TurboJPEG library ({TurboJpeg.Lib}), which could not be loaded: install it (Debian: apt-get install libturbojpeg0) or ask the camera for yuyv/nv12/grey", ex);
        }
        if (_handle == 0) throw new V4l2Exception("tjInitDecompress failed: TurboJPEG could not create a decompressor");
    }

    /// <summary>
    /// Decodes <paramref name="jpeg"/> into <paramref name="bgr"/> (rows <paramref name="stride"/>
    /// bytes apart). Returns null on success, else TurboJPEG's reason (a corrupt frame, or a
    /// size other than the expected one), so the caller can count the frame and go on.
    /// </summary>
    public string? TryDecode(ReadOnlySpan<byte> jpeg, Span<byte> bgr, int width, int height, int stride)
    {
        if (!TryDecodeCore(jpeg, bgr, width, height, stride, out int w, out int h))
            return w < 0 ? LastError() : $"the JPEG frame is {w}x{h}, expected {width}x{height}";
        return null;
    }

    /// <summary>The non-allocating form of <see cref="TryDecode"/> for the capture loop.</summary>
    internal bool TryDecodeCore(ReadOnlySpan<byte> jpeg, Span<byte> bgr, int width, int height, int stride, out int gotWidth, out int gotHeight)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        int w = -1, h = -1, sub, cs;
        gotWidth = gotHeight = -1;
        if (bgr.Length < stride * (height - 1) + width * 3) return false;
        fixed (byte* src = jpeg)
        fixed (byte* dst = bgr)
        {
            if (TurboJpeg.tjDecompressHeader3(_handle, src, (nuint)jpeg.Length, &w, &h, &sub, &cs) != 0) return false;
            gotWidth = w;
            gotHeight = h;
            if (w != width || h != height) return false;
            // A non-zero return can be a warning (a truncated but displayable frame): the pixels are written either way.
            if (TurboJpeg.tjDecompress2(_handle, src, (nuint)jpeg.Length, dst, width, stride, height, TurboJpeg.TJPF_BGR, 0) != 0)
            {
                gotWidth = -1;
                return false;
            }
        }
        return true;
    }

    /// <summary>TurboJPEG's message for the last failure on this handle.</summary>
    public string LastError() => Marshal.PtrToStringUTF8((nint)TurboJpeg.tjGetErrorStr2(_handle)) ?? "unknown TurboJPEG error";

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handle != 0) TurboJpeg.tjDestroy(_handle);
        _handle = 0;
    }
}
