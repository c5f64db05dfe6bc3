using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Realtime.Core.Imaging;

/// <summary>
/// The vectorised letterbox row (Vector128: SSE4 on x64, NEON on arm64). One lane is one float of
/// the interleaved tensor row (pixel x, channel c), so a vector of results is stored as it is, for
/// 3 or 4 channels alike. A lane needs a few source bytes per sample (BGR's channel byte; GREY's
/// byte; Y, U and V for the YUV formats), packed into its 32-bit lane as [Y or value, U, V, 0].
/// Four lanes cover at most two neighbouring resized pixels, so when the downscale is moderate
/// (up to about 3×) all their bytes lie within 16 bytes of the row: one load and one byte shuffle
/// per sample gathers them ("windows"). Otherwise each lane loads its own 4-byte word. The
/// arithmetic after that is the scalar pass's, in its order, so the output is the same to the
/// bit. Every table is computed once and pinned, so a row allocates nothing.
/// </summary>
internal sealed unsafe class LetterboxLanes
{
    private const byte Zero = 0x80; // a shuffle index that yields 0 (x64 pshufb and arm64 tbl alike)
    private readonly int _n; // floats per resized row: ResizedWidth × channels
    private readonly float _scale, _bias, _alpha;
    private readonly float* _w;       // horizontal weight, per lane
    private readonly int* _ku, _kv;   // BT.601 U and V coefficients of the lane's channel
    private readonly int* _alphaMask; // all ones on alpha lanes; null with 3 channels
    private readonly Plan _bgr, _grey, _yuyv, _nv12;
    private readonly System.Collections.Generic.List<Array> _keepAlive = new(); // the pinned arrays behind the pointers

    /// <summary>Plans the lanes of one resized row of frames <paramref name="sourceWidth"/> pixels wide.</summary>
    public LetterboxLanes(int sourceWidth, int[] xLeft, int[] xRight, float[] xWeight, int channels, float scale, float bias, float alpha)
    {
        int width = xLeft.Length;
        _n = width * channels;
        _scale = scale;
        _bias = bias;
        _alpha = alpha;
        var w = Pinned<float>(_n, out _w);
        var ku = Pinned<int>(_n, out _ku);
        var kv = Pinned<int>(_n, out _kv);
        int[]? mask = channels == 4 ? Pinned<int>(_n, out _alphaMask) : null;
        // Per lane and side (left, right source pixel): its source pixel and channel.
        var pixelL = new int[_n];
        var pixelR = new int[_n];
        var channel = new int[_n];
        for (int x = 0; x < width; x++)
            for (int c = 0; c < channels; c++)
            {
                int k = x * channels + c;
                w[k] = xWeight[x];
                pixelL[k] = xLeft[x];
                pixelR[k] = xRight[x];
                channel[k] = c;
                (ku[k], kv[k]) = c switch
                {
                    0 => (0, Bt601.Cvr),
                    1 => (Bt601.Cug, Bt601.Cvg),
                    2 => (Bt601.Cub, 0),
                    _ => (0, 0),
                };
                if (mask != null) mask[k] = c == 3 ? -1 : 0;
            }
        // Bytes a lane packs, per format: [value or Y, U, V]; -1 = none. Alpha lanes read a valid byte too and are overwritten.
        _bgr = NewPlan(sourceWidth * 3, 0, pixelL, pixelR, channel, (p, c) => (p * 3 + (c < 3 ? 2 - c : 0), -1, -1), null);
        _grey = NewPlan(sourceWidth, 0, pixelL, pixelR, channel, (p, c) => (p, -1, -1), null);
        _yuyv = NewPlan(sourceWidth * 2, 16, pixelL, pixelR, channel, (p, c) => (p * 2, (p & ~1) * 2 + 1, (p & ~1) * 2 + 3), null);
        _nv12 = NewPlan(sourceWidth, 8, pixelL, pixelR, channel, (p, c) => (p, -1, -1), (p, c) => (-1, p & ~1, (p & ~1) + 1));
    }

    /// <summary>Floats per resized row.</summary>
    public int Length => _n;

    /// <summary>The plan of a format the lanes read.</summary>
    public Plan For(Pipeline.PixelFormat format) => format switch
    {
        Pipeline.PixelFormat.Bgr24 => _bgr,
        Pipeline.PixelFormat.Yuyv => _yuyv,
        Pipeline.PixelFormat.Nv12 => _nv12,
        _ => _grey,
    };

    /// <summary>
    /// Whether the row can take the vector kernel: windows never leave a row; the per-lane word
    /// reads run up to 3 bytes past the last byte used, so the last row of a tightly packed buffer
    /// (luma row at <paramref name="row"/>, chroma at <paramref name="chromaRow"/>) may not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Fits(Plan f, int row, int chromaRow, int length) => _n >= 4 && (f.Windows ||
        ((long)row + f.LumaEnd <= length && (f.ChromaLeft == null || (long)chromaRow + f.ChromaEnd <= length)));

    /// <summary>
    /// One resized row: rows <paramref name="top"/> and <paramref name="bottom"/> (and their chroma
    /// rows) interpolated by <paramref name="wy"/> into <paramref name="dst"/>, 4 floats at a time;
    /// the last vector overlaps the one before when the row is not a multiple of 4.
    /// </summary>
    public void Row(byte* top, byte* topChroma, byte* bottom, byte* bottomChroma, float wy, Plan f, float* dst)
    {
        // One specialised loop per way of reading (the flags fold away), so each stays small enough for the registers.
        if (f.Windows)
        {
            if (!f.Yuv) RowOf<Yes, No, No>(top, topChroma, bottom, bottomChroma, wy, f, dst);
            else if (f.ChromaControl == null) RowOf<Yes, Yes, No>(top, topChroma, bottom, bottomChroma, wy, f, dst);
            else RowOf<Yes, Yes, Yes>(top, topChroma, bottom, bottomChroma, wy, f, dst);
        }
        else if (!f.Yuv) RowOf<No, No, No>(top, topChroma, bottom, bottomChroma, wy, f, dst);
        else RowOf<No, Yes, No>(top, topChroma, bottom, bottomChroma, wy, f, dst);
    }

    private void RowOf<TWindows, TYuv, TChromaPlane>(byte* top, byte* topChroma, byte* bottom, byte* bottomChroma, float wy, Plan f, float* dst)
        where TWindows : struct where TYuv : struct where TChromaPlane : struct
    {
        var scale = Vector128.Create(_scale);
        var bias = Vector128.Create(_bias);
        var vy = Vector128.Create(wy);
        var alpha = Vector128.Create(_alpha);
        int last = _n - 4;
        int* lumaStart = f.LumaStart, chromaStart = f.ChromaStart;
        byte* lumaControl = f.LumaControl, chromaControl = f.ChromaControl;
        int* left = f.Left, right = f.Right, chromaLeft = f.ChromaLeft, chromaRight = f.ChromaRight;
        int vShift = f.VShift;
        float* weights = _w;
        int* kus = _ku, kvs = _kv, alphaMask = _alphaMask;
        for (int k = 0, g = 0; ; k = Math.Min(k + 4, last), g++)
        {
            Vector128<int> tl, tr, bl, br; // packed lanes: top/bottom row, left/right pixel
            if (typeof(TWindows) == typeof(Yes))
            {
                int ls = lumaStart[g];
                var lc = Vector128.Load(lumaControl + g * 32);
                var rc = Vector128.Load(lumaControl + g * 32 + 16);
                var t = Vector128.Load(top + ls);
                var b = Vector128.Load(bottom + ls);
                tl = Shuffle(t, lc).AsInt32();
                tr = Shuffle(t, rc).AsInt32();
                bl = Shuffle(b, lc).AsInt32();
                br = Shuffle(b, rc).AsInt32();
                if (typeof(TChromaPlane) == typeof(Yes))
                {
                    int cs = chromaStart[g];
                    var clc = Vector128.Load(chromaControl + g * 32);
                    var crc = Vector128.Load(chromaControl + g * 32 + 16);
                    var tc = Vector128.Load(topChroma + cs);
                    var bc = Vector128.Load(bottomChroma + cs);
                    tl |= Shuffle(tc, clc).AsInt32();
                    tr |= Shuffle(tc, crc).AsInt32();
                    bl |= Shuffle(bc, clc).AsInt32();
                    br |= Shuffle(bc, crc).AsInt32();
                }
            }
            else
            {
                tl = Words<TYuv>(top, topChroma, left, chromaLeft, vShift, k);
                tr = Words<TYuv>(top, topChroma, right, chromaRight, vShift, k);
                bl = Words<TYuv>(bottom, bottomChroma, left, chromaLeft, vShift, k);
                br = Words<TYuv>(bottom, bottomChroma, right, chromaRight, vShift, k);
            }
            var w = Vector128.Load(weights + k);
            Vector128<float> ht, hb;
            if (typeof(TYuv) == typeof(Yes))
            {
                var ku = Vector128.Load(kus + k);
                var kv = Vector128.Load(kvs + k);
                ht = Lerp(Rgb(tl, ku, kv), Rgb(tr, ku, kv), w);
                hb = Lerp(Rgb(bl, ku, kv), Rgb(br, ku, kv), w);
            }
            else
            {
                ht = Lerp(Vector128.ConvertToSingle(tl), Vector128.ConvertToSingle(tr), w);
                hb = Lerp(Vector128.ConvertToSingle(bl), Vector128.ConvertToSingle(br), w);
            }
            var v = (ht + (hb - ht) * vy) * scale + bias;
            if (alphaMask != null) v = Vector128.ConditionalSelect(Vector128.Load(alphaMask + k).AsSingle(), alpha, v);
            v.Store(dst + k);
            if (k == last) break;
        }
    }

    // Type flags for RowOf's specialisations.
    private struct Yes;
    private struct No;

    // Bytes of v picked by indices (0x80: zero): pshufb or tbl. The ISA is asked by name because
    // NativeAOT's default x64 target compiles SSSE3 only behind such a runtime check
    // (Vector128.ShuffleNative falls back to software there, slower than the scalar pass). There
    // is no third branch with a call in it: windows are planned only where one of the two exists,
    // and a call in the loop would make the register allocator spill every vector around it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Shuffle(Vector128<byte> v, Vector128<byte> indices)
    {
        if (Ssse3.IsSupported) return Ssse3.Shuffle(v, indices);
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.VectorTableLookup(v, indices);
        return Vector128<byte>.Zero; // not reached (see above)
    }

    // a + (b − a)·w, in the scalar pass's order (no fused multiply-add, so the results are the same bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Lerp(Vector128<float> a, Vector128<float> b, Vector128<float> w) => a + (b - a) * w;

    // Packed [Y, U, V, 0] lanes to the lane's channel, Bt601.ToRgb's integer arithmetic exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Rgb(Vector128<int> yuv, Vector128<int> ku, Vector128<int> kv)
    {
        var low = Vector128.Create(0xFF);
        var y = yuv & low;
        var uu = (Vector128.ShiftRightLogical(yuv, 8) & low) - Vector128.Create(128);
        var vv = Vector128.ShiftRightLogical(yuv, 16) - Vector128.Create(128);
        var yy = Mul(Max(y - Vector128.Create(16), Vector128<int>.Zero), Vector128.Create(Bt601.Cy));
        var sum = yy + Mul(kv, vv) + Mul(ku, uu) + Vector128.Create(Bt601.Round);
        return Vector128.ConvertToSingle(Min(Max(Vector128.ShiftRightArithmetic(sum, Bt601.Shift), Vector128<int>.Zero), low));
    }

    // 32-bit multiply, min and max: SSE4.1 asked by name for the same reason as Shuffle (SSE2 alone emulates them).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Mul(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.MultiplyLow(a, b) : a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.Max(a, b) : Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.Min(a, b) : Vector128.Min(a, b);

    // Without windows: each lane's 4-byte word(s), packed as the windows pack them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Words<TYuv>(byte* row, byte* chromaRow, int* offsets, int* chroma, int vShift, int k) where TYuv : struct
    {
        var low = Vector128.Create(0xFF);
        var y = Load4(row, offsets + k) & low;
        if (typeof(TYuv) != typeof(Yes)) return y;
        var uv = Load4(chromaRow, chroma + k);
        return y | Vector128.ShiftLeft(uv & low, 8) | Vector128.ShiftLeft(Vector128.ShiftRightLogical(uv, vShift) & low, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Load4(byte* row, int* offsets) => Vector128.Create(
        Unsafe.ReadUnaligned<int>(row + offsets[0]), Unsafe.ReadUnaligned<int>(row + offsets[1]),
        Unsafe.ReadUnaligned<int>(row + offsets[2]), Unsafe.ReadUnaligned<int>(row + offsets[3]));

    /// <summary>
    /// A format's plan: per lane, the byte offsets of its words (the fallback), and per group of 4
    /// lanes the 16-byte windows and shuffle controls when every group fits in one.
    /// </summary>
    /// <param name="rowBytes">Bytes of one source row (of the luma and of the chroma plane).</param>
    /// <param name="pixelL">Per lane: its left source pixel (column).</param>
    /// <param name="pixelR">Per lane: its right source pixel.</param>
    /// <param name="channel">Per lane: its channel.</param>
    /// <param name="vShift">Bits from U to V in the chroma word (YUYV 16, NV12 8); 0 without chroma.</param>
    /// <param name="luma">Per pixel and channel: byte offsets of [value or Y, U, V] in the (luma) row, -1 for none.</param>
    /// <param name="chroma">The same in the chroma row (NV12), or null.</param>
    private Plan NewPlan(int rowBytes, int vShift, int[] pixelL, int[] pixelR, int[] channel,
        Func<int, int, (int, int, int)> luma, Func<int, int, (int, int, int)>? chroma)
    {
        int groups = (_n + 3) / 4;
        var left = Pinned<int>(_n, out int* leftP);
        var right = Pinned<int>(_n, out int* rightP);
        int[]? cLeft = null, cRight = null;
        int* cLeftP = null, cRightP = null;
        bool yuv = vShift != 0;
        if (yuv)
        {
            cLeft = Pinned<int>(_n, out cLeftP);
            cRight = Pinned<int>(_n, out cRightP);
        }
        // Word offsets: the value or Y at byte 0; U at byte 0 of the chroma word, V vShift bits above.
        for (int k = 0; k < _n; k++)
        {
            var (l0, l1, _) = chroma == null ? luma(pixelL[k], channel[k]) : (luma(pixelL[k], channel[k]).Item1, chroma(pixelL[k], channel[k]).Item2, 0);
            var (r0, r1, _) = chroma == null ? luma(pixelR[k], channel[k]) : (luma(pixelR[k], channel[k]).Item1, chroma(pixelR[k], channel[k]).Item2, 0);
            left[k] = l0;
            right[k] = r0;
            if (yuv)
            {
                cLeft![k] = l1;
                cRight![k] = r1;
            }
        }
        var lumaStart = Pinned<int>(groups, out int* lumaStartP);
        var lumaCtl = Pinned<byte>(groups * 32, out byte* lumaCtlP);
        int[]? chromaStart = null;
        byte[]? chromaCtl = null;
        int* chromaStartP = null;
        byte* chromaCtlP = null;
        if (chroma != null)
        {
            chromaStart = Pinned<int>(groups, out chromaStartP);
            chromaCtl = Pinned<byte>(groups * 32, out chromaCtlP);
        }
        bool windows = rowBytes >= 16 && (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported)
            && Windows(rowBytes, pixelL, pixelR, channel, luma, lumaStart, lumaCtl)
            && (chroma == null || Windows(rowBytes, pixelL, pixelR, channel, chroma, chromaStart!, chromaCtl!));
        return new Plan
        {
            Left = leftP,
            Right = rightP,
            ChromaLeft = cLeftP,
            ChromaRight = cRightP,
            VShift = vShift,
            Yuv = yuv,
            LumaEnd = End(left, right),
            ChromaEnd = yuv ? End(cLeft!, cRight!) : 0,
            Windows = windows,
            LumaStart = lumaStartP,
            LumaControl = lumaCtlP,
            ChromaStart = chromaStartP,
            ChromaControl = chromaCtlP,
        };
    }

    // Each group's window start and controls (left pixel's bytes, then the right's); false when a group's bytes span more than 16.
    private bool Windows(int rowBytes, int[] pixelL, int[] pixelR, int[] channel, Func<int, int, (int, int, int)> bytes, int[] start, byte[] control)
    {
        for (int g = 0; g * 4 < _n; g++)
        {
            int k0 = Math.Min(g * 4, _n - 4);
            int min = int.MaxValue, max = -1;
            for (int i = 0; i < 4; i++)
                foreach (int p in new[] { pixelL[k0 + i], pixelR[k0 + i] })
                {
                    var (a, b, c) = bytes(p, channel[k0 + i]);
                    foreach (int o in new[] { a, b, c })
                        if (o >= 0) (min, max) = (Math.Min(min, o), Math.Max(max, o));
                }
            int s = Math.Min(min, rowBytes - 16); // never past the row's end
            if (max - s > 15) return false;
            start[g] = s;
            for (int i = 0; i < 4; i++)
            {
                var (la, lb, lc) = bytes(pixelL[k0 + i], channel[k0 + i]);
                var (ra, rb, rc) = bytes(pixelR[k0 + i], channel[k0 + i]);
                Control(control, g * 32 + i * 4, s, la, lb, lc);
                Control(control, g * 32 + 16 + i * 4, s, ra, rb, rc);
            }
        }
        return true;
    }

    private static void Control(byte[] control, int at, int start, int a, int b, int c)
    {
        control[at] = a >= 0 ? (byte)(a - start) : Zero;
        control[at + 1] = b >= 0 ? (byte)(b - start) : Zero;
        control[at + 2] = c >= 0 ? (byte)(c - start) : Zero;
        control[at + 3] = Zero;
    }

    // Bytes from a row's start that the word reads of these offsets reach.
    private static int End(int[] left, int[] right)
    {
        int end = 0;
        for (int i = 0; i < left.Length; i++) end = Math.Max(end, Math.Max(left[i], right[i]) + sizeof(int));
        return end;
    }

    // On the pinned heap, so the pointer stays valid while the plan holds the array.
    private T[] Pinned<T>(int length, out T* pointer) where T : unmanaged
    {
        var array = GC.AllocateArray<T>(Math.Max(length, 1), pinned: true);
        pointer = (T*)Unsafe.AsPointer(ref array[0]);
        _keepAlive.Add(array);
        return array;
    }

    /// <summary>Where one format's lanes read.</summary>
    internal sealed class Plan
    {
        /// <summary>Per lane: byte offset of the left (right) pixel's value or Y word in the row.</summary>
        public int* Left, Right;
        /// <summary>Per lane: byte offset of the pixel's U (then V) word in the chroma row; null without chroma.</summary>
        public int* ChromaLeft, ChromaRight;
        /// <summary>Bits from U to V in the chroma word.</summary>
        public int VShift;
        /// <summary>Whether the lanes convert YUV.</summary>
        public bool Yuv;
        /// <summary>Bytes from a row's start the word reads reach (luma, chroma).</summary>
        public int LumaEnd, ChromaEnd;
        /// <summary>Whether every group of 4 lanes reads one 16-byte window per row.</summary>
        public bool Windows;
        /// <summary>Per group: the window's byte offset in the row (luma, chroma).</summary>
        public int* LumaStart, ChromaStart;
        /// <summary>Per group: 16 shuffle indices for the left pixels, then 16 for the right (luma, chroma).</summary>
        public byte* LumaControl, ChromaControl;
    }
}
