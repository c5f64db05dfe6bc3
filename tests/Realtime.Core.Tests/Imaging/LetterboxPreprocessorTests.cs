using System;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// The fused letterbox pass as pure arithmetic: geometry of the letterbox, BGR→RGB order, the
/// normalisation to [-1, 1], padding, the inverse mapping, and cropping. Agreement with OpenCV's
/// resize on real frames is Realtime.Vision.Tests' job.
/// </summary>
public sealed class LetterboxPreprocessorTests
{
    private const float Tolerance = 1e-5f;

    private static float Norm(int v) => v / 255f * 2f - 1f;

    private static FrameBuffer Uniform(int w, int h, byte b, byte g, byte r)
    {
        var f = new FrameBuffer(w, h, PixelFormat.Bgr24);
        for (int i = 0; i < f.Pixels.Length; i += 3)
        {
            f.Pixels[i] = b;
            f.Pixels[i + 1] = g;
            f.Pixels[i + 2] = r;
        }
        return f;
    }

    private static float At(float[] t, int tensorWidth, int x, int y, int c) => t[(y * tensorWidth + x) * 3 + c];

    [Fact]
    public void A320x240FrameInto128x128IsLetterboxedTo128x96WithSixteenRowsOfPaddingAboveAndBelow()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        Assert.Equal(128, p.ResizedWidth);
        Assert.Equal(96, p.ResizedHeight);
        Assert.Equal(0, p.OffsetX);
        Assert.Equal(16, p.OffsetY);
    }

    [Fact]
    public void APortraitFrameIsPaddedLeftAndRight()
    {
        var p = new LetterboxPreprocessor(240, 320, 128, 128);
        Assert.Equal((96, 128, 16, 0), (p.ResizedWidth, p.ResizedHeight, p.OffsetX, p.OffsetY));
        var t = new float[128 * 128 * 3];
        p.Process(Uniform(240, 320, 200, 100, 50), t);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                bool inside = x >= 16 && x < 112;
                Assert.Equal(inside ? Norm(50) : -1f, At(t, 128, x, y, 0), Tolerance);
                Assert.Equal(inside ? Norm(200) : -1f, At(t, 128, x, y, 2), Tolerance);
            }
    }

    [Fact]
    public void AUniformBgrFrameBecomesNormalisedRgbInsideAndMinusOneInThePaddingRows()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var t = new float[128 * 128 * 3];
        t.AsSpan().Fill(123f); // stale values must not survive anywhere
        p.Process(Uniform(320, 240, b: 10, g: 20, r: 30), t);
        int inside = 0, padding = 0;
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                if (y >= 16 && y < 112)
                {
                    Assert.Equal(Norm(30), At(t, 128, x, y, 0), Tolerance); // R first
                    Assert.Equal(Norm(20), At(t, 128, x, y, 1), Tolerance);
                    Assert.Equal(Norm(10), At(t, 128, x, y, 2), Tolerance); // B last
                    inside++;
                }
                else
                {
                    for (int c = 0; c < 3; c++) Assert.Equal(-1f, At(t, 128, x, y, c));
                    padding++;
                }
            }
        Assert.Equal(128 * 96, inside);
        Assert.Equal(128 * 32, padding);
    }

    [Theory]
    [InlineData(320, 240)] // 32 rows of slack: 16 above, 16 below
    [InlineData(128, 125)] // 3 rows: 1 above, 2 below
    [InlineData(128, 127)] // 1 row: 0 above, 1 below
    [InlineData(127, 128)] // 1 column: 0 left, 1 right
    public void EveryTensorValueOutsideTheResizedImageIsPaddingEvenWhenTheSlackIsOnePixel(int w, int h)
    {
        var p = new LetterboxPreprocessor(w, h, 128, 128);
        var t = new float[128 * 128 * 3];
        t.AsSpan().Fill(123f); // the bound input tensor is reused: last frame's values must not survive
        p.Process(Uniform(w, h, 255, 255, 255), t);
        int padding = 0;
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
            {
                bool inside = x >= p.OffsetX && x < p.OffsetX + p.ResizedWidth && y >= p.OffsetY && y < p.OffsetY + p.ResizedHeight;
                if (inside) continue;
                padding++;
                for (int c = 0; c < 3; c++)
                    Assert.True(At(t, 128, x, y, c) == -1f, $"{w}x{h}: padding at ({x},{y}) is {At(t, 128, x, y, c)}, not -1");
            }
        Assert.Equal(128 * 128 - p.ResizedWidth * p.ResizedHeight, padding);
        Assert.True(padding > 0);
    }

    [Fact]
    public void CustomLowAndHighMapBlackAndWhiteToThem()
    {
        var p = new LetterboxPreprocessor(64, 64, 32, 32, low: 0f, high: 1f);
        var t = new float[32 * 32 * 3];
        p.Process(Uniform(64, 64, 255, 255, 255), t);
        Assert.All(t, v => Assert.Equal(1f, v, Tolerance));
        p.Process(Uniform(64, 64, 0, 0, 0), t);
        Assert.All(t, v => Assert.Equal(0f, v, Tolerance));
    }

    [Fact]
    public void TensorCentreMapsToFrameCentre()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var (x, y) = p.TensorToFrame(64, 64);
        Assert.InRange(x, 159.5f, 160.5f);
        Assert.InRange(y, 119.5f, 120.5f);
        // The resized region's corners map to the frame's corners.
        Assert.Equal((0f, 0f), p.TensorToFrame(0, 16));
        Assert.Equal((320f, 240f), p.TensorToFrame(128, 112));
    }

    [Fact]
    public void AHorizontalGradientStaysMonotonicInEveryRow()
    {
        var f = new FrameBuffer(320, 240, PixelFormat.Bgr24);
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
            {
                byte v = (byte)(x * 255 / 319);
                int o = y * f.Stride + x * 3;
                f.Pixels[o] = v;
                f.Pixels[o + 1] = v;
                f.Pixels[o + 2] = (byte)(255 - v);
            }
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        var t = new float[128 * 128 * 3];
        p.Process(f, t);
        for (int y = 16; y < 112; y++)
        {
            for (int x = 1; x < 128; x++)
            {
                Assert.True(At(t, 128, x, y, 2) >= At(t, 128, x - 1, y, 2), $"blue not rising at ({x},{y})");
                Assert.True(At(t, 128, x, y, 0) <= At(t, 128, x - 1, y, 0), $"red not falling at ({x},{y})");
            }
            Assert.True(At(t, 128, 127, y, 2) - At(t, 128, 0, y, 2) > 1.9f); // nearly the full range
        }
    }

    [Fact]
    public void AtIdentitySizeEveryPixelIsReproducedExactly()
    {
        var f = new FrameBuffer(128, 128, PixelFormat.Bgr24);
        new Random(1234).NextBytes(f.Pixels);
        var p = new LetterboxPreprocessor(128, 128, 128, 128);
        Assert.Equal((128, 128, 0, 0), (p.ResizedWidth, p.ResizedHeight, p.OffsetX, p.OffsetY));
        var t = new float[128 * 128 * 3];
        p.Process(f, t);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
                for (int c = 0; c < 3; c++)
                {
                    byte v = f.Pixels[y * f.Stride + x * 3 + (2 - c)]; // tensor RGB from frame BGR
                    float got = At(t, 128, x, y, c);
                    Assert.Equal(Norm(v), got, 1e-6f);
                    Assert.Equal(v, (int)MathF.Round((got + 1f) / 2f * 255f));
                }
    }

    [Fact]
    public void ACropUsesOnlyThePixelsInsideTheCrop()
    {
        // Four quadrants of different colours; the crop is the bottom-right one.
        var f = new FrameBuffer(320, 240, PixelFormat.Bgr24);
        for (int y = 0; y < 240; y++)
            for (int x = 0; x < 320; x++)
            {
                int o = y * f.Stride + x * 3;
                bool right = x >= 160, bottom = y >= 120;
                f.Pixels[o] = (byte)(right ? 200 : 10);
                f.Pixels[o + 1] = (byte)(bottom ? 150 : 20);
                f.Pixels[o + 2] = (byte)(right && bottom ? 90 : 250);
            }
        var p = new LetterboxPreprocessor(320, 240, 128, 128, crop: (160, 120, 160, 120));
        Assert.Equal((128, 96, 0, 16), (p.ResizedWidth, p.ResizedHeight, p.OffsetX, p.OffsetY));
        var t = new float[128 * 128 * 3];
        p.Process(f, t);
        for (int y = 16; y < 112; y++)
            for (int x = 0; x < 128; x++)
            {
                Assert.Equal(Norm(90), At(t, 128, x, y, 0), Tolerance);
                Assert.Equal(Norm(150), At(t, 128, x, y, 1), Tolerance);
                Assert.Equal(Norm(200), At(t, 128, x, y, 2), Tolerance);
            }
        // And the inverse mapping lands in the crop.
        Assert.Equal((160f, 120f), p.TensorToFrame(0, 16));
        Assert.Equal((320f, 240f), p.TensorToFrame(128, 112));
    }

    [Theory]
    [InlineData(-1, 0, 10, 10)]
    [InlineData(0, -1, 10, 10)]
    [InlineData(0, 0, 0, 10)]
    [InlineData(0, 0, 10, 0)]
    [InlineData(300, 0, 40, 10)]
    [InlineData(0, 230, 10, 20)]
    public void ACropThatDoesNotFitTheFrameIsRejected(int x, int y, int w, int h)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LetterboxPreprocessor(320, 240, 128, 128, crop: (x, y, w, h)));
    }

    [Fact]
    public void ANonPositiveTensorSizeIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LetterboxPreprocessor(320, 240, 0, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LetterboxPreprocessor(320, 240, 128, -1));
    }

    [Fact]
    public void AFrameOfAnotherSizeOrATooSmallTensorIsRejected()
    {
        var p = new LetterboxPreprocessor(320, 240, 128, 128);
        Assert.Throws<ArgumentException>(() => p.Process(new FrameBuffer(640, 480, PixelFormat.Bgr24), new float[128 * 128 * 3]));
        Assert.Throws<ArgumentException>(() => p.Process(new FrameBuffer(320, 240, PixelFormat.Bgr24), new float[128 * 128 * 3 - 1]));
    }

    [Fact]
    public void FourChannelsAreTheThreeChannelPassWithAConstantAlphaAndStretchFillsTheTensor()
    {
        var frame = new FrameBuffer(64, 48, PixelFormat.Bgr24);
        var rng = new Random(5);
        rng.NextBytes(frame.Pixels);
        var rgb = new LetterboxPreprocessor(64, 48, 32, 32, 0f, 255f);
        var rgba = new LetterboxPreprocessor(64, 48, 32, 32, 0f, 255f, channels: 4, alpha: 1f);
        var t3 = new float[32 * 32 * 3];
        var t4 = new float[32 * 32 * 4];
        rgb.Process(frame, t3);
        rgba.Process(frame, t4);
        for (int i = 0; i < 32 * 32; i++)
        {
            for (int c = 0; c < 3; c++) Assert.Equal(t3[i * 3 + c], t4[i * 4 + c]);
            Assert.Equal(1f, t4[i * 4 + 3]); // padding rows included
        }
        // Stretched: no padding, and the tensor's corners map to the frame's corners.
        var stretch = new LetterboxPreprocessor(64, 48, 32, 32, 0f, 255f, channels: 4, keepAspect: false);
        Assert.Equal((32, 32, 0, 0), (stretch.ResizedWidth, stretch.ResizedHeight, stretch.OffsetX, stretch.OffsetY));
        Assert.Equal((64f, 48f), stretch.TensorToFrame(32, 32));
        Assert.Throws<ArgumentException>(() => rgba.Process(frame, new float[32 * 32 * 3]));
    }
}
