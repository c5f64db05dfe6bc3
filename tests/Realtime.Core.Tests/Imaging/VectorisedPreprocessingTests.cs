using System;
using System.IO;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// The vector kernels against the scalar reference, value for value, over every format, 3 and 4
/// channels, and the shapes that stress a lane plan: letterbox, a crop with an odd left edge,
/// upscaling, stretching, rows that are not a multiple of the vector, rows shorter than a vector,
/// downscales too steep for 16-byte windows (each lane then loads its own word), padded strides,
/// and tightly packed buffers whose last rows cannot take a 4-byte word read past the end. Frames are random bytes, so YUV values outside the legal range exercise the clamps.
/// Agreement on real frames (and with OpenCV) is Realtime.Vision.Tests' job.
/// </summary>
public sealed class VectorisedPreprocessingTests
{
    /// <summary>Where the kernel in use is written when a parent test asks (see <see cref="VectorKernelWithoutAvx2Tests"/>).</summary>
    internal const string ReportVariable = "REALTIME_TEST_KERNEL_REPORT";

    /// <summary>Exact up to float rounding: the vector kernels do the scalar pass's arithmetic in its order.</summary>
    private const double MaxLevels = 1e-3;

    public static TheoryData<PixelFormat, int, string> Cases()
    {
        var data = new TheoryData<PixelFormat, int, string>();
        foreach (var format in new[] { PixelFormat.Bgr24, PixelFormat.Yuyv, PixelFormat.Nv12, PixelFormat.Grey8 })
            foreach (int channels in new[] { 3, 4 })
                foreach (var shape in Shapes.Keys) data.Add(format, channels, shape);
        return data;
    }

    private static readonly System.Collections.Generic.Dictionary<string, Shape> Shapes = new()
    {
        ["face tracker 320x240 to 128x128"] = new(320, 240, 128, 128, null, true, 0),
        ["crop at an odd column, 640x480"] = new(640, 480, 96, 96, (101, 33, 201, 151), true, 0),
        ["upscale 40x30 to 160x160"] = new(40, 30, 160, 160, null, true, 0),
        ["stretch 320x240 to 100x77"] = new(320, 240, 100, 77, null, false, 0),
        ["odd sizes 322x242 to 61x45"] = new(322, 242, 61, 45, null, true, 0),
        ["rows shorter than a vector, 2x2 to 1x1"] = new(2, 2, 1, 1, null, true, 0),
        ["rows narrower than a window, 4x4 to 3x3"] = new(4, 4, 3, 3, null, true, 0),
        ["downscale past a window, 640x480 to 96x72"] = new(640, 480, 96, 72, null, true, 0),
        ["padded stride, 320x240 to 128x128"] = new(320, 240, 128, 128, null, true, 13),
        ["identity 64x8"] = new(64, 8, 64, 8, null, true, 0),
    };

    private sealed record Shape(int W, int H, int TW, int TH, (int, int, int, int)? Crop, bool Keep, int StridePad);

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryVectorKernelGivesTheScalarPassesValues(PixelFormat format, int channels, string shape)
    {
        var s = Shapes[shape];
        int stride = s.W * FrameBuffer.BytesPerPixel(format) + s.StridePad;
        // Tightly packed: the last row ends at the buffer's end (no slack after it).
        var pixels = new byte[stride * (FrameBuffer.Rows(format, s.H) - 1) + s.W * FrameBuffer.BytesPerPixel(format)];
        new Random(format.GetHashCode() * 31 + channels * 7 + shape.Length).NextBytes(pixels);
        float[] reference = Run(PreprocessKernel.Scalar, s, format, channels, pixels, stride);
        foreach (var kernel in new[] { PreprocessKernel.Vector128, PreprocessKernel.Auto })
        {
            float[] got = Run(kernel, s, format, channels, pixels, stride);
            double max = 0;
            int worst = -1;
            for (int i = 0; i < reference.Length; i++)
            {
                double d = Math.Abs(got[i] - reference[i]) * 127.5; // in grey levels of [-1, 1]
                if (d > max || double.IsNaN(d)) (max, worst) = (double.IsNaN(d) ? double.PositiveInfinity : d, i);
            }
            Assert.True(max <= MaxLevels, $"{kernel} {format} {channels}ch {shape}: value {worst} is {got[Math.Max(worst, 0)]}, scalar {reference[Math.Max(worst, 0)]} ({max:0.####} levels)");
        }
    }

    private static float[] Run(PreprocessKernel kernel, Shape s, PixelFormat format, int channels, byte[] pixels, int stride)
    {
        var p = new LetterboxPreprocessor(s.W, s.H, s.TW, s.TH, crop: s.Crop, channels: channels, alpha: 0.25f, keepAspect: s.Keep) { Kernel = kernel };
        var t = new float[s.TW * s.TH * channels];
        t.AsSpan().Fill(float.NaN); // a value the pass forgot to write shows as NaN
        p.Process(pixels, format, stride, t);
        return t;
    }

    [Fact]
    public void AutoResolvesToTheVectorKernelWhereAcceleratedAndSaysSo()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var expected = Vector128.IsHardwareAccelerated ? PreprocessKernel.Vector128 : PreprocessKernel.Scalar;
        Assert.Equal(expected, p.Kernel);
        Assert.Equal(PreprocessKernel.Scalar, new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = PreprocessKernel.Scalar }.Kernel);
        var path = Environment.GetEnvironmentVariable(ReportVariable);
        if (!string.IsNullOrEmpty(path)) File.WriteAllText(path, $"kernel={p.Kernel} avx={Avx.IsSupported}\n");
    }

    [Fact]
    public void AKernelThatDoesNotExistIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = (PreprocessKernel)7 });
        Assert.Contains("no preprocessing kernel 7", ex.Message);
    }
}
