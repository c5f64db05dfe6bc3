using System;
using System.IO;
using System.Runtime.InteropServices;
using OpenCvSharp;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Linux.V4l2;
using Realtime.Tests;
using Realtime.Vision;

namespace Realtime.Vision.Tests;

/// <summary>
/// The fused pass over camera formats (YUYV, NV12, GREY) against OpenCV on real images. The YUV
/// frames are made from real pictures by OpenCV (BGR2YUV_I420, rearranged to NV12 and YUYV as a
/// camera lays them out); the reference is OpenCV's own decode (COLOR_YUV2RGB_NV12 / _YUYV,
/// GRAY2RGB) followed by its INTER_LINEAR resize.
/// Tolerances: at an identity size (no resampling) the conversion must agree exactly (below
/// 0.001 of a grey level, float rounding only), because it uses OpenCV's fixed-point BT.601
/// arithmetic. Through a resize, at most 1 grey level per value and 0.3 on average, for the reason
/// the BGR comparison gives: OpenCV's 8-bit resize rounds to whole levels in 11-bit fixed point,
/// ours stays in float (the mean of that rounding is about a quarter level; a real error such as a
/// half-pixel or a chroma-pairing shift moves it by whole levels).
/// </summary>
public sealed class CameraFormatsVersusOpenCvTests
{
    private const double ExactLevels = 1e-3;
    private const double MaxLevels = 1.0;
    private const double MeanLevels = 0.3;

    /// <summary>A camera-shaped YUV frame made from a BGR image: NV12 (Y plane, then U V pairs) or YUYV (Y0 U Y1 V).</summary>
    internal static byte[] ToCameraYuv(Mat bgr, PixelFormat format)
    {
        int w = bgr.Width, h = bgr.Height;
        using var i420 = new Mat();
        Cv2.CvtColor(bgr, i420, ColorConversionCodes.BGR2YUV_I420);
        var planar = new byte[w * h * 3 / 2];
        Marshal.Copy(i420.Data, planar, 0, planar.Length);
        int cw = w / 2, ch = h / 2, uBase = w * h, vBase = uBase + cw * ch;
        var frame = new byte[FrameBuffer.FrameBytes(format, w, h)];
        if (format == PixelFormat.Nv12)
        {
            Array.Copy(planar, frame, w * h);
            for (int i = 0; i < cw * ch; i++)
            {
                frame[uBase + 2 * i] = planar[uBase + i];
                frame[uBase + 2 * i + 1] = planar[vBase + i];
            }
        }
        else
        {
            // 4:2:0 → 4:2:2: each chroma row serves the two image rows it came from.
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x += 2)
                {
                    int o = (y * w + x) * 2, c = (y / 2) * cw + x / 2;
                    frame[o] = planar[y * w + x];
                    frame[o + 1] = planar[uBase + c];
                    frame[o + 2] = planar[y * w + x + 1];
                    frame[o + 3] = planar[vBase + c];
                }
        }
        return frame;
    }

    /// <summary>OpenCV's RGB for a camera frame, at its own size.</summary>
    private static Mat OpenCvRgb(byte[] frame, PixelFormat format, int w, int h)
    {
        Mat src = format switch
        {
            PixelFormat.Nv12 => new Mat(h * 3 / 2, w, MatType.CV_8UC1),
            PixelFormat.Yuyv => new Mat(h, w, MatType.CV_8UC2),
            _ => new Mat(h, w, MatType.CV_8UC1),
        };
        using (src)
        {
            Marshal.Copy(frame, 0, src.Data, frame.Length);
            var rgb = new Mat();
            Cv2.CvtColor(src, rgb, format switch
            {
                PixelFormat.Nv12 => ColorConversionCodes.YUV2RGB_NV12,
                PixelFormat.Yuyv => ColorConversionCodes.YUV2RGB_YUYV,
                _ => ColorConversionCodes.GRAY2RGB,
            });
            return rgb;
        }
    }

    internal static byte[] Bytes(Mat m)
    {
        var b = new byte[m.Width * m.Height * m.ElemSize()];
        using var c = m.IsContinuous() ? m.Clone() : m.Clone();
        Marshal.Copy(c.Data, b, 0, b.Length);
        return b;
    }

    private static Mat Even(Mat image) => new Mat(image, new Rect(0, 0, image.Width & ~1, image.Height & ~1)).Clone();

    private static (double Max, double Mean) Compare(float[] tensor, int tensorWidth, byte[] reference, int rw, int rh, int ox, int oy)
    {
        double max = 0, sum = 0;
        for (int y = 0; y < rh; y++)
            for (int x = 0; x < rw; x++)
                for (int c = 0; c < 3; c++)
                {
                    double ours = (tensor[((oy + y) * tensorWidth + ox + x) * 3 + c] + 1) * 127.5;
                    double d = Math.Abs(ours - reference[(y * rw + x) * 3 + c]);
                    max = Math.Max(max, d);
                    sum += d;
                }
        return (max, sum / (rw * rh * 3));
    }

    [Theory]
    [InlineData(PixelFormat.Yuyv, "images/messi5.jpg", PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Nv12, "images/messi5.jpg", PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Grey8, "images/messi5.jpg", PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Yuyv, "images/building.jpg", PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Nv12, "images/building.jpg", PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Yuyv, "images/messi5.jpg", PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Nv12, "images/messi5.jpg", PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Grey8, "images/messi5.jpg", PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Yuyv, "images/building.jpg", PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Nv12, "images/building.jpg", PreprocessKernel.Vector128)]
    public void AtIdentitySizeTheConversionIsOpenCvsExactly(PixelFormat format, string image, PreprocessKernel kernel)
    {
        using var loaded = Cv2.ImRead(TestAssets.Get(image), ImreadModes.Color);
        using var bgr = Even(loaded);
        int w = bgr.Width, h = bgr.Height;
        byte[] frame;
        if (format == PixelFormat.Grey8)
        {
            using var grey = new Mat();
            Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
            frame = Bytes(grey);
        }
        else frame = ToCameraYuv(bgr, format);
        var pre = new LetterboxPreprocessor(w, h, w, h) { Kernel = kernel };
        Assert.Equal((w, h, 0, 0), (pre.ResizedWidth, pre.ResizedHeight, pre.OffsetX, pre.OffsetY));
        var tensor = new float[w * h * 3];
        pre.Process(frame, format, w * FrameBuffer.BytesPerPixel(format), tensor);
        using var reference = OpenCvRgb(frame, format, w, h);
        var (max, _) = Compare(tensor, w, Bytes(reference), w, h, 0, 0);
        Assert.True(max <= ExactLevels, $"{format} {image}: max difference {max:0.####} grey levels, expected exact agreement");
    }

    [Theory]
    [InlineData(PixelFormat.Yuyv, PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Nv12, PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Grey8, PreprocessKernel.Scalar)]
    [InlineData(PixelFormat.Yuyv, PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Nv12, PreprocessKernel.Vector128)]
    [InlineData(PixelFormat.Grey8, PreprocessKernel.Vector128)]
    public void MegamindWindowsMatchOpenCvDecodeThenResize(PixelFormat format, PreprocessKernel kernel)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        var pre = new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = kernel };
        var tensor = new float[128 * 128 * 3];
        var slot = new FrameBuffer(320, 240, format);
        int compared = 0;
        for (int f = 0; f < 240; f++)
        {
            Assert.True(video.Advance());
            if (f % 24 != 0) continue;
            int x = (f * 37) % (video.Width - 320), y = (f * 53) % (video.Height - 240);
            using var window = new Mat(video.Frame, new Rect(x, y, 320, 240)).Clone();
            byte[] frame;
            if (format == PixelFormat.Grey8)
            {
                using var grey = new Mat();
                Cv2.CvtColor(window, grey, ColorConversionCodes.BGR2GRAY);
                frame = Bytes(grey);
            }
            else frame = ToCameraYuv(window, format);
            frame.CopyTo(slot.Pixels, 0);
            pre.Process(slot, tensor); // through the FrameBuffer path the pipeline uses

            using var rgb = OpenCvRgb(frame, format, 320, 240);
            using var resized = new Mat();
            Cv2.Resize(rgb, resized, new Size(128, 96), 0, 0, InterpolationFlags.Linear);
            var (max, mean) = Compare(tensor, 128, Bytes(resized), 128, 96, 0, 16);
            Assert.True(max <= MaxLevels, $"{format} frame {f}: max difference {max:0.###} grey levels exceeds {MaxLevels}");
            Assert.True(mean <= MeanLevels, $"{format} frame {f}: mean difference {mean:0.###} grey levels exceeds {MeanLevels}");
            for (int i = 0; i < 128 * 16 * 3; i++) Assert.Equal(-1f, tensor[i]); // the letterbox band
            compared++;
        }
        Assert.Equal(10, compared);
    }

    [Fact]
    public void ACroppedWindowWithAnOddLeftEdgeKeepsYuyvChromaPairs()
    {
        // A crop starting on an odd column must still take U/V from the pixel's own pair.
        using var loaded = Cv2.ImRead(TestAssets.Messi, ImreadModes.Color);
        using var bgr = Even(loaded);
        int w = bgr.Width, h = bgr.Height;
        byte[] frame = ToCameraYuv(bgr, PixelFormat.Yuyv);
        var crop = (X: 101, Y: 33, Width: 201, Height: 151);
        var pre = new LetterboxPreprocessor(w, h, crop.Width, crop.Height, crop: crop);
        var tensor = new float[crop.Width * crop.Height * 3];
        pre.Process(frame, PixelFormat.Yuyv, w * 2, tensor);
        using var rgb = OpenCvRgb(frame, PixelFormat.Yuyv, w, h);
        using var window = new Mat(rgb, new Rect(crop.X, crop.Y, crop.Width, crop.Height)).Clone();
        var (max, _) = Compare(tensor, crop.Width, Bytes(window), crop.Width, crop.Height, 0, 0);
        Assert.True(max <= ExactLevels, $"max difference {max:0.####} grey levels");
    }

    [Fact]
    public void MjpegFromTurboJpegMatchesOpenCvsDecode()
    {
        // Both decoders are libjpeg-turbo with the same defaults (islow IDCT, fancy upsampling),
        // OpenCV's bundled copy and Debian's; allow 2 levels per value for a differing build's
        // SIMD upsampling and 0.05 on average: in practice they agree almost everywhere.
        byte[] jpeg = File.ReadAllBytes(TestAssets.Messi);
        using var reference = Cv2.ImDecode(jpeg, ImreadModes.Color);
        int w = reference.Width, h = reference.Height;
        var bgr = new byte[w * h * 3];
        using (var decoder = new MjpegDecoder())
            Assert.Null(decoder.TryDecode(jpeg, bgr, w, h, w * 3));
        byte[] want = Bytes(reference);
        double max = 0, sum = 0;
        for (int i = 0; i < bgr.Length; i++)
        {
            int d = Math.Abs(bgr[i] - want[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        Assert.True(max <= 2, $"max difference {max} levels");
        Assert.True(sum / bgr.Length <= 0.05, $"mean difference {sum / bgr.Length:0.####} levels");
        using (var decoder = new MjpegDecoder())
        {
            Assert.Contains("expected 320x240", decoder.TryDecode(jpeg, new byte[320 * 240 * 3], 320, 240, 320 * 3));
            Assert.NotNull(decoder.TryDecode(new byte[100], bgr, w, h, w * 3));
        }
    }
}
