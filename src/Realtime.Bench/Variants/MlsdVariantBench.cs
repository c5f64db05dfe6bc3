using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Control;
using Realtime.Core.Decoding;

namespace Realtime.Bench.Variants;

/// <summary>Agreement of a line-segment variant with the reference.</summary>
public sealed class LineAgreement
{
    /// <summary>Frames compared.</summary>
    public int Frames { get; set; }
    /// <summary>Reference segments over all frames.</summary>
    public int ReferenceSegments { get; set; }
    /// <summary>Reference segments this variant also found (both ends within the tolerance), per cent.</summary>
    public double SegmentRecallPct { get; set; }
    /// <summary>This variant's segments the reference also found, per cent.</summary>
    public double SegmentPrecisionPct { get; set; }
    /// <summary>Frames where both found the line.</summary>
    public int LineBothFound { get; set; }
    /// <summary>Frames where only the reference found it.</summary>
    public int LineOnlyReference { get; set; }
    /// <summary>Frames where only this variant found it.</summary>
    public int LineOnlyVariant { get; set; }
    /// <summary>|Δ| of the line's lateral offset at the lookahead, cm: median (where both found it).</summary>
    public double OffsetDiffCmP50 { get; set; }
    /// <summary>|Δ| lateral offset, cm: 95th percentile.</summary>
    public double OffsetDiffCmP95 { get; set; }
    /// <summary>|Δ| lateral offset, cm: largest.</summary>
    public double OffsetDiffCmMax { get; set; }
    /// <summary>|Δ| of the pursuit target's bearing from the robot's axis, degrees: median (where both found the line).</summary>
    public double AngleDiffDegP50 { get; set; }
    /// <summary>|Δ| bearing, degrees: 95th percentile.</summary>
    public double AngleDiffDegP95 { get; set; }
}

/// <summary>
/// The M-LSD ladder: each variant is the line follower's graph with its override list (the model
/// node's path), its camera an open loop — the robot placed at poses round the track by a fixed rule
/// (on the centreline, off it, turned), or a recording's frames — so that every variant sees the same
/// frames whatever its steering decides; segments are the graph's decoder's and the line estimate its
/// pure-pursuit controller's (its gate off, so each frame is judged on its own), compared with the reference's.
/// </summary>
public static class MlsdVariantBench
{
    /// <summary>The model the line follower's graph runs (its onnx-model node's path): the graph the ladder runs over.</summary>
    public const string GraphModel = Tiny;

    private const string Large = "models/mlsd_320x320_large.onnx", Tiny = "models/mlsd_320x320_tiny.onnx";

    /// <summary>The M-LSD variants, the reference (large) first.</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("mlsd-large", "mlsd", Resolve(assetsDir, Large), 320, "M-LSD large, 320×320 (the reference)",
            new[] { $"model:config.path={Large}", "model:config.sha256=null" }),
        new VariantSpec("mlsd-tiny", "mlsd", Resolve(assetsDir, Tiny), 320, "M-LSD tiny, 320×320 (the line follower's model)",
            new[] { $"model:config.path={Tiny}" }),
    };

    /// <summary>
    /// The ladder's open loop over the line follower's own camera: <paramref name="poses"/> placed poses, and the
    /// steering's gate off (each frame's estimate its own, not drawn towards the last pose's).
    /// </summary>
    public static IReadOnlyList<string> PlacedPoses(int poses) => new[] { $"source:config.placed_poses={poses}", "controller:config.gate_cm=0" };

    /// <summary>The steering's gate off, for frames from a recording (the camera is replaced).</summary>
    public static IReadOnlyList<string> GateOff => new[] { "controller:config.gate_cm=0" };

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>The ladder's report from the lanes' runs: segments and line estimates per lane against the first lane's.</summary>
    public static VariantReport Report(IReadOnlyList<VariantLane> lanes, IReadOnlyList<BenchRun> runs, string data, int warmup)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(runs);
        if (lanes.Count < 1 || runs.Count != lanes.Count) throw new ArgumentException("one run per lane");
        var segments = new List<LineSegments[]>();
        var lines = new List<LineEstimate[]>();
        for (int k = 0; k < lanes.Count; k++)
        {
            VariantLanes.Counted(lanes[k].Spec, runs[k]);
            segments.Add(VariantLanes.Counted(lanes[k].Tap.Segments, runs[k]));
            lines.Add(VariantLanes.Counted(lanes[k].Tap.Lines, runs[k]));
            if (segments[k].Length != segments[0].Length || lines[k].Length != segments[k].Length)
                throw new InvalidOperationException($"variant {lanes[k].Spec.Name}: ran other frames than {lanes[0].Spec.Name}, or its graph has no pure-pursuit controller after its decoder");
        }
        var report = new VariantReport { Data = data, Frames = segments[0].Length, WarmupRuns = warmup, Reference = lanes[0].Spec.Name };
        for (int k = 0; k < lanes.Count; k++)
        {
            var row = VariantLanes.Row(lanes[k], runs[k]);
            long count = 0;
            int withLine = 0;
            for (int i = 0; i < segments[k].Length; i++)
            {
                count += segments[k][i].Count;
                if (lines[k][i].Found) withLine++;
            }
            row.FramesWithLine = withLine;
            row.SegmentsPerFrame = Math.Round((double)count / Math.Max(1, segments[k].Length), 2);
            row.Lines = k == 0 ? null : Compare(segments[0], lines[0], segments[k], lines[k]);
            report.Variants.Add(row);
        }
        return report;
    }

    /// <summary>Agreement of a variant's segments and line estimates with the reference's, frame by frame.</summary>
    public static LineAgreement Compare(LineSegments[] refSegments, LineEstimate[] refLines, LineSegments[] segments, LineEstimate[] lines)
    {
        ArgumentNullException.ThrowIfNull(refSegments);
        ArgumentNullException.ThrowIfNull(refLines);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(lines);
        var a = new LineAgreement { Frames = segments.Length };
        int refTotal = 0, refMatched = 0, varTotal = 0, varMatched = 0;
        var offsets = new List<double>();
        var angles = new List<double>();
        for (int i = 0; i < segments.Length; i++)
        {
            float tol = 0.02f * Math.Max(segments[i].FrameWidth, refSegments[i].FrameWidth);
            refTotal += refSegments[i].Count;
            varTotal += segments[i].Count;
            refMatched += Matched(in refSegments[i], in segments[i], tol);
            varMatched += Matched(in segments[i], in refSegments[i], tol);
            bool r = refLines[i].Found, v = lines[i].Found;
            if (r && v)
            {
                a.LineBothFound++;
                offsets.Add(Math.Abs(refLines[i].LeftCm - lines[i].LeftCm));
                angles.Add(Math.Abs(Math.Atan2(refLines[i].LeftCm, refLines[i].ForwardCm) - Math.Atan2(lines[i].LeftCm, lines[i].ForwardCm)) * 180 / Math.PI);
            }
            else if (r) a.LineOnlyReference++;
            else if (v) a.LineOnlyVariant++;
        }
        a.ReferenceSegments = refTotal;
        a.SegmentRecallPct = refTotal > 0 ? Math.Round(100.0 * refMatched / refTotal, 1) : 0;
        a.SegmentPrecisionPct = varTotal > 0 ? Math.Round(100.0 * varMatched / varTotal, 1) : 0;
        offsets.Sort();
        angles.Sort();
        a.OffsetDiffCmP50 = Math.Round(Rank(offsets, 50), 2);
        a.OffsetDiffCmP95 = Math.Round(Rank(offsets, 95), 2);
        a.OffsetDiffCmMax = Math.Round(offsets.Count > 0 ? offsets[^1] : 0, 2);
        a.AngleDiffDegP50 = Math.Round(Rank(angles, 50), 2);
        a.AngleDiffDegP95 = Math.Round(Rank(angles, 95), 2);
        return a;
    }

    /// <summary>Share of <paramref name="a"/>'s segments that have a match in <paramref name="b"/> (both ends within <paramref name="tol"/>, either way round).</summary>
    public static int Matched(in LineSegments a, in LineSegments b, float tol)
    {
        int n = 0;
        for (int i = 0; i < a.Count; i++)
        {
            var s = a.Segments[i];
            for (int j = 0; j < b.Count; j++)
            {
                var t = b.Segments[j];
                float same = MathF.Max(Dist(s.X1, s.Y1, t.X1, t.Y1), Dist(s.X2, s.Y2, t.X2, t.Y2));
                float swapped = MathF.Max(Dist(s.X1, s.Y1, t.X2, t.Y2), Dist(s.X2, s.Y2, t.X1, t.Y1));
                if (MathF.Min(same, swapped) <= tol) { n++; break; }
            }
        }
        return n;
    }

    private static float Dist(float x1, float y1, float x2, float y2) => MathF.Sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));

    // Nearest rank, as everywhere in the project.
    private static double Rank(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count), 1, sorted.Count) - 1];
}
