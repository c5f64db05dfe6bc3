using System;
using OpenCvSharp;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Tests;
using Realtime.Vision;

namespace Realtime.Vision.Tests;

/// <summary>
/// The vector kernel against the scalar reference on real frames (Megamind windows as the face
/// tracker sees them), every format a camera delivers, 3 and 4 channels, letterboxed and
/// stretched. The contract is 1 grey level; the kernel does the scalar arithmetic in its order,
/// so the test holds it to float rounding (1/1000 of a level), which a wrong lane, weight or
/// chroma pairing exceeds by far.
/// </summary>
public sealed class VectorKernelsOnRealFramesTests
{
    private const double MaxLevels = 1e-3;

    [Theory]
    [InlineData(PixelFormat.Bgr24, 3, true)]
    [InlineData(PixelFormat.Yuyv, 3, true)]
    [InlineData(PixelFormat.Nv12, 3, true)]
    [InlineData(PixelFormat.Grey8, 3, true)]
    [InlineData(PixelFormat.Bgr24, 4, false)]
    [InlineData(PixelFormat.Yuyv, 4, false)]
    [InlineData(PixelFormat.Nv12, 4, false)]
    [InlineData(PixelFormat.Grey8, 4, false)]
    public void OnMegamindFramesTheVectorKernelGivesTheScalarPassesValues(PixelFormat format, int channels, bool keepAspect)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        var kernels = new[] { PreprocessKernel.Scalar, PreprocessKernel.Vector128 };
        var passes = new LetterboxPreprocessor[kernels.Length];
        var tensors = new float[kernels.Length][];
        for (int k = 0; k < kernels.Length; k++)
        {
            passes[k] = new LetterboxPreprocessor(320, 240, 128, 128, channels: channels, keepAspect: keepAspect) { Kernel = kernels[k] };
            tensors[k] = new float[128 * 128 * channels];
        }
        var slot = new FrameBuffer(320, 240, format);
        int compared = 0;
        for (int f = 0; f < 120; f++)
        {
            Assert.True(video.Advance());
            if (f % 12 != 0) continue;
            int x = (f * 37) % (video.Width - 320), y = (f * 53) % (video.Height - 240);
            using var window = new Mat(video.Frame, new Rect(x, y, 320, 240)).Clone();
            CameraFrame(window, format).CopyTo(slot.Pixels, 0);
            for (int k = 0; k < kernels.Length; k++)
            {
                tensors[k].AsSpan().Fill(float.NaN);
                passes[k].Process(slot, tensors[k]);
            }
            for (int k = 1; k < kernels.Length; k++)
                for (int i = 0; i < tensors[0].Length; i++)
                {
                    double d = Math.Abs(tensors[k][i] - tensors[0][i]) * 127.5;
                    if (!(d <= MaxLevels))
                        Assert.Fail($"{kernels[k]} {format} frame {f}: value {i} is {tensors[k][i]}, scalar {tensors[0][i]}");
                }
            compared++;
        }
        Assert.Equal(10, compared);
    }

    /// <summary>The window as a camera would deliver it: BGR as is, GREY by OpenCV, YUYV and NV12 laid out from OpenCV's I420.</summary>
    private static byte[] CameraFrame(Mat bgr, PixelFormat format)
    {
        if (format == PixelFormat.Bgr24) return CameraFormatsVersusOpenCvTests.Bytes(bgr);
        if (format != PixelFormat.Grey8) return CameraFormatsVersusOpenCvTests.ToCameraYuv(bgr, format);
        using var grey = new Mat();
        Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        return CameraFormatsVersusOpenCvTests.Bytes(grey);
    }
}
