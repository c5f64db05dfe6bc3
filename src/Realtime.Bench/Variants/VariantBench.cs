using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Recording;
using Realtime.Core.Timing;
using Realtime.Models;
using Realtime.Onnx;
using Realtime.Vision;

namespace Realtime.Bench.Variants;

/// <summary>A model variant the trade-off table knows: where it is and how to read it.</summary>
/// <remarks><paramref name="NodeSets"/>: of a ladder run over an application graph, the variant as overrides of the graph's model node (<c>config.path=…</c>), which <see cref="SetsFor"/> addresses to the node; null where the ladder wires its own lanes.</remarks>
public sealed record VariantSpec(string Name, string Family, string ModelPath, string Input, int InputSize, int FirstStride, string Description, IReadOnlyList<string>? NodeSets = null)
{
    /// <summary>The variant as overrides of a profile whose graph's model node is <paramref name="node"/> (<c>app.nodes[NODE].config.path=…</c>).</summary>
    public IReadOnlyList<string> SetsFor(string node)
    {
        var sets = new List<string>();
        foreach (string set in NodeSets ?? throw new InvalidOperationException($"variant {Name} wires its own lane: it is no override of a graph")) sets.Add($"app.nodes[{node}].{set}");
        return sets;
    }
}

/// <summary>Agreement of a variant's detections with the reference variant's, frame by frame.</summary>
public sealed class DetectionAgreement
{
    /// <summary>Frames compared.</summary>
    public int Frames { get; set; }
    /// <summary>Both found a face.</summary>
    public int BothFound { get; set; }
    /// <summary>Only the reference found one.</summary>
    public int OnlyReference { get; set; }
    /// <summary>Only this variant found one.</summary>
    public int OnlyVariant { get; set; }
    /// <summary>Neither found one.</summary>
    public int Neither { get; set; }
    /// <summary>Frames where the two agree on whether there is a face, per cent.</summary>
    public double PresenceAgreementPct { get; set; }
    /// <summary>IoU of the best boxes where both found a face: mean.</summary>
    public double IouMean { get; set; }
    /// <summary>IoU median.</summary>
    public double IouP50 { get; set; }
    /// <summary>IoU 5th percentile (the worst twentieth of frames).</summary>
    public double IouP5 { get; set; }
    /// <summary>Frames (both found) with IoU ≥ 0.5.</summary>
    public int IouAtLeastHalf { get; set; }
    /// <summary>Distance between the best boxes' centres, px: median.</summary>
    public double CenterDistancePxP50 { get; set; }
    /// <summary>Distance between centres, px: 95th percentile.</summary>
    public double CenterDistancePxP95 { get; set; }
}

/// <summary>One variant's row of the trade-off table.</summary>
public sealed class VariantResult
{
    /// <summary>Short name.</summary>
    public string Name { get; set; } = "";
    /// <summary>What it is.</summary>
    public string Description { get; set; } = "";
    /// <summary>Model file name.</summary>
    public string Model { get; set; } = "";
    /// <summary>Model file size, bytes.</summary>
    public long ModelBytes { get; set; }
    /// <summary>Input side, px.</summary>
    public int InputSize { get; set; }
    /// <summary>Session creation and binding, ms (ONNX Runtime's own start excluded: the first load of a process pays it).</summary>
    public double ModelLoadMs { get; set; }
    /// <summary>Preprocessing latency per frame.</summary>
    public LatencySummary Preprocess { get; set; } = new();
    /// <summary>Inference latency per frame.</summary>
    public LatencySummary Infer { get; set; } = new();
    /// <summary>Decoding latency per frame.</summary>
    public LatencySummary Decode { get; set; } = new();
    /// <summary>Preprocess + infer + decode per frame.</summary>
    public LatencySummary Total { get; set; } = new();
    /// <summary>Frames with a face found (face detectors).</summary>
    public int FramesWithFace { get; set; }
    /// <summary>Agreement with the reference (the first variant); null for the reference itself and for other families.</summary>
    public DetectionAgreement? Agreement { get; set; }
    /// <summary>Chunks called speech (voice-activity detectors).</summary>
    public int? ChunksWithSpeech { get; set; }
    /// <summary>Track frames where the steering found the line (line-segment detectors).</summary>
    public int? FramesWithLine { get; set; }
    /// <summary>Segments found per frame, mean (line-segment detectors).</summary>
    public double? SegmentsPerFrame { get; set; }
    /// <summary>Agreement with the reference's segments and line estimates (line-segment detectors); null for the reference itself.</summary>
    public LineAgreement? Lines { get; set; }
    /// <summary>Decision agreement with the reference (voice-activity detectors); null for the reference itself.</summary>
    public VadAgreement? Vad { get; set; }
    /// <summary>Decisions against the recording's known speech (voice-activity detectors).</summary>
    public VadTruth? VadTruth { get; set; }
}

/// <summary>The result of <c>rtapp bench --variants …</c>.</summary>
public sealed class VariantReport
{
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version.</summary>
    public string Version { get; set; } = "";
    /// <summary>The real data the variants ran on.</summary>
    public string Data { get; set; } = "";
    /// <summary>Frames of it.</summary>
    public int Frames { get; set; }
    /// <summary>Warm-up runs per variant before timing.</summary>
    public int WarmupRuns { get; set; }
    /// <summary>The variant the others are compared with.</summary>
    public string Reference { get; set; } = "";
    /// <summary>One row per variant, the reference first.</summary>
    public List<VariantResult> Variants { get; set; } = new();
    /// <summary>How it was measured.</summary>
    public List<string> Notes { get; set; } = new();
}

/// <summary>
/// Model variants side by side on real data: every variant runs every frame of a real video
/// (interleaved frame by frame, so they share the machine's moods), through its own preprocessing
/// and decoder, each stage timed; detections are compared with the first variant's.
/// </summary>
public static class VariantBench
{
    /// <summary>The variants this build knows, by name (model paths relative to the assets folder).</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("blazeface-128", "blazeface", Resolve(assetsDir, "models/face_detection_front_128x128_barracuda.onnx"), "input:0", 128, 8,
            "BlazeFace front, 128×128 (short range, the face tracker's model)"),
        new VariantSpec("blazeface-256", "blazeface", Resolve(assetsDir, "models/face_detection_back_256x256_barracuda.onnx"), "input:0", 256, 16,
            "BlazeFace back, 256×256 (full range: strides 16,32,32,32)"),
    };

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>Runs the variants over the first <paramref name="frames"/> frames of <paramref name="videoPath"/> (looping when it is shorter).</summary>
    public static VariantReport Run(IReadOnlyList<VariantSpec> variants, string videoPath, int frames, int warmup, OnnxSessionSettings settings, Action<string>? progress = null)
    {
        using var video = new VideoFileReader(videoPath);
        string data = $"{Path.GetFileName(videoPath)} ({video.Width}×{video.Height}, {video.FrameCount} frames{(frames > video.FrameCount ? ", looped" : "")}), whole frame letterboxed into each model's input";
        return Run(variants, video.Width, video.Height, (f, slot) => { Copy(video, slot); video.Advance(); }, data, frames, warmup, settings, progress);
    }

    /// <summary>
    /// Runs the variants over the first <paramref name="frames"/> frames of a recording's camera
    /// (<c>rtapp record</c>, looping when it is shorter) instead of a video's; they must be BGR24.
    /// </summary>
    public static VariantReport Run(IReadOnlyList<VariantSpec> variants, RecordedImages images, string file, int frames, int warmup, OnnxSessionSettings settings, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Format != PixelFormat.Bgr24) throw new ArgumentException($"the recording's frames are {images.Format}; the face detectors' lanes take Bgr24", nameof(images));
        string data = $"{Path.GetFileName(file)} ({images.Width}×{images.Height}, {images.Count} frames of '{images.Application}''s {images.Source}, recorded{(frames > images.Count ? ", looped" : "")}), whole frame letterboxed into each model's input";
        return Run(variants, images.Width, images.Height, (f, slot) => { images.CopyTo(f % images.Count, slot); slot.CaptureNs = MonotonicClock.NowNs(); }, data, frames, warmup, settings, progress);
    }

    // Every lane on every frame <paramref name="next"/> fills in turn.
    private static VariantReport Run(IReadOnlyList<VariantSpec> variants, int width, int height, Action<int, FrameBuffer> next, string data, int frames, int warmup, OnnxSessionSettings settings, Action<string>? progress)
    {
        if (variants.Count < 1) throw new ArgumentException("no variant to run", nameof(variants));
        var lanes = new List<Lane>();
        try
        {
            // The first session of a process pays one-time costs (the runtime, kernel registries): a throwaway load takes them, so load times compare.
            using (OnnxInferenceEngine.Load(variants[0].ModelPath, variants[0].Input, null, settings)) { }
            foreach (var v in variants) lanes.Add(new Lane(v, width, height, settings, frames));
            var slot = new FrameBuffer(width, height, PixelFormat.Bgr24);
            foreach (var lane in lanes) lane.Warm(warmup);
            for (int f = 0; f < frames; f++)
            {
                next(f, slot);
                // Every variant sees the same frame; the order alternates so neither always runs on caches the other warmed.
                for (int k = 0; k < lanes.Count; k++) lanes[(f + k) % lanes.Count].Step(slot, f);
                if (progress is not null && (f + 1) % 50 == 0) progress($"frame {f + 1}/{frames}");
            }
            var report = new VariantReport
            {
                Data = data,
                Frames = frames,
                WarmupRuns = warmup,
                Reference = variants[0].Name,
            };
            foreach (var lane in lanes) report.Variants.Add(lane.Result(lanes[0]));
            return report;
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }

    /// <summary>Agreement of two per-frame detection series (the best box of each, or none).</summary>
    public static DetectionAgreement Compare(IReadOnlyList<FaceDetection> reference, IReadOnlyList<FaceDetection> variant)
    {
        if (reference.Count != variant.Count) throw new ArgumentException("the two series differ in length");
        var a = new DetectionAgreement { Frames = reference.Count };
        var ious = new List<double>();
        var dist = new List<double>();
        for (int i = 0; i < reference.Count; i++)
        {
            bool r = reference[i].Count > 0, v = variant[i].Count > 0;
            if (r && v)
            {
                a.BothFound++;
                FaceBox rb = reference[i].Best, vb = variant[i].Best;
                double iou = rb.IoU(in vb);
                ious.Add(iou);
                if (iou >= 0.5) a.IouAtLeastHalf++;
                double dx = reference[i].Best.CenterX - variant[i].Best.CenterX, dy = reference[i].Best.CenterY - variant[i].Best.CenterY;
                dist.Add(Math.Sqrt(dx * dx + dy * dy));
            }
            else if (r) a.OnlyReference++;
            else if (v) a.OnlyVariant++;
            else a.Neither++;
        }
        a.PresenceAgreementPct = a.Frames > 0 ? Math.Round(100.0 * (a.BothFound + a.Neither) / a.Frames, 2) : 0;
        if (ious.Count > 0)
        {
            ious.Sort();
            dist.Sort();
            double sum = 0;
            foreach (double x in ious) sum += x;
            a.IouMean = Math.Round(sum / ious.Count, 4);
            a.IouP50 = Math.Round(Rank(ious, 50), 4);
            a.IouP5 = Math.Round(Rank(ious, 5), 4);
            a.CenterDistancePxP50 = Math.Round(Rank(dist, 50), 2);
            a.CenterDistancePxP95 = Math.Round(Rank(dist, 95), 2);
        }
        return a;
    }

    // Nearest rank, as everywhere in the project.
    private static double Rank(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count), 1, sorted.Count) - 1];

    private static unsafe void Copy(VideoFileReader video, FrameBuffer slot)
    {
        // A frame that failed to decode has no pixels to read: the comparison needs every frame whole.
        if (!video.HasFrame) throw new InvalidDataException($"{video.Path}: frame {video.Index + 1} does not decode (corrupt or truncated video)");
        byte* src = (byte*)video.Frame.Data;
        long stride = video.Frame.Step();
        int row = slot.Width * 3;
        fixed (byte* dst = slot.Pixels)
            for (int y = 0; y < slot.Height; y++) Buffer.MemoryCopy(src + y * stride, dst + y * slot.Stride, row, row);
        slot.CaptureNs = MonotonicClock.NowNs();
    }

    /// <summary>One variant's engine, preprocessing, decoder and per-frame records.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly VariantSpec _spec;
        private readonly OnnxInferenceEngine _engine;
        private readonly LetterboxPreprocessor _pre;
        private readonly BlazeFaceDecoder _decoder;
        private readonly long[] _pp, _inf, _dec;
        private readonly FaceDetection[] _found;
        private FaceDetection _result;

        public Lane(VariantSpec spec, int width, int height, OnnxSessionSettings settings, int frames)
        {
            _spec = spec;
            if (!File.Exists(spec.ModelPath)) throw new FileNotFoundException($"variant {spec.Name}: model file not found: {spec.ModelPath} (./scripts/fetch-assets.sh fetches it)", spec.ModelPath);
            _engine = OnnxInferenceEngine.Load(spec.ModelPath, spec.Input, new long[] { 1, spec.InputSize, spec.InputSize, 3 }, settings);
            _pre = new LetterboxPreprocessor(width, height, spec.InputSize, spec.InputSize);
            _decoder = new BlazeFaceDecoder(_engine, _pre, spec.InputSize, 0.5f, firstStride: spec.FirstStride);
            _pp = new long[frames];
            _inf = new long[frames];
            _dec = new long[frames];
            _found = new FaceDetection[frames];
        }

        public void Warm(int runs)
        {
            for (int i = 0; i < runs; i++) _engine.Run();
        }

        public void Step(FrameBuffer frame, int f)
        {
            long t0 = MonotonicClock.NowNs();
            _pre.Process(frame, _engine.Input);
            long t1 = MonotonicClock.NowNs();
            _engine.Run();
            long t2 = MonotonicClock.NowNs();
            _result = default;
            _decoder.Decode(_engine, frame, ref _result);
            long t3 = MonotonicClock.NowNs();
            _pp[f] = t1 - t0;
            _inf[f] = t2 - t1;
            _dec[f] = t3 - t2;
            _found[f] = _result;
        }

        public VariantResult Result(Lane reference)
        {
            var total = new long[_pp.Length];
            int withFace = 0;
            for (int i = 0; i < total.Length; i++)
            {
                total[i] = _pp[i] + _inf[i] + _dec[i];
                if (_found[i].Count > 0) withFace++;
            }
            return new VariantResult
            {
                Name = _spec.Name,
                Description = _spec.Description,
                Model = Path.GetFileName(_spec.ModelPath),
                ModelBytes = new FileInfo(_spec.ModelPath).Length,
                InputSize = _spec.InputSize,
                ModelLoadMs = Math.Round(_engine.ModelLoadMs - _engine.RuntimeInitMs, 2),
                Preprocess = Percentiles.Summarize(_pp),
                Infer = Percentiles.Summarize(_inf),
                Decode = Percentiles.Summarize(_dec),
                Total = Percentiles.Summarize(total),
                FramesWithFace = withFace,
                Agreement = ReferenceEquals(reference, this) ? null : Compare(reference._found, _found),
            };
        }

        public void Dispose() => _engine.Dispose();
    }
}
