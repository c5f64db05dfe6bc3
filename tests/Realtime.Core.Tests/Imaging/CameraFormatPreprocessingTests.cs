using System;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Tests;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// The fused pass over camera formats as arithmetic: BT.601 limited-range anchors, where YUYV and
/// NV12 keep their chroma, GREY to three equal channels, the checks on the frame it is given, and
/// zero allocation per frame. Agreement with OpenCV on real images is Realtime.Vision.Tests' job.
/// </summary>
public sealed class CameraFormatPreprocessingTests
{
    private static float Norm(int v) => v / 255f * 2f - 1f;

    private static void AssertRgb(int r, int g, int b, float[] t, int o)
    {
        Assert.Equal(Norm(r), t[o], 5);
        Assert.Equal(Norm(g), t[o + 1], 5);
        Assert.Equal(Norm(b), t[o + 2], 5);
    }

    [Theory]
    [InlineData(16, 128, 128, 0, 0, 0)]        // limited-range black
    [InlineData(235, 128, 128, 255, 255, 255)] // limited-range white
    [InlineData(126, 128, 128, 128, 128, 128)] // mid grey: (126-16)·255/219 = 128.08
    [InlineData(0, 128, 128, 0, 0, 0)]         // below black clamps
    [InlineData(81, 90, 240, 255, 0, 0)]       // BT.601 red
    [InlineData(145, 54, 34, 0, 255, 0)]       // BT.601 green
    [InlineData(41, 240, 110, 0, 0, 255)]      // BT.601 blue
    public void Bt601LimitedRangeAnchors(int y, int u, int v, int r, int g, int b)
    {
        Bt601.ToRgb(y, u, v, out int rr, out int gg, out int bb);
        Assert.InRange(rr, r - 1, r + 1);
        Assert.InRange(gg, g - 1, g + 1);
        Assert.InRange(bb, b - 1, b + 1);
    }

    [Fact]
    public void YuyvPairsShareTheirChroma()
    {
        // 4x2 frame: the left pair is red, the right pair blue; identity size, so no resampling.
        var f = new FrameBuffer(4, 2, PixelFormat.Yuyv);
        for (int y = 0; y < 2; y++)
        {
            f.Pixels.AsSpan(y * 8, 8).SetValues(81, 90, 81, 240, 41, 240, 41, 110);
        }
        var p = new LetterboxPreprocessor(4, 2, 4, 2);
        var t = new float[4 * 2 * 3];
        p.Process(f, t);
        Bt601.ToRgb(81, 90, 240, out int r0, out int g0, out int b0);
        Bt601.ToRgb(41, 240, 110, out int r1, out int g1, out int b1);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 4; x++)
            {
                var (r, g, b) = x < 2 ? (r0, g0, b0) : (r1, g1, b1);
                int o = (y * 4 + x) * 3;
                AssertRgb(r, g, b, t, o);
            }
    }

    [Fact]
    public void Nv12TakesChromaFromItsTwoByTwoBlock()
    {
        // 4x4 frame, uniform Y; the four chroma blocks each have their own U V.
        var f = new FrameBuffer(4, 4, PixelFormat.Nv12);
        Assert.Equal(4 * 4 + 4 * 2, f.Pixels.Length);
        f.Pixels.AsSpan(0, 16).Fill(120);
        byte[] uv = { 90, 240, 54, 34, 240, 110, 128, 128 };
        uv.CopyTo(f.Pixels, 16);
        var p = new LetterboxPreprocessor(4, 4, 4, 4);
        var t = new float[4 * 4 * 3];
        p.Process(f, t);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                int block = (y / 2) * 2 + x / 2;
                Bt601.ToRgb(120, uv[block * 2], uv[block * 2 + 1], out int r, out int g, out int b);
                int o = (y * 4 + x) * 3;
                AssertRgb(r, g, b, t, o);
            }
    }

    [Fact]
    public void GreyBecomesThreeEqualChannelsAndKeepsTheLetterbox()
    {
        var f = new FrameBuffer(320, 240, PixelFormat.Grey8);
        f.Pixels.AsSpan().Fill(200);
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var t = new float[128 * 128 * 3];
        p.Process(f, t);
        for (int y = 0; y < 128; y++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(y < 16 || y >= 112 ? -1f : Norm(200), t[(y * 128 + 64) * 3 + c], 5);
    }

    [Fact]
    public void AFrameTooShortForItsFormatIsRefusedClearly()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var t = new float[128 * 128 * 3];
        var ex = Assert.Throws<ArgumentException>(() => p.Process(new byte[320 * 240 * 2], PixelFormat.Nv12, 320 * 2, t));
        Assert.Contains("320x240 Nv12 frame with stride 640 does not fit in 153600 bytes", ex.Message);
        Assert.Throws<ArgumentException>(() => p.Process(new FrameBuffer(160, 120, PixelFormat.Yuyv), t));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBuffer(321, 240, PixelFormat.Yuyv));
    }
}

/// <summary>Zero allocation of the pass over camera frames; alone, since GC counts are process-wide.</summary>
[Collection(AllocationCounters.Name)]
public sealed class CameraFormatPreprocessingAllocationTests
{
    [Theory]
    [InlineData(PixelFormat.Yuyv)]
    [InlineData(PixelFormat.Nv12)]
    [InlineData(PixelFormat.Grey8)]
    public void ThePassOverCameraFramesAllocatesNothing(PixelFormat format)
    {
        var f = new FrameBuffer(320, 240, format);
        var rng = new Random(5);
        rng.NextBytes(f.Pixels);
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var t = new float[128 * 128 * 3];
        Action pass = () => p.Process(f, t);
        for (int i = 0; i < 20; i++) pass(); // warm-up: JIT, tiering
        Realtime.Core.Pipeline.LoopMemory.CollectBeforeLoop();
        int gen0 = GC.CollectionCount(0);
        Assert.Equal(0, ThreadAllocations.Least(pass, n: 1000, warm: 0));
        Assert.Equal(gen0, GC.CollectionCount(0));
    }
}

/// <summary>Zero allocation of the vector kernel, every format, 3 and 4 channels; alone, since GC counts are process-wide.</summary>
[Collection(AllocationCounters.Name)]
public sealed class VectorisedPreprocessingAllocationTests
{
    [Theory]
    [InlineData(PreprocessKernel.Vector128)]
    [InlineData(PreprocessKernel.Auto)]
    public void TheVectorKernelAllocatesNothingPerFrame(PreprocessKernel kernel)
    {
        var formats = new[] { PixelFormat.Bgr24, PixelFormat.Yuyv, PixelFormat.Nv12, PixelFormat.Grey8 };
        var frames = new FrameBuffer[formats.Length];
        var rng = new Random(11);
        for (int i = 0; i < formats.Length; i++)
        {
            frames[i] = new FrameBuffer(320, 240, formats[i]);
            rng.NextBytes(frames[i].Pixels);
        }
        var passes = new[]
        {
            new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = kernel },
            new LetterboxPreprocessor(320, 240, 128, 128, channels: 4, keepAspect: false) { Kernel = kernel },
        };
        var tensor = new float[128 * 128 * 4];
        Action each = () => { foreach (var p in passes) foreach (var f in frames) p.Process(f, tensor); };
        for (int i = 0; i < 20; i++) each(); // warm-up: JIT, tiering
        LoopMemory.CollectBeforeLoop();
        int gen0 = GC.CollectionCount(0);
        Assert.Equal(0, ThreadAllocations.Least(each, n: 250, warm: 0));
        Assert.Equal(gen0, GC.CollectionCount(0));
    }
}

/// <summary>Tests that read process-wide GC counters run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCounters
{
    /// <summary>The collection's name.</summary>
    public const string Name = "allocation counters";
}

internal static class SpanFill
{
    public static void SetValues(this Span<byte> span, params byte[] values) => values.CopyTo(span);
}
