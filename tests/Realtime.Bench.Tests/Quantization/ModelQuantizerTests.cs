using System;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using Onnx;
using Realtime.Bench.Profiling;
using Realtime.Bench.Quantization;
using Realtime.Bench.Variants;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Models;
using Realtime.Core.Pipeline;
using Realtime.Onnx;
using Realtime.Vision;
using Realtime.Tests;

namespace Realtime.Bench.Tests.Quantization;

/// <summary>
/// BlazeFace-128 quantized on real frames of the sim world's video: ONNX Runtime loads it, runs it on
/// integer kernels, and its detections agree with the float model's; bad models are one clear error.
/// </summary>
public sealed class ModelQuantizerTests : IDisposable
{
    private const int CalibrationFrames = 40;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtapp-quantize-" + Guid.NewGuid().ToString("N"));

    public ModelQuantizerTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The first <paramref name="count"/> video frames letterboxed into BlazeFace's 128×128 NHWC input, as the face tracker's preprocessing does.</summary>
    private static unsafe List<float[]> Frames(int count)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        var pre = new LetterboxPreprocessor(video.Width, video.Height, 128, 128);
        var tensors = new List<float[]>();
        for (int f = 0; f < count; f++)
        {
            Assert.True(video.HasFrame, $"frame {f} decodes");
            var tensor = new float[128 * 128 * 3];
            int stride = (int)video.Frame.Step();
            pre.Process(new ReadOnlySpan<byte>((byte*)video.Frame.Data, stride * video.Height), stride, tensor);
            tensors.Add(tensor);
            video.Advance();
        }
        return tensors;
    }

    /// <summary>The best face per frame of the first <paramref name="count"/> video frames, through the face tracker's letterbox and BlazeFace decoder.</summary>
    private static unsafe List<FaceDetection> Detections(string model, int count)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        using var engine = OnnxInferenceEngine.Load(model, "input:0", new long[] { 1, 128, 128, 3 }, new OnnxSessionSettings());
        var pre = new LetterboxPreprocessor(video.Width, video.Height, 128, 128);
        var decoder = new BlazeFaceDecoder(engine, pre, 128, 0.5f);
        var frame = new FrameBuffer(video.Width, video.Height, PixelFormat.Bgr24);
        var found = new List<FaceDetection>();
        for (int f = 0; f < count; f++)
        {
            Assert.True(video.HasFrame, $"frame {f} decodes");
            long stride = video.Frame.Step();
            byte* src = (byte*)video.Frame.Data;
            fixed (byte* dst = frame.Pixels)
                for (int y = 0; y < frame.Height; y++) Buffer.MemoryCopy(src + y * stride, dst + y * frame.Stride, frame.Width * 3, frame.Width * 3);
            pre.Process(frame, engine.Input);
            engine.Run();
            FaceDetection result = default;
            decoder.Decode(engine, frame, ref result);
            found.Add(result);
            video.Advance();
        }
        return found;
    }

    private string Quantize(CalibrationMethod method, bool perChannel, out QuantizationResult result)
    {
        var model = OnnxModelFile.Read(TestAssets.BlazeFace128);
        var quantizer = new ModelQuantizer(model, TestAssets.BlazeFace128);
        var ranges = Calibrator.Run(quantizer, "input:0", new long[] { 1, 128, 128, 3 }, Frames(CalibrationFrames), method);
        var chosen = new Dictionary<string, (float, float)>();
        foreach (var kv in ranges) chosen[kv.Key] = kv.Value.Chosen(method);
        result = quantizer.Quantize(chosen, new QuantizeOptions(perChannel, SignedActivations: false));
        string path = Path.Combine(_dir, $"blazeface-{method}-{perChannel}.int8.onnx");
        OnnxModelFile.Write(result.Model, path);
        return path;
    }

    [Fact]
    public void BlazeFaceQuantizedOnRealFramesRunsOnIntegerKernelsAndFindsTheSameFaces()
    {
        string int8 = Quantize(CalibrationMethod.MinMax, perChannel: true, out var result);
        Assert.Equal(37, result.Quantized["Conv"]);
        Assert.False(result.LeftFloat.ContainsKey("Conv"));
        // Between the convolutions the activations stay int8; the reshapes of the heads stay float.
        Assert.Equal(17, result.Carried["Relu"]);
        Assert.True(result.Carried["Add"] > 0);
        Assert.True(result.LeftFloat["Transpose"] > 0);
        // Weights are int8 now (the scales, zero points and Q/DQ nodes take some of the room back).
        Assert.True(new FileInfo(int8).Length < new FileInfo(TestAssets.BlazeFace128).Length * 3 / 4, $"{new FileInfo(int8).Length} bytes");

        // ONNX Runtime's profile of it: the convolutions run as integer kernels.
        const int runs = 30;
        var frames = Frames(4);
        string trace;
        using (var engine = OnnxInferenceEngine.Load(int8, "input:0", new long[] { 1, 128, 128, 3 },
            new OnnxSessionSettings { ProfilePathPrefix = Path.Combine(_dir, "int8") }))
        {
            for (int i = 0; i < runs; i++)
            {
                frames[i % frames.Count].CopyTo(engine.Input);
                engine.Run();
            }
            trace = engine.EndProfiling();
        }
        var summary = OrtTrace.Read(trace, runs);
        double integer = 0, all = 0;
        var ops = new List<string>();
        foreach (var t in summary.OpTypes)
        {
            ops.Add(t.OpType);
            all += t.TotalUs;
            if (t.OpType is "QLinearConv" or "ConvInteger" or "MatMulInteger" or "QLinearMatMul") integer += t.TotalUs;
        }
        Assert.Contains("QLinearConv", ops);
        Assert.DoesNotContain("Conv", ops);
        Assert.True(integer > 0 && integer / all > 0.2, $"integer kernels' share {integer / all:P0} of {string.Join(", ", ops)}");

        // The face tracker's preprocessing and decoder on the same video frames, compared as the variant table compares them.
        var fp32Faces = Detections(TestAssets.BlazeFace128, 60);
        var int8Faces = Detections(int8, 60);
        var agreement = VariantBench.Compare(fp32Faces, int8Faces);
        Assert.Equal(60, agreement.Frames);
        Assert.True(agreement.BothFound >= 30, $"both found a face on {agreement.BothFound} of 60 frames");
        Assert.True(agreement.IouP50 > 0.5, $"IoU p50 {agreement.IouP50}");
        Assert.True(agreement.PresenceAgreementPct >= 80, $"presence agreement {agreement.PresenceAgreementPct} %");
    }

    [Theory]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Entropy)]
    public void HistogramMethodsGiveModelsThatRunAndRangesInsideTheExtremes(CalibrationMethod method)
    {
        string int8 = Quantize(method, perChannel: false, out var result);
        Assert.Contains(result.Notes, n => n.Contains("per tensor", StringComparison.Ordinal));
        using var engine = OnnxInferenceEngine.Load(int8, "input:0", new long[] { 1, 128, 128, 3 }, new OnnxSessionSettings());
        Frames(1)[0].CopyTo(engine.Input);
        engine.Run();
        Assert.True(engine.Output(0).Length > 0);
    }

    [Fact]
    public void PercentileAndEntropyCutALongTailThatMinMaxKeeps()
    {
        var range = new ActivationRange("t");
        var values = new float[100_000];
        var random = new Random(7);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        values[0] = 50f;   // one outlier
        range.Observe(values);
        range.Histogram(values);
        Assert.Equal(50f, range.Chosen(CalibrationMethod.MinMax).Hi);
        var (pLo, pHi) = range.Chosen(CalibrationMethod.Percentile);
        var (eLo, eHi) = range.Chosen(CalibrationMethod.Entropy);
        Assert.InRange(pHi, 0.9f, 2f);
        Assert.InRange(eHi, 0.5f, 5f);
        Assert.InRange(pLo, -2f, -0.9f);
        Assert.InRange(eLo, -5f, -0.5f);
    }

    [Fact]
    public void ScalesAndZeroPointsHoldZeroExactly()
    {
        var (s, z) = ModelQuantizer.ActivationScale(-1f, 3f, signed: false);
        Assert.Equal(4f / 255, s, 6);
        Assert.Equal(64, z);
        var (s8, z8) = ModelQuantizer.ActivationScale(0f, 6f, signed: true);
        Assert.Equal(6f / 255, s8, 6);
        Assert.Equal(-128, z8);
        Assert.Equal((1f, 0), ModelQuantizer.ActivationScale(0f, 0f, signed: false));
    }

    [Fact]
    public void ATruncatedModelOrOtherBytesAreNotAModel()
    {
        byte[] bytes = File.ReadAllBytes(TestAssets.BlazeFace128);
        var truncated = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Parse(bytes.AsSpan(0, bytes.Length / 3).ToArray(), "cut.onnx"));
        Assert.StartsWith("cut.onnx: is not an ONNX model", truncated.Message);
        var text = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Parse("{\"not\": \"a model\"}"u8.ToArray(), "x.json"));
        Assert.StartsWith("x.json: is not an ONNX model", text.Message);
        string empty = Path.Combine(_dir, "empty.onnx");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        Assert.Contains("is empty or not a regular file", Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(empty)).Message);
        Assert.Contains("is a folder", Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(_dir)).Message);
    }

    [Fact]
    public void AModelWithoutConvMatMulOrGemmIsRefusedWithItsOperators()
    {
        // Silero's main graph is an If whose branches hold the network: nothing at the top to quantize.
        string silero = TestAssets.Get("models/silero_vad.onnx");
        var ex = Assert.Throws<InvalidDataException>(() => new ModelQuantizer(OnnxModelFile.Read(silero), silero));
        Assert.Contains("nothing to quantize", ex.Message);
        Assert.Contains("If 1", ex.Message);
    }

    [Fact]
    public void HugeOrLyingWeightDimsLeaveTheNodeFloatInsteadOfAllocating()
    {
        var model = OnnxModelFile.Read(TestAssets.BlazeFace128);
        // Every Conv weight claims 2^40 output channels over the bytes it has.
        foreach (var init in model.Graph.Initializer)
            if (init.Dims.Count == 4) init.Dims[0] = 1L << 40;
        var ex = Assert.Throws<InvalidDataException>(() => new ModelQuantizer(OnnxModelFile.Parse(model.ToByteArray(), "huge.onnx"), "huge.onnx"));
        Assert.Contains("nothing to quantize", ex.Message);
        Assert.Contains("weight", ex.Message);
    }
}
