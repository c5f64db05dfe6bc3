using System;
using OpenCvSharp;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Models;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

/// <summary>
/// The project's M-LSD decoder on the real model and a real photograph (building.jpg: a facade of
/// straight edges). The segments were checked by eye once, drawn over the photograph; here they
/// must be many, long, and lie on strong image edges (a Sobel gradient along them well above the
/// image's typical gradient).
/// </summary>
public sealed class MlsdOnRealImagesTests
{
    internal static string Tiny => TestAssets.Get("models/mlsd_320x320_tiny.onnx");
    internal static string Large => TestAssets.Get("models/mlsd_320x320_large.onnx");

    internal static FrameBuffer LoadImage(string path, out Mat image)
    {
        image = Cv2.ImRead(path, ImreadModes.Color);
        Assert.False(image.Empty(), path);
        var frame = new FrameBuffer(image.Width, image.Height, PixelFormat.Bgr24);
        using (var cont = image.Clone())
            System.Runtime.InteropServices.Marshal.Copy(cont.Data, frame.Pixels, 0, frame.Pixels.Length);
        return frame;
    }

    internal static LineSegments Detect(string model, FrameBuffer frame, float threshold = 0.1f)
    {
        using var engine = OnnxInferenceEngine.Load(model, "input_image_with_alpha:0", new long[] { 1, 320, 320, 4 });
        var pre = new LetterboxPreprocessor(frame.Width, frame.Height, 320, 320, 0f, 255f, channels: 4, alpha: 1f, keepAspect: false);
        var decoder = new MlsdDecoder(engine, pre, 320, threshold);
        pre.Process(frame, engine.Input);
        engine.Run();
        var result = new LineSegments();
        decoder.Decode(engine, frame, ref result);
        return result;
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("large")]
    public void FindsLongSegmentsOnTheStrongEdgesOfBuildingJpg(string variant)
    {
        var frame = LoadImage(TestAssets.Get("images/building.jpg"), out Mat image);
        using var _ = image;
        var lines = Detect(variant == "tiny" ? Tiny : Large, frame);

        Draw(image, lines, $"building-{variant}.png");
        Assert.Equal(LineSegmentArray.Capacity, lines.Count); // a facade has more segments than the cap
        Assert.True(lines.Candidates > lines.Count);
        using var gray = image.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var gx = gray.Sobel(MatType.CV_32F, 1, 0);
        using var gy = gray.Sobel(MatType.CV_32F, 0, 1);
        using var mag = new Mat();
        Cv2.Magnitude(gx, gy, mag);
        double typical = Cv2.Mean(mag).Val0;
        int onEdges = 0;
        float longest = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            var s = lines.Segments[i];
            Assert.InRange(s.Score, 0.1f, 1f);
            if (i > 0) Assert.True(lines.Segments[i - 1].Score >= s.Score, "segments come best first");
            longest = MathF.Max(longest, s.Length);
            if (MeanAlong(mag, s) > 3 * typical) onEdges++;
        }
        Assert.True(onEdges >= lines.Count * 8 / 10, $"{onEdges} of {lines.Count} segments lie on strong edges (typical gradient {typical:0.0})");
        Assert.True(longest > image.Width / 5f, $"longest segment {longest:0} px");
    }

    /// <summary>Draws the segments over the image into RTAPP_DRAW_DIR when it is set (to check by eye).</summary>
    internal static void Draw(Mat image, in LineSegments lines, string name)
    {
        if (Environment.GetEnvironmentVariable("RTAPP_DRAW_DIR") is not { Length: > 0 } dir) return;
        using var canvas = image.Clone();
        for (int i = 0; i < lines.Count; i++)
        {
            var s = lines.Segments[i];
            Cv2.Line(canvas, new Point(s.X1, s.Y1), new Point(s.X2, s.Y2), Scalar.Red, 2, LineTypes.AntiAlias);
            Cv2.Circle(canvas, new Point(s.X1, s.Y1), 3, Scalar.Lime, -1);
        }
        Cv2.ImWrite(System.IO.Path.Combine(dir, name), canvas);
    }

    /// <summary>Mean gradient magnitude sampled along a segment (its middle 80 %).</summary>
    internal static double MeanAlong(Mat mag, LineSegment s)
    {
        double sum = 0;
        int n = 0;
        for (int k = 1; k < 10; k++)
        {
            float t = 0.1f + 0.8f * k / 10f;
            int x = (int)Math.Round(s.X1 + (s.X2 - s.X1) * t), y = (int)Math.Round(s.Y1 + (s.Y2 - s.Y1) * t);
            if (x < 3 || y < 3 || x >= mag.Width - 3 || y >= mag.Height - 3) continue;
            // The strongest gradient within 3 px of the line: edges are a pixel wide, and one cell of
            // the 160-cell grid covers 5 px of this 868-px-wide photograph.
            float best = 0;
            for (int dy = -3; dy <= 3; dy++)
                for (int dx = -3; dx <= 3; dx++) best = MathF.Max(best, mag.At<float>(y + dy, x + dx));
            sum += best;
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    [Fact]
    public void AHigherThresholdNeverKeepsMoreCandidates()
    {
        var frame = LoadImage(TestAssets.Get("images/building.jpg"), out Mat image);
        image.Dispose();
        var loose = Detect(Tiny, frame, 0.1f);
        var strict = Detect(Tiny, frame, 0.5f);
        Assert.True(strict.Candidates < loose.Candidates, $"{strict.Candidates} vs {loose.Candidates}");
        for (int i = 0; i < strict.Count; i++) Assert.True(strict.Segments[i].Score >= 0.5f);
    }
}
