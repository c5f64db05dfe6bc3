using System;
using OpenCvSharp;
using Realtime.Core.Imaging;
using Realtime.Tests;
using Realtime.Vision;

namespace Realtime.Vision.Tests;

/// <summary>
/// The project's fused preprocessing against OpenCV's resize (INTER_LINEAR) and colour conversion
/// on real frames. Tolerance: at most 1 grey level (1/255 of the range) per value, because
/// OpenCV's 8-bit resize works in 11-bit fixed point and rounds to whole levels while ours stays
/// in float. Rounding alone makes the mean difference about a quarter of a level (the mean of
/// |U(-0.5, 0.5)|), so the mean may be at most 0.3 levels: a real error (a half-pixel shift, a
/// swapped channel) moves it by whole levels.
/// </summary>
public sealed class PreprocessingVersusOpenCvTests
{
    private const double MaxLevels = 1.0;
    private const double MeanLevels = 0.3;

    [Theory]
    [InlineData(PreprocessKernel.Scalar)]
    [InlineData(PreprocessKernel.Vector128)]
    public void MegamindWindowsMatchOpenCvResizeAndBgrToRgb(PreprocessKernel kernel)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        var pre = new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = kernel };
        Assert.Equal((128, 96, 0, 16), (pre.ResizedWidth, pre.ResizedHeight, pre.OffsetX, pre.OffsetY));
        var tensor = new float[128 * 128 * 3];
        int compared = 0;
        for (int f = 0; f < 240; f++)
        {
            Assert.True(video.Advance());
            if (f % 24 != 0) continue;
            // Windows at different places of the world, as the simulated mount moves.
            int x = (f * 37) % (video.Width - 320), y = (f * 53) % (video.Height - 240);
            using var window = new Mat(video.Frame, new Rect(x, y, 320, 240)).Clone();
            var bytes = new byte[320 * 240 * 3];
            System.Runtime.InteropServices.Marshal.Copy(window.Data, bytes, 0, bytes.Length);
            pre.Process(bytes, 320 * 3, tensor);

            using var resized = new Mat();
            Cv2.Resize(window, resized, new Size(128, 96), 0, 0, InterpolationFlags.Linear);
            using var rgb = new Mat();
            Cv2.CvtColor(resized, rgb, ColorConversionCodes.BGR2RGB);
            var reference = new byte[128 * 96 * 3];
            System.Runtime.InteropServices.Marshal.Copy(rgb.Data, reference, 0, reference.Length);

            var (max, mean) = Compare(tensor, reference, 128, 96, 0, 16);
            Assert.True(max <= MaxLevels, $"frame {f}: max difference {max:0.###} grey levels exceeds {MaxLevels}");
            Assert.True(mean <= MeanLevels, $"frame {f}: mean difference {mean:0.###} grey levels exceeds {MeanLevels}");
            AssertPadding(tensor, 128, 128, 0, 16, 128, 96);
            compared++;
        }
        Assert.Equal(10, compared);
    }

    [Theory]
    [InlineData(PreprocessKernel.Scalar)]
    [InlineData(PreprocessKernel.Vector128)]
    public void PhotographLetterboxesWithSidePaddingAndMatchesOpenCv(PreprocessKernel kernel)
    {
        using var image = Cv2.ImRead(TestAssets.Messi, ImreadModes.Color);
        Assert.False(image.Empty());
        int w = image.Width, h = image.Height;
        var pre = new LetterboxPreprocessor(w, h, 128, 128) { Kernel = kernel };
        var bytes = new byte[w * h * 3];
        using (var cont = image.IsContinuous() ? image.Clone() : image.Clone())
            System.Runtime.InteropServices.Marshal.Copy(cont.Data, bytes, 0, bytes.Length);
        var tensor = new float[128 * 128 * 3];
        pre.Process(bytes, w * 3, tensor);

        using var resized = new Mat();
        Cv2.Resize(image, resized, new Size(pre.ResizedWidth, pre.ResizedHeight), 0, 0, InterpolationFlags.Linear);
        using var rgb = new Mat();
        Cv2.CvtColor(resized, rgb, ColorConversionCodes.BGR2RGB);
        var reference = new byte[pre.ResizedWidth * pre.ResizedHeight * 3];
        System.Runtime.InteropServices.Marshal.Copy(rgb.Data, reference, 0, reference.Length);
        var (max, mean) = Compare(tensor, reference, pre.ResizedWidth, pre.ResizedHeight, pre.OffsetX, pre.OffsetY);
        Assert.True(max <= MaxLevels, $"max difference {max:0.###} grey levels exceeds {MaxLevels}");
        Assert.True(mean <= MeanLevels, $"mean difference {mean:0.###} grey levels exceeds {MeanLevels}");
        AssertPadding(tensor, 128, 128, pre.OffsetX, pre.OffsetY, pre.ResizedWidth, pre.ResizedHeight);
    }

    /// <summary>Largest and mean difference in grey levels between the tensor's image region and OpenCV's RGB bytes.</summary>
    private static (double Max, double Mean) Compare(float[] tensor, byte[] reference, int rw, int rh, int ox, int oy)
    {
        double max = 0, sum = 0;
        for (int y = 0; y < rh; y++)
            for (int x = 0; x < rw; x++)
                for (int c = 0; c < 3; c++)
                {
                    double ours = (tensor[((oy + y) * 128 + ox + x) * 3 + c] + 1) * 127.5;
                    double d = Math.Abs(ours - reference[(y * rw + x) * 3 + c]);
                    max = Math.Max(max, d);
                    sum += d;
                }
        return (max, sum / (rw * rh * 3));
    }

    private static void AssertPadding(float[] tensor, int tw, int th, int ox, int oy, int rw, int rh)
    {
        for (int y = 0; y < th; y++)
            for (int x = 0; x < tw; x++)
            {
                bool inside = x >= ox && x < ox + rw && y >= oy && y < oy + rh;
                if (inside) continue;
                for (int c = 0; c < 3; c++) Assert.Equal(-1f, tensor[(y * tw + x) * 3 + c]);
            }
    }
}
