using System;
using System.Collections.Generic;
using System.IO;
using OpenCvSharp;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Gpio;
using Realtime.Models;
using Realtime.Onnx;
using Realtime.Sim;

namespace Realtime.Bench.Variants;

/// <summary>Agreement of a line-segment variant with the reference.</summary>
public sealed class LineAgreement
{
    /// <summary>Frames compared (track frames and the photograph).</summary>
    public int Frames { get; set; }
    /// <summary>Reference segments over all frames.</summary>
    public int ReferenceSegments { get; set; }
    /// <summary>Reference segments this variant also found (both ends within the tolerance), per cent.</summary>
    public double SegmentRecallPct { get; set; }
    /// <summary>This variant's segments the reference also found, per cent.</summary>
    public double SegmentPrecisionPct { get; set; }
    /// <summary>Track frames where both found the line.</summary>
    public int LineBothFound { get; set; }
    /// <summary>Track frames where only the reference found it.</summary>
    public int LineOnlyReference { get; set; }
    /// <summary>Track frames where only this variant found it.</summary>
    public int LineOnlyVariant { get; set; }
    /// <summary>|Δ| of the line's lateral offset at the lookahead, cm: median (where both found it).</summary>
    public double OffsetDiffCmP50 { get; set; }
    /// <summary>|Δ| lateral offset, cm: 95th percentile.</summary>
    public double OffsetDiffCmP95 { get; set; }
    /// <summary>|Δ| lateral offset, cm: largest.</summary>
    public double OffsetDiffCmMax { get; set; }
}

/// <summary>
/// M-LSD variants on real data: frames of the line follower's track rendered from poses spread
/// round it (lateral offsets and heading errors varied by a fixed rule), and building.jpg (a
/// photograph of straight edges). Every variant sees every frame, interleaved, each stage timed;
/// segments are compared with the reference's, and on the track frames so is the line estimate the
/// steering would act on.
/// </summary>
public static class MlsdVariantBench
{
    /// <summary>The M-LSD variants, the reference (large) first.</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("mlsd-large", "mlsd", Resolve(assetsDir, "models/mlsd_320x320_large.onnx"), "input_image_with_alpha:0", 320, 0, "M-LSD large, 320×320 (the reference)"),
        new VariantSpec("mlsd-tiny", "mlsd", Resolve(assetsDir, "models/mlsd_320x320_tiny.onnx"), "input_image_with_alpha:0", 320, 0, "M-LSD tiny, 320×320 (the line follower's model)"),
    };

    // The line follower's decoder settings (sim.json's mlsd-segments node).
    private const float ScoreThreshold = 0.1f, MinSegmentPx = 16f;

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>Runs the variants over <paramref name="trackFrames"/> rendered track frames and the photograph.</summary>
    public static VariantReport Run(IReadOnlyList<VariantSpec> variants, string photoPath, int trackFrames, int warmup, OnnxSessionSettings settings)
    {
        if (variants.Count < 1) throw new ArgumentException("no variant to run", nameof(variants));
        var setup = new LineTrackSetup();
        var frames = new List<FrameBuffer>();
        using (var photo = Cv2.ImRead(photoPath, ImreadModes.Color))
        {
            if (photo.Empty()) throw new InvalidDataException($"{photoPath}: OpenCV cannot read this image");
            frames.AddRange(RenderTrack(setup, trackFrames));
            var f = new FrameBuffer(photo.Width, photo.Height, PixelFormat.Bgr24);
            using (var cont = photo.Clone())   // a continuous copy, whatever the decoder's layout
                System.Runtime.InteropServices.Marshal.Copy(cont.Data, f.Pixels, 0, f.Pixels.Length);
            frames.Add(f);
        }
        var lanes = new List<Lane>();
        try
        {
            using (OnnxInferenceEngine.Load(variants[0].ModelPath, variants[0].Input, null, settings)) { }
            foreach (var v in variants) lanes.Add(new Lane(v, settings, frames, setup));
            foreach (var lane in lanes) lane.Warm(warmup);
            for (int f = 0; f < frames.Count; f++)
                for (int k = 0; k < lanes.Count; k++) lanes[(f + k) % lanes.Count].Step(frames[f], f, f < trackFrames);
            var report = new VariantReport
            {
                Data = $"{trackFrames} track frames (320×320, rendered from poses round the line follower's track) and {Path.GetFileName(photoPath)} ({frames[^1].Width}×{frames[^1].Height}, stretched to the input)",
                Frames = frames.Count,
                WarmupRuns = warmup,
                Reference = variants[0].Name,
            };
            foreach (var lane in lanes) report.Variants.Add(lane.Result(lanes[0], trackFrames));
            return report;
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }

    /// <summary>Camera frames from poses spread evenly round the track, offset up to ±4 cm and turned up to ±15° by a fixed rule.</summary>
    public static List<FrameBuffer> RenderTrack(LineTrackSetup setup, int count)
    {
        var list = new List<FrameBuffer>();
        // The robot is only placed, never driven: its motor channels stay at stop.
        var cal = new MotorCalibration(50, 1000, 1500, 2000);
        var track = setup.NewTrack();
        var robot = setup.NewRobot(track, new SimulatedPwmChannel(0, 0, 50, cal.DutyCycleFor(0)), cal, new SimulatedPwmChannel(0, 1, 50, cal.DutyCycleFor(0)), cal);
        using var camera = setup.NewCamera(track, robot, 0.1);
        for (int i = 0; i < count; i++)
        {
            var p = track.At(track.Length * i / count);
            double off = 4 * Math.Sin(i * 1.7), turn = 15 * Math.PI / 180 * Math.Sin(i * 2.3);
            robot.Place(p.X - Math.Sin(p.Heading) * off, p.Y + Math.Cos(p.Heading) * off, p.Heading + turn);
            var f = new FrameBuffer(setup.ImageWidthPx, setup.ImageHeightPx, PixelFormat.Bgr24);
            camera.Capture(f);
            list.Add(f);
        }
        return list;
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

    private sealed class Lane : IDisposable
    {
        private readonly VariantSpec _spec;
        private readonly OnnxInferenceEngine _engine;
        private readonly LineSteering _steering;
        private readonly Dictionary<(int, int), (LetterboxPreprocessor, MlsdDecoder)> _byFrameSize = new();
        private readonly long[] _pp, _inf, _dec;
        private readonly LineSegments[] _found;
        private readonly LineEstimate[] _line;

        public Lane(VariantSpec spec, OnnxSessionSettings settings, List<FrameBuffer> frames, LineTrackSetup setup)
        {
            _spec = spec;
            if (!File.Exists(spec.ModelPath)) throw new FileNotFoundException($"variant {spec.Name}: model file not found: {spec.ModelPath} (./scripts/fetch-assets.sh fetches it)", spec.ModelPath);
            _engine = OnnxInferenceEngine.Load(spec.ModelPath, spec.Input, new long[] { 1, spec.InputSize, spec.InputSize, 4 }, settings);
            foreach (var f in frames)
                if (!_byFrameSize.ContainsKey((f.Width, f.Height)))
                {
                    var pre = new LetterboxPreprocessor(f.Width, f.Height, spec.InputSize, spec.InputSize, 0f, 255f, channels: 4, alpha: 1f, keepAspect: false);
                    _byFrameSize[(f.Width, f.Height)] = (pre, new MlsdDecoder(_engine, pre, spec.InputSize, ScoreThreshold, MinSegmentPx));
                }
            _steering = new LineSteering(setup.View, Realtime.Core.Components.PurePursuit.Defaults);
            _pp = new long[frames.Count];
            _inf = new long[frames.Count];
            _dec = new long[frames.Count];
            _found = new LineSegments[frames.Count];
            _line = new LineEstimate[frames.Count];
        }

        public void Warm(int runs)
        {
            for (int i = 0; i < runs; i++) _engine.Run();
        }

        public void Step(FrameBuffer frame, int f, bool track)
        {
            var (pre, decoder) = _byFrameSize[(frame.Width, frame.Height)];
            long t0 = MonotonicClock.NowNs();
            pre.Process(frame, _engine.Input);
            long t1 = MonotonicClock.NowNs();
            _engine.Run();
            long t2 = MonotonicClock.NowNs();
            var result = new LineSegments();
            decoder.Decode(_engine, frame, ref result);
            long t3 = MonotonicClock.NowNs();
            _pp[f] = t1 - t0;
            _inf[f] = t2 - t1;
            _dec[f] = t3 - t2;
            _found[f] = result;
            // Each track frame is judged on its own (a new pose), so the estimate starts without history.
            if (track) _steering.Estimate(in result, ref _line[f]);
        }

        public VariantResult Result(Lane reference, int trackFrames)
        {
            var total = new long[_pp.Length];
            int withLine = 0;
            long segments = 0;
            for (int i = 0; i < total.Length; i++)
            {
                total[i] = _pp[i] + _inf[i] + _dec[i];
                segments += _found[i].Count;
                if (i < trackFrames && _line[i].Found) withLine++;
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
                FramesWithLine = withLine,
                SegmentsPerFrame = Math.Round((double)segments / Math.Max(1, total.Length), 2),
                Lines = ReferenceEquals(reference, this) ? null : Compare(reference, trackFrames),
            };
        }

        private LineAgreement Compare(Lane reference, int trackFrames)
        {
            var a = new LineAgreement { Frames = _found.Length };
            int refTotal = 0, refMatched = 0, varTotal = 0, varMatched = 0;
            var diffs = new List<double>();
            for (int i = 0; i < _found.Length; i++)
            {
                float tol = 0.02f * _found[i].FrameWidth;
                refTotal += reference._found[i].Count;
                varTotal += _found[i].Count;
                refMatched += Matched(in reference._found[i], in _found[i], tol);
                varMatched += Matched(in _found[i], in reference._found[i], tol);
                if (i >= trackFrames) continue;
                bool r = reference._line[i].Found, v = _line[i].Found;
                if (r && v)
                {
                    a.LineBothFound++;
                    diffs.Add(Math.Abs(reference._line[i].LeftCm - _line[i].LeftCm));
                }
                else if (r) a.LineOnlyReference++;
                else if (v) a.LineOnlyVariant++;
            }
            a.ReferenceSegments = refTotal;
            a.SegmentRecallPct = refTotal > 0 ? Math.Round(100.0 * refMatched / refTotal, 1) : 0;
            a.SegmentPrecisionPct = varTotal > 0 ? Math.Round(100.0 * varMatched / varTotal, 1) : 0;
            diffs.Sort();
            a.OffsetDiffCmP50 = Math.Round(Rank(diffs, 50), 2);
            a.OffsetDiffCmP95 = Math.Round(Rank(diffs, 95), 2);
            a.OffsetDiffCmMax = Math.Round(diffs.Count > 0 ? diffs[^1] : 0, 2);
            return a;
        }

        public void Dispose() => _engine.Dispose();
    }
}
