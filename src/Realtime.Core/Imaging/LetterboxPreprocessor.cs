using System;
using System.Runtime.CompilerServices;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Imaging;

/// <summary>
/// The fused preprocessing pass: crop (a region of interest), bilinear resize that keeps the aspect
/// ratio (letterbox, padded with black) or stretches to the tensor, colour conversion to RGB and
/// normalisation to [lo, hi], written straight into an NHWC float tensor of 3 channels (RGB) or 4
/// (RGB and a constant alpha, as M-LSD takes). It reads BGR24 frames and, as cameras deliver them,
/// YUYV, NV12 and GREY frames: each sampled source pixel is converted to RGB (BT.601 limited range,
/// in OpenCV's own fixed-point arithmetic) and then interpolated, so the result is what OpenCV's
/// cvtColor followed by resize gives, without an intermediate image. Sampling matches OpenCV's
/// INTER_LINEAR (half-pixel centres, edge clamping); all tables are computed once here, so a pass
/// allocates nothing. The same arithmetic runs a vector at a time (<see cref="LetterboxLanes"/>) on
/// CPUs that accelerate it; the scalar kernel stays as the reference (<see cref="Kernel"/>).
/// </summary>
public sealed class LetterboxPreprocessor : IPreprocessor
{
    private readonly int _srcW, _srcH, _dstW, _dstH;
    private readonly int _cropX, _cropY;
    private readonly int[] _xLeft;        // source column of the left pixel, per resized column
    private readonly float[] _xWeight;    // weight of the right source pixel
    private readonly int[] _xRight;       // source column of the right pixel (clamped)
    private readonly int[] _yRow, _yRowBelow;
    private readonly float[] _yWeight;
    private readonly float _scale, _bias, _pad, _alpha;
    private readonly int _channels;
    private readonly LetterboxLanes _lanes;
    private readonly PreprocessKernel _kernel = Resolve(PreprocessKernel.Auto);

    /// <summary>Plans the pass for frames of one size into a tensor of another.</summary>
    /// <param name="sourceWidth">Frame width.</param>
    /// <param name="sourceHeight">Frame height.</param>
    /// <param name="tensorWidth">Model input width.</param>
    /// <param name="tensorHeight">Model input height.</param>
    /// <param name="low">Value a black pixel maps to (−1 for BlazeFace).</param>
    /// <param name="high">Value a white pixel maps to.</param>
    /// <param name="crop">Region of the frame to use; the whole frame when null.</param>
    /// <param name="channels">3 (RGB) or 4 (RGB then <paramref name="alpha"/>).</param>
    /// <param name="alpha">The fourth channel's value, everywhere (padding included).</param>
    /// <param name="keepAspect">Letterbox (true) or stretch the crop over the whole tensor (false, M-LSD's own practice).</param>
    public LetterboxPreprocessor(int sourceWidth, int sourceHeight, int tensorWidth, int tensorHeight,
        float low = -1f, float high = 1f, (int X, int Y, int Width, int Height)? crop = null,
        int channels = 3, float alpha = 1f, bool keepAspect = true)
    {
        if (channels is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), "3 (RGB) or 4 (RGBA) channels");
        var c = crop ?? (0, 0, sourceWidth, sourceHeight);
        if (c.X < 0 || c.Y < 0 || c.Width <= 0 || c.Height <= 0 || c.X + c.Width > sourceWidth || c.Y + c.Height > sourceHeight)
            throw new ArgumentOutOfRangeException(nameof(crop), $"crop {c} does not fit a {sourceWidth}x{sourceHeight} frame");
        if (tensorWidth <= 0 || tensorHeight <= 0) throw new ArgumentOutOfRangeException(nameof(tensorWidth), "tensor size must be positive");
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        _srcW = c.Width;
        _srcH = c.Height;
        _cropX = c.X;
        _cropY = c.Y;
        _dstW = tensorWidth;
        _dstH = tensorHeight;
        _scale = (high - low) / 255f;
        _bias = low;
        _pad = low;
        _channels = channels;
        _alpha = alpha;

        double fit = Math.Min((double)tensorWidth / _srcW, (double)tensorHeight / _srcH);
        ResizedWidth = keepAspect ? Math.Clamp((int)Math.Round(_srcW * fit), 1, tensorWidth) : tensorWidth;
        ResizedHeight = keepAspect ? Math.Clamp((int)Math.Round(_srcH * fit), 1, tensorHeight) : tensorHeight;
        OffsetX = (tensorWidth - ResizedWidth) / 2;
        OffsetY = (tensorHeight - ResizedHeight) / 2;

        _xLeft = new int[ResizedWidth];
        _xRight = new int[ResizedWidth];
        _xWeight = new float[ResizedWidth];
        BuildAxis(_srcW, ResizedWidth, _cropX, _xLeft, _xRight, _xWeight);
        _yRow = new int[ResizedHeight];
        _yRowBelow = new int[ResizedHeight];
        _yWeight = new float[ResizedHeight];
        BuildAxis(_srcH, ResizedHeight, _cropY, _yRow, _yRowBelow, _yWeight);
        _lanes = new LetterboxLanes(sourceWidth, _xLeft, _xRight, _xWeight, channels, _scale, _bias, alpha);
    }

    /// <summary>
    /// The implementation that runs. <see cref="PreprocessKernel.Auto"/> (the default) resolves at
    /// construction to the vector kernel where this CPU accelerates 128-bit vectors, else the scalar
    /// one, so reading it back says which runs; the others are honoured as asked (the vector kernel
    /// without hardware support is correct but slow), so tests and the bench can compare them.
    /// </summary>
    public PreprocessKernel Kernel
    {
        get => _kernel;
        init => _kernel = value is >= PreprocessKernel.Auto and <= PreprocessKernel.Vector128 ? Resolve(value) : throw new ArgumentOutOfRangeException(nameof(Kernel), $"no preprocessing kernel {(int)value}");
    }

    private static PreprocessKernel Resolve(PreprocessKernel kernel) => kernel != PreprocessKernel.Auto ? kernel
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? PreprocessKernel.Vector128
        : PreprocessKernel.Scalar;

    /// <summary>Frame width this pass was planned for.</summary>
    public int SourceWidth { get; }
    /// <summary>Frame height this pass was planned for.</summary>
    public int SourceHeight { get; }
    /// <summary>Width of the resized image inside the tensor.</summary>
    public int ResizedWidth { get; }
    /// <summary>Height of the resized image inside the tensor.</summary>
    public int ResizedHeight { get; }
    /// <summary>Left padding in the tensor.</summary>
    public int OffsetX { get; }
    /// <summary>Top padding in the tensor.</summary>
    public int OffsetY { get; }

    /// <summary>Maps a point in tensor pixels back to frame pixels.</summary>
    public (float X, float Y) TensorToFrame(float tx, float ty)
    {
        float sx = (float)_srcW / ResizedWidth, sy = (float)_srcH / ResizedHeight;
        return ((tx - OffsetX) * sx + _cropX, (ty - OffsetY) * sy + _cropY);
    }

    // OpenCV INTER_LINEAR: src = (dst + 0.5) * scale - 0.5, floored; weights clamp at the edges.
    private static void BuildAxis(int srcLen, int dstLen, int origin, int[] left, int[] right, float[] weight)
    {
        double scale = (double)srcLen / dstLen;
        for (int d = 0; d < dstLen; d++)
        {
            float f = (float)((d + 0.5) * scale - 0.5);
            int s = (int)Math.Floor(f);
            f -= s;
            if (s < 0) { f = 0; s = 0; }
            if (s >= srcLen - 1) { f = 0; s = srcLen - 1; }
            int s1 = Math.Min(s + 1, srcLen - 1);
            left[d] = origin + s;
            right[d] = origin + s1;
            weight[d] = f;
        }
    }

    /// <inheritdoc/>
    public void Process(FrameBuffer frame, Span<float> tensor)
    {
        if (frame.Width != SourceWidth || frame.Height != SourceHeight) ThrowFrameMismatch(frame);
        Process(frame.Pixels, frame.Format, frame.Stride, tensor);
    }

    /// <summary>The pass over raw BGR24 rows.</summary>
    public void Process(ReadOnlySpan<byte> bgr, int stride, Span<float> tensor) => Process(bgr, PixelFormat.Bgr24, stride, tensor);

    /// <summary>
    /// The pass over a raw frame of the planned size in <paramref name="format"/>, rows
    /// <paramref name="stride"/> bytes apart (for NV12 the UV plane follows the Y plane, same stride).
    /// </summary>
    public unsafe void Process(ReadOnlySpan<byte> pixels, PixelFormat format, int stride, Span<float> tensor)
    {
        if (tensor.Length < _dstW * _dstH * _channels) ThrowTensorTooSmall();
        if (format is not (PixelFormat.Bgr24 or PixelFormat.Yuyv or PixelFormat.Nv12 or PixelFormat.Grey8)) ThrowUnsupported(format);
        int bpp = FrameBuffer.BytesPerPixel(format);
        int rows = FrameBuffer.Rows(format, SourceHeight);
        if (stride < SourceWidth * bpp || (long)stride * (rows - 1) + (long)SourceWidth * bpp > pixels.Length) ThrowTooFewBytes(format, stride, pixels.Length);
        fixed (byte* px = pixels)
        fixed (float* t = tensor)
        {
            switch (format)
            {
                case PixelFormat.Bgr24: Rows<Bgr24Sampler>(px, pixels.Length, format, stride, -1, t); break;
                case PixelFormat.Yuyv: Rows<YuyvSampler>(px, pixels.Length, format, stride, -1, t); break;
                case PixelFormat.Nv12: Rows<Nv12Sampler>(px, pixels.Length, format, stride, stride * SourceHeight, t); break;
                default: Rows<Grey8Sampler>(px, pixels.Length, format, stride, -1, t); break;
            }
        }
    }

    // One loop for every format: padding, then each resized row by the chosen kernel. chromaBase is
    // NV12's UV plane; the other formats read chroma (if any) from the row itself (-1).
    private unsafe void Rows<TSampler>(byte* px, int length, PixelFormat format, int stride, int chromaBase, float* tensor) where TSampler : struct, IPixelSampler
    {
        int ch = _channels;
        int rowFloats = _dstW * ch;
        var all = new Span<float>(tensor, _dstH * rowFloats);
        if (ResizedHeight < _dstH)
        {
            FillPad(all.Slice(0, OffsetY * rowFloats));
            FillPad(all.Slice((OffsetY + ResizedHeight) * rowFloats, (_dstH - OffsetY - ResizedHeight) * rowFloats));
        }
        var lanes = _lanes.For(format);
        bool vector = Kernel == PreprocessKernel.Vector128;
        var source = new ReadOnlySpan<byte>(px, length);
        for (int y = 0; y < ResizedHeight; y++)
        {
            int ya = _yRow[y], yb = _yRowBelow[y];
            int r0 = ya * stride, r1 = yb * stride;
            int c0 = chromaBase < 0 ? r0 : chromaBase + (ya >> 1) * stride, c1 = chromaBase < 0 ? r1 : chromaBase + (yb >> 1) * stride;
            float wy = _yWeight[y];
            Span<float> row = all.Slice((OffsetY + y) * rowFloats, rowFloats);
            if (ResizedWidth < _dstW)
            {
                FillPad(row.Slice(0, OffsetX * ch));
                FillPad(row.Slice((OffsetX + ResizedWidth) * ch));
            }
            float* dst = tensor + (OffsetY + y) * rowFloats + OffsetX * ch;
            if (vector && _lanes.Fits(lanes, r1, c1, length)) _lanes.Row(px + r0, px + c0, px + r1, px + c1, wy, lanes, dst);
            else ScalarRow<TSampler>(source, r0, r1, c0, c1, wy, row.Slice(OffsetX * ch, ResizedWidth * ch));
        }
    }

    // The reference: one value at a time, each sampled source pixel through the format's sampler.
    private void ScalarRow<TSampler>(ReadOnlySpan<byte> px, int r0, int r1, int c0, int c1, float wy, Span<float> dst) where TSampler : struct, IPixelSampler
    {
        int ch = _channels;
        float scale = _scale, bias = _bias, alpha = _alpha;
        for (int x = 0; x < ResizedWidth; x++)
        {
            int a = _xLeft[x], b = _xRight[x];
            float wx = _xWeight[x];
            TSampler.Rgb(px, r0, c0, a, out int ra0, out int ga0, out int ba0);
            TSampler.Rgb(px, r0, c0, b, out int rb0, out int gb0, out int bb0);
            TSampler.Rgb(px, r1, c1, a, out int ra1, out int ga1, out int ba1);
            TSampler.Rgb(px, r1, c1, b, out int rb1, out int gb1, out int bb1);
            // Horizontal then vertical interpolation, per channel, as OpenCV's resize does.
            float q0 = ra0 + (rb0 - ra0) * wx, q1 = ra1 + (rb1 - ra1) * wx;
            float g0 = ga0 + (gb0 - ga0) * wx, g1 = ga1 + (gb1 - ga1) * wx;
            float b0 = ba0 + (bb0 - ba0) * wx, b1 = ba1 + (bb1 - ba1) * wx;
            int o = x * ch;
            dst[o] = (q0 + (q1 - q0) * wy) * scale + bias;
            dst[o + 1] = (g0 + (g1 - g0) * wy) * scale + bias;
            dst[o + 2] = (b0 + (b1 - b0) * wy) * scale + bias;
            if (ch == 4) dst[o + 3] = alpha;
        }
    }

    /// <summary>Padding: black in the colour channels, the constant alpha in the fourth.</summary>
    private void FillPad(Span<float> span)
    {
        if (_channels == 3)
        {
            span.Fill(_pad);
            return;
        }
        for (int i = 0; i + 3 < span.Length; i += 4)
        {
            span[i] = _pad;
            span[i + 1] = _pad;
            span[i + 2] = _pad;
            span[i + 3] = _alpha;
        }
    }

    /// <summary>Reads one source pixel as 8-bit RGB.</summary>
    private interface IPixelSampler
    {
        /// <summary>RGB of pixel <paramref name="x"/> of the row starting at <paramref name="row"/> (NV12: chroma row at <paramref name="chromaRow"/>).</summary>
        static abstract void Rgb(ReadOnlySpan<byte> px, int row, int chromaRow, int x, out int r, out int g, out int b);
    }

    private struct Bgr24Sampler : IPixelSampler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rgb(ReadOnlySpan<byte> px, int row, int chromaRow, int x, out int r, out int g, out int b)
        {
            int o = row + x * 3;
            b = px[o];
            g = px[o + 1];
            r = px[o + 2];
        }
    }

    private struct YuyvSampler : IPixelSampler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rgb(ReadOnlySpan<byte> px, int row, int chromaRow, int x, out int r, out int g, out int b)
        {
            int pair = row + (x & ~1) * 2; // Y0 U Y1 V: the pair's U and V serve both pixels
            Bt601.ToRgb(px[row + x * 2], px[pair + 1], px[pair + 3], out r, out g, out b);
        }
    }

    private struct Nv12Sampler : IPixelSampler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rgb(ReadOnlySpan<byte> px, int row, int chromaRow, int x, out int r, out int g, out int b)
        {
            int uv = chromaRow + (x & ~1); // U V per 2x2 block, no chroma interpolation (as OpenCV)
            Bt601.ToRgb(px[row + x], px[uv], px[uv + 1], out r, out g, out b);
        }
    }

    private struct Grey8Sampler : IPixelSampler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rgb(ReadOnlySpan<byte> px, int row, int chromaRow, int x, out int r, out int g, out int b)
        {
            r = g = b = px[row + x];
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowFrameMismatch(FrameBuffer frame) => throw new ArgumentException($"preprocessing was planned for {SourceWidth}x{SourceHeight} frames, got {frame.Width}x{frame.Height}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowTensorTooSmall() => throw new ArgumentException($"the tensor holds fewer than {_dstW}x{_dstH}x{_channels} floats");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnsupported(PixelFormat format) => throw new ArgumentException($"preprocessing cannot read {format} frames");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowTooFewBytes(PixelFormat format, int stride, int length) =>
        throw new ArgumentException($"a {SourceWidth}x{SourceHeight} {format} frame with stride {stride} does not fit in {length} bytes");
}
