using System;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Imaging;

/// <summary>
/// The fused preprocessing pass: crop (a region of interest), bilinear resize that keeps the aspect
/// ratio (letterbox, padded with black) or stretches to the tensor, BGR→RGB and normalisation to
/// [lo, hi], written straight into an NHWC float tensor of 3 channels (RGB) or 4 (RGB and a constant
/// alpha, as M-LSD takes). Sampling matches OpenCV's INTER_LINEAR (half-pixel centres, edge clamping);
/// all tables are computed once here, so a pass allocates nothing.
/// </summary>
public sealed class LetterboxPreprocessor : IPreprocessor
{
    private readonly int _srcW, _srcH, _dstW, _dstH;
    private readonly int _cropX, _cropY;
    private readonly int[] _xOffset;      // byte offset of the left source pixel, per resized column
    private readonly float[] _xWeight;    // weight of the right source pixel
    private readonly int[] _xOffsetRight; // byte offset of the right source pixel (clamped)
    private readonly int[] _yRow, _yRowBelow;
    private readonly float[] _yWeight;
    private readonly float _scale, _bias, _pad, _alpha;
    private readonly int _channels;

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

        _xOffset = new int[ResizedWidth];
        _xOffsetRight = new int[ResizedWidth];
        _xWeight = new float[ResizedWidth];
        BuildAxis(_srcW, ResizedWidth, _cropX, 3, _xOffset, _xOffsetRight, _xWeight);
        _yRow = new int[ResizedHeight];
        _yRowBelow = new int[ResizedHeight];
        _yWeight = new float[ResizedHeight];
        BuildAxis(_srcH, ResizedHeight, _cropY, 1, _yRow, _yRowBelow, _yWeight);
    }

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
    /// <summary>Floats per tensor pixel: 3 or 4.</summary>
    public int Channels => _channels;

    /// <summary>Maps a point in tensor pixels back to frame pixels.</summary>
    public (float X, float Y) TensorToFrame(float tx, float ty)
    {
        float sx = (float)_srcW / ResizedWidth, sy = (float)_srcH / ResizedHeight;
        return ((tx - OffsetX) * sx + _cropX, (ty - OffsetY) * sy + _cropY);
    }

    // OpenCV INTER_LINEAR: src = (dst + 0.5) * scale - 0.5, floored; weights clamp at the edges.
    private static void BuildAxis(int srcLen, int dstLen, int origin, int step, int[] left, int[] right, float[] weight)
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
            left[d] = (origin + s) * step;
            right[d] = (origin + s1) * step;
            weight[d] = f;
        }
    }

    /// <inheritdoc/>
    public void Process(FrameBuffer frame, Span<float> tensor)
    {
        if (frame.Width != SourceWidth || frame.Height != SourceHeight || frame.Format != PixelFormat.Bgr24)
            ThrowFrameMismatch();
        if (tensor.Length < _dstW * _dstH * _channels) ThrowTensorTooSmall();
        Process(frame.Pixels, frame.Stride, tensor);
    }

    /// <summary>The pass over raw BGR24 rows.</summary>
    public void Process(ReadOnlySpan<byte> bgr, int stride, Span<float> tensor)
    {
        int ch = _channels;
        int rowFloats = _dstW * ch;
        if (ResizedHeight < _dstH)
        {
            FillPad(tensor.Slice(0, OffsetY * rowFloats));
            FillPad(tensor.Slice((OffsetY + ResizedHeight) * rowFloats, (_dstH - OffsetY - ResizedHeight) * rowFloats));
        }
        float scale = _scale, bias = _bias, alpha = _alpha;
        for (int y = 0; y < ResizedHeight; y++)
        {
            ReadOnlySpan<byte> r0 = bgr.Slice(_yRow[y] * stride);
            ReadOnlySpan<byte> r1 = bgr.Slice(_yRowBelow[y] * stride);
            float wy = _yWeight[y];
            Span<float> row = tensor.Slice((OffsetY + y) * rowFloats, rowFloats);
            if (ResizedWidth < _dstW)
            {
                FillPad(row.Slice(0, OffsetX * ch));
                FillPad(row.Slice((OffsetX + ResizedWidth) * ch));
            }
            Span<float> dst = row.Slice(OffsetX * ch, ResizedWidth * ch);
            for (int x = 0; x < ResizedWidth; x++)
            {
                int a = _xOffset[x], b = _xOffsetRight[x];
                float wx = _xWeight[x];
                // Horizontal then vertical interpolation, per channel; BGR in, RGB out.
                float b0 = r0[a] + (r0[b] - r0[a]) * wx, b1 = r1[a] + (r1[b] - r1[a]) * wx;
                float g0 = r0[a + 1] + (r0[b + 1] - r0[a + 1]) * wx, g1 = r1[a + 1] + (r1[b + 1] - r1[a + 1]) * wx;
                float q0 = r0[a + 2] + (r0[b + 2] - r0[a + 2]) * wx, q1 = r1[a + 2] + (r1[b + 2] - r1[a + 2]) * wx;
                int o = x * ch;
                dst[o] = (q0 + (q1 - q0) * wy) * scale + bias;
                dst[o + 1] = (g0 + (g1 - g0) * wy) * scale + bias;
                dst[o + 2] = (b0 + (b1 - b0) * wy) * scale + bias;
                if (ch == 4) dst[o + 3] = alpha;
            }
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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowFrameMismatch() => throw new ArgumentException($"preprocessing was planned for {SourceWidth}x{SourceHeight} BGR24 frames");

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowTensorTooSmall() => throw new ArgumentException($"the tensor holds fewer than {_dstW}x{_dstH}x{_channels} floats");
}
