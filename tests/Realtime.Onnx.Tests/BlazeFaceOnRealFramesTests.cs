using System;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Models;
using Realtime.Tests;
using Realtime.Vision;

namespace Realtime.Onnx.Tests;

/// <summary>
/// The project's BlazeFace decoder on the real model and the real video. The reference box of frame
/// 120 (a face centred near (488, 268), about 150 px) was checked by drawing it on the frame.
/// </summary>
public sealed class BlazeFaceOnRealFramesTests
{
    [Fact]
    public void FindsTheFaceInNearlyEveryMegamindFrameAndWhereItIs()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 });
        using var video = new VideoFileReader(TestAssets.Megamind);
        var frame = new FrameBuffer(video.Width, video.Height, PixelFormat.Bgr24);
        var pre = new LetterboxPreprocessor(video.Width, video.Height, 128, 128);
        var decoder = new BlazeFaceDecoder(engine, pre);
        int found = 0, frames = 0, multiple = 0;
        FaceDetection at120 = default;
        do
        {
            System.Runtime.InteropServices.Marshal.Copy(video.Frame.Data, frame.Pixels, 0, frame.Pixels.Length);
            pre.Process(frame, engine.Input);
            engine.Run();
            var det = new FaceDetection();
            decoder.Decode(engine, frame, ref det);
            if (det.Count > 0) found++;
            if (det.Count > 1) multiple++;
            AssertSuppressed(decoder);
            if (video.Index == 120) at120 = det;
            frames++;
            video.Advance();
        }
        while (video.Loops == 0);

        Assert.Equal(270, frames);
        Assert.True(found >= 260, $"a face in only {found} of {frames} frames");
        Assert.True(multiple < frames / 2, $"{multiple} frames report more than one face");
        Assert.Equal(1, at120.Count);
        Assert.InRange(at120.Best.CenterX, 468, 508);
        Assert.InRange(at120.Best.CenterY, 248, 288);
        Assert.InRange(at120.Best.Width, 120, 180);
        Assert.InRange(at120.Best.Score, 0.5f, 1f);
        Assert.Equal(video.Width, at120.FrameWidth);
    }

    /// <summary>After weighted NMS no two kept faces overlap more than the threshold, and the best comes first.</summary>
    private static void AssertSuppressed(BlazeFaceDecoder decoder)
    {
        var faces = decoder.Faces;
        for (int i = 0; i < faces.Length; i++)
            for (int j = i + 1; j < faces.Length; j++)
            {
                Assert.True(faces[i].IoU(faces[j]) <= decoder.IouThreshold + 0.05f, $"faces {i} and {j} overlap {faces[i].IoU(faces[j]):0.00}");
                Assert.True(faces[i].Score >= faces[j].Score);
            }
    }

    [Fact]
    public void AHigherThresholdNeverFindsMoreFaces()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 });
        using var video = new VideoFileReader(TestAssets.Megamind);
        var frame = new FrameBuffer(video.Width, video.Height, PixelFormat.Bgr24);
        var pre = new LetterboxPreprocessor(video.Width, video.Height, 128, 128);
        var loose = new BlazeFaceDecoder(engine, pre, scoreThreshold: 0.3f);
        var strict = new BlazeFaceDecoder(engine, pre, scoreThreshold: 0.97f);
        int looseFound = 0, strictFound = 0;
        for (int i = 0; i < 60; i++)
        {
            System.Runtime.InteropServices.Marshal.Copy(video.Frame.Data, frame.Pixels, 0, frame.Pixels.Length);
            pre.Process(frame, engine.Input);
            engine.Run();
            var a = new FaceDetection();
            var b = new FaceDetection();
            loose.Decode(engine, frame, ref a);
            strict.Decode(engine, frame, ref b);
            looseFound += a.Count > 0 ? 1 : 0;
            strictFound += b.Count > 0 ? 1 : 0;
            if (b.Count > 0) Assert.True(b.Best.Score >= 0.97f);
            video.Advance();
        }
        Assert.True(strictFound < looseFound, $"strict {strictFound} vs loose {looseFound}");
    }
}
