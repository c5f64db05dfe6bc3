using System;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using Onnx;
using Realtime.Bench.Profiling;
using Realtime.Bench.Quantization;
using Realtime.Bench.Sessions;
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

    private string Quantize(CalibrationMethod method, bool perChannel, out QuantizationResult result, QuantizePlan? plan = null, int frames = CalibrationFrames)
    {
        var model = OnnxModelFile.Read(TestAssets.BlazeFace128);
        var quantizer = new ModelQuantizer(model, TestAssets.BlazeFace128, plan ?? QuantizePlan.Default);
        var ranges = Calibrator.Run(quantizer, "input:0", new long[] { 1, 128, 128, 3 }, Frames(frames), method);
        result = quantizer.Quantize(Chosen(ranges, method), new QuantizeOptions(perChannel, SignedActivations: false));
        string path = Path.Combine(_dir, $"blazeface-{method}-{perChannel}-{Guid.NewGuid():N}.int8.onnx");
        OnnxModelFile.Write(result.Model, path);
        return path;
    }

    private static Dictionary<string, (float, float)> Chosen(Dictionary<string, ActivationRange> ranges, CalibrationMethod method)
    {
        var chosen = new Dictionary<string, (float, float)>();
        foreach (var kv in ranges) chosen[kv.Key] = kv.Value.Chosen(method);
        return chosen;
    }

    /// <summary>The share of <paramref name="runs"/> runs' kernel time that ONNX Runtime spent in integer kernels, and the operator types it ran.</summary>
    private (double Share, List<string> Ops) IntegerShare(string model, string input, long[] shape, IReadOnlyList<float[]> frames, int runs)
    {
        string trace;
        using (var engine = OnnxInferenceEngine.Load(model, input, shape, new OnnxSessionSettings { ProfilePathPrefix = Path.Combine(_dir, Path.GetFileNameWithoutExtension(model)) }))
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
        return (all > 0 ? integer / all : 0, ops);
    }

    [Fact]
    public void BlazeFaceQuantizedOnRealFramesRunsOnIntegerKernelsAndFindsTheSameFaces()
    {
        // rtapp quantize's defaults: percentile ranges, int8 only around each Conv, the four output convolutions (the box and score heads) float.
        string int8 = Quantize(CalibrationMethod.Percentile, perChannel: true, out var result);
        Assert.Equal(33, result.Quantized["Conv"]);
        Assert.Equal(4, result.LeftFloat["Conv"]);
        Assert.Empty(result.Carried);
        Assert.Equal(16, result.LeftFloat["Add"]);
        Assert.True(result.LeftFloat["Transpose"] > 0);
        // Weights are int8 now (the scales, zero points and Q/DQ nodes take some of the room back).
        Assert.True(new FileInfo(int8).Length < new FileInfo(TestAssets.BlazeFace128).Length * 3 / 4, $"{new FileInfo(int8).Length} bytes");

        // ONNX Runtime's profile of it: the quantized convolutions run as integer kernels.
        var (share, ops) = IntegerShare(int8, "input:0", new long[] { 1, 128, 128, 3 }, Frames(4), 30);
        Assert.Contains("QLinearConv", ops);
        Assert.True(share > 0.2, $"integer kernels' share {share:P0} of {string.Join(", ", ops)}");

        // The face tracker's preprocessing and decoder on the same video frames, compared as the variant table compares them.
        var fp32Faces = Detections(TestAssets.BlazeFace128, 60);
        var int8Faces = Detections(int8, 60);
        var agreement = VariantBench.Compare(fp32Faces, int8Faces);
        Assert.Equal(60, agreement.Frames);
        Assert.True(agreement.BothFound >= 30, $"both found a face on {agreement.BothFound} of 60 frames");
        // README: IoU p50 0.96 on the sim camera's frames with these defaults (0.44 with min/max and every operator carried in int8).
        Assert.True(agreement.IouP50 > 0.65, $"IoU p50 {agreement.IouP50}");
        Assert.True(agreement.PresenceAgreementPct >= 80, $"presence agreement {agreement.PresenceAgreementPct} %");
    }

    [Fact]
    public void CarryChoosesWhichOperatorsStayInt8BetweenTheConvolutions()
    {
        var none = new string[0];
        Quantize(CalibrationMethod.MinMax, perChannel: true, out var all, new QuantizePlan(CarryMode.All, none), frames: 2);
        Assert.Equal(37, all.Quantized["Conv"]);
        Assert.Equal(17, all.Carried["Relu"]);
        Assert.Equal(16, all.Carried["Add"]);
        Assert.Equal(11, all.Carried["Concat"]);
        Assert.Equal(3, all.Carried["MaxPool"]);
        Assert.False(all.LeftFloat.ContainsKey("Add"));

        Quantize(CalibrationMethod.MinMax, perChannel: true, out var unary, new QuantizePlan(CarryMode.Unary, none), frames: 2);
        Assert.Equal(17, unary.Carried["Relu"]);
        Assert.Equal(3, unary.Carried["MaxPool"]);
        Assert.False(unary.Carried.ContainsKey("Add"));
        Assert.Equal(16, unary.LeftFloat["Add"]);
        Assert.Equal(11, unary.LeftFloat["Concat"]);

        string path = Quantize(CalibrationMethod.MinMax, perChannel: true, out var convOnly, new QuantizePlan(CarryMode.ConvOnly, none), frames: 2);
        Assert.Empty(convOnly.Carried);
        Assert.Equal(17, convOnly.LeftFloat["Relu"]);
        // Fewer activations get a Q/DQ pair the fewer operators carry int8.
        Assert.True(convOnly.Activations < unary.Activations && unary.Activations < all.Activations, $"{convOnly.Activations} < {unary.Activations} < {all.Activations}");
        using var engine = OnnxInferenceEngine.Load(path, "input:0", new long[] { 1, 128, 128, 3 }, new OnnxSessionSettings());
        Frames(1)[0].CopyTo(engine.Input);
        engine.Run();
        Assert.True(engine.Output(0).Length > 0);
    }

    [Fact]
    public void ExcludedNodesStayFloatAndAreCounted()
    {
        var model = OnnxModelFile.Read(TestAssets.BlazeFace128);
        string first = "", depthwise = "";
        foreach (var n in model.Graph.Node)
        {
            if (n.OpType != "Conv") continue;
            if (first.Length == 0) first = n.Name;
            if (depthwise.Length == 0 && n.Name.Contains("depthwise", StringComparison.Ordinal)) depthwise = n.Name;
        }
        // BlazeFace-128: 37 Convs, 16 of them depthwise, 4 output heads.
        Assert.Equal(21, new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, new[] { "depthwise" })).TargetCount);
        Assert.Equal(20, new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, new[] { "depthwise", "first" })).TargetCount);
        Assert.Equal(33, new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, new[] { "heads" })).TargetCount);
        Assert.Equal(35, new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, new[] { first, depthwise })).TargetCount);

        Quantize(CalibrationMethod.MinMax, perChannel: true, out var result, new QuantizePlan(CarryMode.ConvOnly, new[] { first, depthwise }), frames: 2);
        Assert.Equal(35, result.Quantized["Conv"]);
        Assert.Equal(2, result.LeftFloat["Conv"]);
        Assert.Contains(result.Notes, n => n.Contains("2 Conv/MatMul/Gemm node(s) left float as excluded", StringComparison.Ordinal));

        var unknown = Assert.Throws<ArgumentException>(() => new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, new[] { "no/such/node" })));
        Assert.StartsWith("m.onnx: no node named 'no/such/node' in the model", unknown.Message);
        Assert.Contains("first, heads, depthwise", unknown.Message);
        var names = new List<string>();
        foreach (var n in model.Graph.Node)
            if (n.OpType == "Conv") names.Add(n.Name);
        var everything = Assert.Throws<InvalidDataException>(() => new ModelQuantizer(model, "m.onnx", new QuantizePlan(CarryMode.ConvOnly, names)));
        Assert.Equal("m.onnx: nothing to quantize: all 37 quantizable node(s) are excluded", everything.Message);
    }

    [Fact]
    public void AnUnquantizableConvIsLeftFloatCountedAndNamedWhileTheRestIsQuantized()
    {
        var model = OnnxModelFile.Read(TestAssets.BlazeFace128);
        // One Conv's weight becomes a double tensor: it cannot be made int8 here; the other 36 can.
        NodeProto? victim = null;
        foreach (var n in model.Graph.Node)
            if (n.OpType == "Conv" && n.Name.Contains("depthwise", StringComparison.Ordinal)) { victim = n; break; }
        Assert.NotNull(victim);
        foreach (var init in model.Graph.Initializer)
            if (init.Name == victim!.Input[1]) init.DataType = (int)TensorProto.Types.DataType.Double;
        string path = Path.Combine(_dir, "one-double.onnx");
        OnnxModelFile.Write(model, path);
        var quantizer = new ModelQuantizer(OnnxModelFile.Read(path), path, new QuantizePlan(CarryMode.ConvOnly, new string[0]));
        Assert.Equal(36, quantizer.TargetCount);
        var ranges = new Dictionary<string, (float, float)>();
        foreach (string t in quantizer.Activations) ranges[t] = (-1f, 1f);
        var result = quantizer.Quantize(ranges, new QuantizeOptions(PerChannel: true, SignedActivations: false));
        Assert.Equal(36, result.Quantized["Conv"]);
        Assert.Equal(1, result.LeftFloat["Conv"]);
        Assert.Contains(result.Notes, n => n.Contains($"Conv '{victim!.Name}' left float: its weight is Double, not float", StringComparison.Ordinal));
    }

    [Fact]
    public void MlsdTinyCalibratedOnTheLineFollowersFramesRunsOnIntegerKernelsAndFindsTheSameLine()
    {
        // The line follower's own preprocessing writes the calibration frames (the robot placed round the track).
        string tiny = TestAssets.Get("models/mlsd_320x320_tiny.onnx");
        var graph = BenchPipelines.Graph("line-follower", "mlsd");
        List<float[]> frames;
        string input;
        using (var app = BenchPipelines.Lane("line-follower", graph.Overrides(MlsdVariantBench.PlacedPoses(12)), 12, 0))
            frames = SessionBench.Tensors(app, 12, out input);
        var quantizer = new ModelQuantizer(OnnxModelFile.Read(tiny), tiny);
        Assert.Equal(input, quantizer.Inputs[0].Name);
        var dims = quantizer.Inputs[0].Type.TensorType.Shape.Dim;
        var shape = new long[dims.Count];
        for (int i = 0; i < shape.Length; i++) shape[i] = dims[i].DimValue;
        var ranges = Calibrator.Run(quantizer, input, shape, frames, CalibrationMethod.MinMax);
        var result = quantizer.Quantize(Chosen(ranges, CalibrationMethod.MinMax), new QuantizeOptions(PerChannel: true, SignedActivations: false));
        Assert.True(result.Quantized["Conv"] > 30, ModelQuantizer.Describe(result.Quantized));
        string int8 = Path.Combine(_dir, "mlsd-tiny.int8.onnx");
        OnnxModelFile.Write(result.Model, int8);

        var (share, ops) = IntegerShare(int8, input, shape, frames, 10);
        Assert.Contains("QLinearConv", ops);
        Assert.True(share > 0.3, $"integer kernels' share {share:P0} of {string.Join(", ", ops)}");

        // The variant ladder's lanes: fp32 tiny as the reference, int8 in its place, the same 12 placed poses.
        var fp32 = MlsdVariantBench.Known(TestAssets.Dir)[1];
        var known = new[] { fp32, fp32 with { Name = "mlsd-tiny-int8", ModelPath = int8, Sets = new[] { $"model:config.path={int8}", "model:config.sha256=null" } } };
        int loopFrames = VariantLanes.LoopFrames(12, known.Length);
        var lanes = VariantLanes.Build(known, graph, MlsdVariantBench.PlacedPoses(12), 1 + loopFrames, sets => BenchPipelines.Lane("line-follower", sets, loopFrames, 1));
        try
        {
            var report = MlsdVariantBench.Report(lanes, BenchPipelines.RunLanes(lanes), "placed", 1);
            var a = report.Variants[1].Lines!;
            Assert.Equal(12, a.Frames);
            // Generous floors (README: offset within 0.46 cm at p95): a broken model finds no line or one elsewhere.
            Assert.True(a.LineBothFound >= 10, $"both found the line in {a.LineBothFound} of 12 frames");
            Assert.True(a.OffsetDiffCmP95 < 3, $"line offsets differ by {a.OffsetDiffCmP95} cm (p95)");
            Assert.True(a.AngleDiffDegP95 < 10, $"bearings differ by {a.AngleDiffDegP95}° (p95)");
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
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

    /// <summary>Silero's window at 16 kHz: chunk <paramref name="i"/>'s 512 samples after the 64 before them (zeros before the start), as the voice relay's graph cuts them.</summary>
    private static float[] SpeechWindow(float[] samples, int i)
    {
        var w = new float[VadVariantBench.Context + VadVariantBench.Chunk];
        int start = i * VadVariantBench.Chunk - VadVariantBench.Context;
        for (int k = 0; k < w.Length; k++) w[k] = start + k >= 0 ? samples[start + k] : 0f;
        return w;
    }

    private static OnnxBinding SileroBinding => new()
    {
        PrimaryInput = "input",
        Shapes = new Dictionary<string, long[]> { ["input"] = new long[] { 1, VadVariantBench.Context + VadVariantBench.Chunk }, ["state"] = new long[] { 2, 1, 128 } },
        Scalars = new Dictionary<string, double> { ["sr"] = 16000 },
        Carried = new[] { new CarriedTensor("stateN", "state") },
    };

    /// <summary>The speech probability of every chunk of <paramref name="windows"/>, the state carried from one to the next; the ONNX Runtime operator types when <paramref name="profile"/>.</summary>
    private float[] SpeechProbabilities(string model, List<float[]> windows, bool profile, out List<string> ops)
    {
        var p = new float[windows.Count];
        ops = new List<string>();
        var settings = profile ? new OnnxSessionSettings { ProfilePathPrefix = Path.Combine(_dir, Path.GetFileNameWithoutExtension(model)) } : new OnnxSessionSettings();
        string? trace = null;
        using (var engine = OnnxInferenceEngine.Load(model, SileroBinding, settings))
        {
            int output = engine.OutputIndex("output");
            for (int i = 0; i < windows.Count; i++)
            {
                windows[i].CopyTo(engine.Input);
                engine.Run();
                p[i] = engine.Output(output)[0];
            }
            if (profile) trace = engine.EndProfiling();
        }
        if (trace is not null)
            foreach (var t in OrtTrace.Read(trace, windows.Count).OpTypes) ops.Add(t.OpType);
        return p;
    }

    [Fact]
    public void SileroIsQuantizedInsideItsIfBranchesAndDecidesSpeechAsTheFloatModelDoes()
    {
        // Silero's main graph is one If on the sample rate: the network (STFT Conv, four encoder Convs, an LSTM, the
        // decoder Conv) is in each branch, its weights Constant nodes there.
        string silero = TestAssets.Get("models/silero_vad.onnx");
        var quantizer = new ModelQuantizer(OnnxModelFile.Read(silero), silero);
        // Per branch: the STFT and the four encoder Convs; the decoder Conv is the branch's head (left float by default).
        Assert.Equal(10, quantizer.TargetCount);

        var speech = Realtime.Core.Audio.SpeechRecording.Load(TestAssets.SpeechRelay);
        int chunks = speech.Samples.Length / VadVariantBench.Chunk;
        var windows = new List<float[]>(chunks);
        for (int i = 0; i < chunks; i++) windows.Add(SpeechWindow(speech.Samples, i));
        // Calibrated on the first 300 chunks (9.6 s) in order, the state carried as the application carries it, at 16 kHz.
        var feeds = new CalibrationFeeds(new[] { ("stateN", "state") }, new Dictionary<string, double> { ["sr"] = 16000 });
        var ranges = Calibrator.Run(quantizer, "input", new long[] { 1, windows[0].Length }, windows.GetRange(0, Math.Min(300, chunks)), CalibrationMethod.Percentile, null, feeds);
        var chosen = new Dictionary<string, (float Lo, float Hi)>(StringComparer.Ordinal);
        int unobserved = 0;
        foreach (var kv in ranges)
        {
            if (kv.Value.Count == 0) { Assert.True(quantizer.InsideBranch(kv.Key), kv.Key); unobserved++; continue; }
            chosen[kv.Key] = kv.Value.Chosen(CalibrationMethod.Percentile);
        }
        // The 8 kHz branch never ran: its activations have no range, so its five Convs stay float.
        Assert.True(unobserved > 0);
        var result = quantizer.Quantize(chosen, new QuantizeOptions(PerChannel: true, SignedActivations: false));
        Assert.Equal(5, result.Quantized["Conv"]);
        Assert.Equal(2 + 5, result.LeftFloat["Conv"]);
        Assert.Equal(4, result.LeftFloat["LSTM"]);
        Assert.Contains(result.Notes, n => n.StartsWith("5 Conv/MatMul/Gemm node(s) left float in If branches", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.StartsWith("LSTM 4 left float", StringComparison.Ordinal));
        string int8 = Path.Combine(_dir, "silero.int8.onnx");
        OnnxModelFile.Write(result.Model, int8);

        // ONNX Runtime loads it with the same binding and runs the taken branch's convolutions as integer kernels.
        float[] fp32 = SpeechProbabilities(silero, windows, profile: false, out _);
        float[] q = SpeechProbabilities(int8, windows, profile: true, out var ops);
        Assert.Contains("QLinearConv", ops);

        // Decisions (probability >= 0.5) chunk by chunk on the whole recording, as the variant table compares them.
        var agreement = VadVariantBench.Compare(fp32, q);
        Assert.Equal(chunks, agreement.Chunks);
        Assert.True(agreement.BothSpeech >= 50, $"both heard speech in {agreement.BothSpeech} chunks");
        Assert.True(agreement.OnlyReference + agreement.OnlyVariant <= chunks / 20, $"{agreement.OnlyReference + agreement.OnlyVariant} of {chunks} decisions differ");
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
