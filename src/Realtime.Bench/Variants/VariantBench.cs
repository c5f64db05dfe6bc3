using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Decoding;
using Realtime.Core.Timing;

namespace Realtime.Bench.Variants;

/// <summary>
/// A model variant the trade-off table knows: the application's graph with <paramref name="Sets"/>
/// applied, each <c>ROLE:path=value</c> addressed to the graph's node in that role around the model
/// (<see cref="LadderGraph"/>): the model node's path and settings, and whatever its preprocessing and
/// decoder need for that model. <paramref name="ModelPath"/> is the file it loads (checked before any lane is built).
/// </summary>
public sealed record VariantSpec(string Name, string Family, string ModelPath, int InputSize, string Description, IReadOnlyList<string> Sets)
{
    /// <summary>The variant's overrides of <paramref name="graph"/>'s nodes (<c>app.nodes[NODE].path=value</c>).</summary>
    public List<string> SetsFor(LadderGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Overrides(Sets);
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
/// The BlazeFace ladder: each variant is the face tracker's graph with its override list (the model
/// node's path, the preprocessing's size, the decoder's input size; the anchor layout comes from the
/// model's own output shapes), its camera replaced by a recording's frames so that no variant's
/// decisions move what the next frame shows; detections are the graph's decoder's, compared with the
/// reference's best box frame by frame.
/// </summary>
public static class VariantBench
{
    /// <summary>The model the face tracker's graph runs (its onnx-model node's path): the graph the ladder runs over.</summary>
    public const string GraphModel = Front128;

    private const string Front128 = "models/face_detection_front_128x128_barracuda.onnx", Back256 = "models/face_detection_back_256x256_barracuda.onnx";

    /// <summary>The variants this build knows, by name, the reference (the graph's own model) first.</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("blazeface-128", "blazeface", Resolve(assetsDir, Front128), 128,
            "BlazeFace front, 128×128 (short range, the face tracker's model)", new[] { $"model:config.path={Front128}" }),
        new VariantSpec("blazeface-256", "blazeface", Resolve(assetsDir, Back256), 256,
            "BlazeFace back, 256×256 (full range: strides 16,32,32,32)",
            new[] { $"model:config.path={Back256}", "model:config.sha256=null", "pre:config.width=256", "pre:config.height=256", "decoder:config.input_size=256" }),
    };

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>The ladder's report from the lanes' runs: faces found per lane and agreement with the first lane's best box.</summary>
    public static VariantReport Report(IReadOnlyList<VariantLane> lanes, IReadOnlyList<BenchRun> runs, string data, int warmup)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(runs);
        if (lanes.Count < 1 || runs.Count != lanes.Count) throw new ArgumentException("one run per lane");
        var found = new List<FaceDetection[]>();
        for (int k = 0; k < lanes.Count; k++)
        {
            VariantLanes.Counted(lanes[k].Spec, runs[k]);
            found.Add(VariantLanes.Counted(lanes[k].Tap.Faces, runs[k]));
            if (found[k].Length != found[0].Length) throw new InvalidOperationException($"variant {lanes[k].Spec.Name}: ran other frames than {lanes[0].Spec.Name}");
        }
        var report = new VariantReport { Data = data, Frames = found[0].Length, WarmupRuns = warmup, Reference = lanes[0].Spec.Name };
        for (int k = 0; k < lanes.Count; k++)
        {
            var row = VariantLanes.Row(lanes[k], runs[k]);
            foreach (var f in found[k]) if (f.Count > 0) row.FramesWithFace++;
            row.Agreement = k == 0 ? null : Compare(found[0], found[k]);
            report.Variants.Add(row);
        }
        return report;
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
}
