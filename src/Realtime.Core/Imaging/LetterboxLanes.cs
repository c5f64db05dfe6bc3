using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Realtime.Core.Imaging;

/// <summary>
/// The vectorised letterbox row. One lane is one float of the interleaved tensor row (pixel x,
/// channel c), so a vector of results is stored as it is, with no shuffles, for 3 or 4 channels
/// alike. Each lane reads the 4-byte word at its own source byte offset (a hardware gather on AVX2,
/// four or eight plain loads elsewhere) and keeps the byte it needs: BGR's channel byte, GREY's
/// byte, or Y and the pair's U V for the two YUV formats, converted with <see cref="Bt601"/>'s
/// coefficients chosen per lane. The arithmetic, in order, is the scalar pass's, so the output is
/// the same to the bit. All offset tables are computed once and pinned, so a row allocates nothing.
/// A word read runs up to 3 bytes past the last byte used: <see cref="Fits"/> tells the caller
/// when a row must take the scalar path instead (the last rows of a tightly packed buffer).
/// </summary>
internal sealed unsafe class LetterboxLanes
{
    private readonly int _n; // floats per resized row: ResizedWidth × channels
    private readonly float _scale, _bias, _alpha;
    private readonly float* _w;    // horizontal weight, per lane
    private readonly int* _ku, _kv; // BT.601 U and V coefficients of the lane's channel
    private readonly int* _alphaMask; // all ones on alpha lanes; null with 3 channels
    private readonly Offsets _bgr, _grey, _yuyv, _nv12;
    private readonly object[] _keepAlive; // the pinned arrays behind the pointers above

    /// <summary>Plans the lanes of one resized row.</summary>
    public LetterboxLanes(int[] xLeft, int[] xRight, float[] xWeight, int channels, float scale, float bias, float alpha)
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
        var bgrL = Pinned<int>(_n, out int* bgrLp);
        var bgrR = Pinned<int>(_n, out int* bgrRp);
        var greyL = Pinned<int>(_n, out int* greyLp);
        var greyR = Pinned<int>(_n, out int* greyRp);
        var yuyvL = Pinned<int>(_n, out int* yuyvLp);
        var yuyvR = Pinned<int>(_n, out int* yuyvRp);
        var yuyvUvL = Pinned<int>(_n, out int* yuyvUvLp);
        var yuyvUvR = Pinned<int>(_n, out int* yuyvUvRp);
        var nv12UvL = Pinned<int>(_n, out int* nv12UvLp);
        var nv12UvR = Pinned<int>(_n, out int* nv12UvRp);
        for (int x = 0; x < width; x++)
        {
            int a = xLeft[x], b = xRight[x];
            for (int c = 0; c < channels; c++)
            {
                int k = x * channels + c;
                w[k] = xWeight[x];
                // Alpha lanes read a valid byte too (the pixel's first) and are overwritten with alpha.
                int bgrByte = c < 3 ? 2 - c : 0; // RGB out of BGR
                bgrL[k] = a * 3 + bgrByte;
                bgrR[k] = b * 3 + bgrByte;
                greyL[k] = a;
                greyR[k] = b;
                yuyvL[k] = a * 2;                 // Y0 U Y1 V: the pixel's own Y
                yuyvR[k] = b * 2;
                yuyvUvL[k] = (a & ~1) * 2 + 1;    // U, then V two bytes on
                yuyvUvR[k] = (b & ~1) * 2 + 1;
                nv12UvL[k] = a & ~1;              // U, then V one byte on
                nv12UvR[k] = b & ~1;
                (ku[k], kv[k]) = c switch
                {
                    0 => (0, Bt601.Cvr),
                    1 => (Bt601.Cug, Bt601.Cvg),
                    2 => (Bt601.Cub, 0),
                    _ => (0, 0),
                };
                if (mask != null) mask[k] = c == 3 ? -1 : 0;
            }
        }
        _bgr = new Offsets(bgrLp, bgrRp, null, null, 0, End(bgrL, bgrR), 0);
        _grey = new Offsets(greyLp, greyRp, null, null, 0, End(greyL, greyR), 0);
        _yuyv = new Offsets(yuyvLp, yuyvRp, yuyvUvLp, yuyvUvRp, 16, End(yuyvL, yuyvR), End(yuyvUvL, yuyvUvR));
        _nv12 = new Offsets(greyLp, greyRp, nv12UvLp, nv12UvRp, 8, End(greyL, greyR), End(nv12UvL, nv12UvR));
        _keepAlive = new object[] { w, ku, kv, mask ?? Array.Empty<int>(), bgrL, bgrR, greyL, greyR, yuyvL, yuyvR, yuyvUvL, yuyvUvR, nv12UvL, nv12UvR };
    }

    /// <summary>Floats per resized row.</summary>
    public int Length => _n;

    /// <summary>The offsets of a format the lanes read.</summary>
    public Offsets For(Pipeline.PixelFormat format) => format switch
    {
        Pipeline.PixelFormat.Bgr24 => _bgr,
        Pipeline.PixelFormat.Yuyv => _yuyv,
        Pipeline.PixelFormat.Nv12 => _nv12,
        _ => _grey,
    };

    /// <summary>Whether every word the row reads (luma row at <paramref name="row"/>, chroma at <paramref name="chromaRow"/>) lies inside <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Fits(in Offsets f, int row, int chromaRow, int length) =>
        (long)row + f.LumaEnd <= length && (f.ChromaLeft == null || (long)chromaRow + f.ChromaEnd <= length);

    /// <summary>
    /// One resized row with 8-float vectors: rows <paramref name="top"/> and <paramref name="bottom"/>
    /// (and their chroma rows) interpolated by <paramref name="wy"/> into <paramref name="dst"/>.
    /// Needs <see cref="Length"/> ≥ 8; the last vector overlaps the one before when the row is not a multiple of 8.
    /// </summary>
    public void Row256(byte* top, byte* topChroma, byte* bottom, byte* bottomChroma, float wy, in Offsets f, float* dst)
    {
        var scale = Vector256.Create(_scale);
        var bias = Vector256.Create(_bias);
        var vy = Vector256.Create(wy);
        var alpha = Vector256.Create(_alpha);
        int last = _n - 8;
        for (int k = 0; ; k = Math.Min(k + 8, last))
        {
            var w = Vector256.Load(_w + k);
            var t = Lerp(Sample256(top, topChroma, f.Left, f.ChromaLeft, k, f.VShift), Sample256(top, topChroma, f.Right, f.ChromaRight, k, f.VShift), w);
            var b = Lerp(Sample256(bottom, bottomChroma, f.Left, f.ChromaLeft, k, f.VShift), Sample256(bottom, bottomChroma, f.Right, f.ChromaRight, k, f.VShift), w);
            var v = (t + (b - t) * vy) * scale + bias;
            if (_alphaMask != null) v = Vector256.ConditionalSelect(Vector256.Load(_alphaMask + k).AsSingle(), alpha, v);
            v.Store(dst + k);
            if (k == last) break;
        }
    }

    /// <summary>The same row with 4-float vectors (SSE4, arm64 NEON). Needs <see cref="Length"/> ≥ 4.</summary>
    public void Row128(byte* top, byte* topChroma, byte* bottom, byte* bottomChroma, float wy, in Offsets f, float* dst)
    {
        var scale = Vector128.Create(_scale);
        var bias = Vector128.Create(_bias);
        var vy = Vector128.Create(wy);
        var alpha = Vector128.Create(_alpha);
        int last = _n - 4;
        for (int k = 0; ; k = Math.Min(k + 4, last))
        {
            var w = Vector128.Load(_w + k);
            var t = Lerp(Sample128(top, topChroma, f.Left, f.ChromaLeft, k, f.VShift), Sample128(top, topChroma, f.Right, f.ChromaRight, k, f.VShift), w);
            var b = Lerp(Sample128(bottom, bottomChroma, f.Left, f.ChromaLeft, k, f.VShift), Sample128(bottom, bottomChroma, f.Right, f.ChromaRight, k, f.VShift), w);
            var v = (t + (b - t) * vy) * scale + bias;
            if (_alphaMask != null) v = Vector128.ConditionalSelect(Vector128.Load(_alphaMask + k).AsSingle(), alpha, v);
            v.Store(dst + k);
            if (k == last) break;
        }
    }

    // a + (b − a)·w, in the scalar pass's order (no fused multiply-add, so the results are the same bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lerp(Vector256<float> a, Vector256<float> b, Vector256<float> w) => a + (b - a) * w;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Lerp(Vector128<float> a, Vector128<float> b, Vector128<float> w) => a + (b - a) * w;

    // The lanes' 8-bit channel values at offsets[k..k+8) of the row, as floats.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> Sample256(byte* row, byte* chromaRow, int* offsets, int* chroma, int k, int vShift)
    {
        var low = Vector256.Create(0xFF);
        var y = Gather256(row, offsets + k) & low;
        if (chroma == null) return Vector256.ConvertToSingle(y);
        var uv = Gather256(chromaRow, chroma + k);
        var uu = (uv & low) - Vector256.Create(128);
        var vv = (Vector256.ShiftRightLogical(uv, vShift) & low) - Vector256.Create(128);
        var yy = Vector256.Max(y - Vector256.Create(16), Vector256<int>.Zero) * Vector256.Create(Bt601.Cy);
        var sum = yy + Vector256.Load(_kv + k) * vv + Vector256.Load(_ku + k) * uu + Vector256.Create(Bt601.Round);
        var rgb = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(sum, Bt601.Shift), Vector256<int>.Zero), low);
        return Vector256.ConvertToSingle(rgb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<float> Sample128(byte* row, byte* chromaRow, int* offsets, int* chroma, int k, int vShift)
    {
        var low = Vector128.Create(0xFF);
        var y = Gather128(row, offsets + k) & low;
        if (chroma == null) return Vector128.ConvertToSingle(y);
        var uv = Gather128(chromaRow, chroma + k);
        var uu = (uv & low) - Vector128.Create(128);
        var vv = (Vector128.ShiftRightLogical(uv, vShift) & low) - Vector128.Create(128);
        var yy = Vector128.Max(y - Vector128.Create(16), Vector128<int>.Zero) * Vector128.Create(Bt601.Cy);
        var sum = yy + Vector128.Load(_kv + k) * vv + Vector128.Load(_ku + k) * uu + Vector128.Create(Bt601.Round);
        var rgb = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(sum, Bt601.Shift), Vector128<int>.Zero), low);
        return Vector128.ConvertToSingle(rgb);
    }

    // The 4-byte words at row + offsets[0..8): AVX2's gather, else one load per lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Gather256(byte* row, int* offsets)
    {
        if (Avx2.IsSupported) return Avx2.GatherVector256((int*)row, Vector256.Load(offsets), 1);
        return Vector256.Create(
            Unsafe.ReadUnaligned<int>(row + offsets[0]), Unsafe.ReadUnaligned<int>(row + offsets[1]),
            Unsafe.ReadUnaligned<int>(row + offsets[2]), Unsafe.ReadUnaligned<int>(row + offsets[3]),
            Unsafe.ReadUnaligned<int>(row + offsets[4]), Unsafe.ReadUnaligned<int>(row + offsets[5]),
            Unsafe.ReadUnaligned<int>(row + offsets[6]), Unsafe.ReadUnaligned<int>(row + offsets[7]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Gather128(byte* row, int* offsets)
    {
        if (Avx2.IsSupported) return Avx2.GatherVector128((int*)row, Vector128.Load(offsets), 1);
        return Vector128.Create(
            Unsafe.ReadUnaligned<int>(row + offsets[0]), Unsafe.ReadUnaligned<int>(row + offsets[1]),
            Unsafe.ReadUnaligned<int>(row + offsets[2]), Unsafe.ReadUnaligned<int>(row + offsets[3]));
    }

    // Bytes from a row's start that the word reads of these offsets reach.
    private static int End(int[] left, int[] right)
    {
        int end = 0;
        for (int i = 0; i < left.Length; i++) end = Math.Max(end, Math.Max(left[i], right[i]) + sizeof(int));
        return end;
    }

    // On the pinned heap, so the pointer stays valid for the plan's life.
    private static T[] Pinned<T>(int length, out T* pointer) where T : unmanaged
    {
        var array = GC.AllocateArray<T>(Math.Max(length, 1), pinned: true);
        pointer = (T*)Unsafe.AsPointer(ref array[0]);
        return array;
    }

    /// <summary>Where one format's lanes read: luma (or the only) byte, and for YUV the pair's U with V <see cref="VShift"/> bits above it.</summary>
    internal readonly struct Offsets
    {
        public Offsets(int* left, int* right, int* chromaLeft, int* chromaRight, int vShift, int lumaEnd, int chromaEnd)
        {
            Left = left;
            Right = right;
            ChromaLeft = chromaLeft;
            ChromaRight = chromaRight;
            VShift = vShift;
            LumaEnd = lumaEnd;
            ChromaEnd = chromaEnd;
        }

        public int* Left { get; }
        public int* Right { get; }
        public int* ChromaLeft { get; }
        public int* ChromaRight { get; }
        public int VShift { get; }
        public int LumaEnd { get; }
        public int ChromaEnd { get; }
    }
}
