using System.Collections.Generic;
using System.Linq;
using Realtime.Bench.Variants;
using Realtime.Core.Decoding;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>The trade-off table's agreement measure on known boxes, and BlazeFace 128 against 256 through the face tracker's graph on its recorded frames.</summary>
public sealed class VariantTests
{
    private static FaceDetection Box(float x, float y, float w) => new() { Count = 1, Best = new FaceBox { CenterX = x, CenterY = y, Width = w, Height = w, Score = 0.9f } };

    [Fact]
    public void AgreementCountsPresenceAndMeasuresOverlapWhereBothFoundAFace()
    {
        var reference = new List<FaceDetection> { Box(50, 50, 20), Box(50, 50, 20), Box(50, 50, 20), default, default };
        var variant = new List<FaceDetection> { Box(50, 50, 20), Box(60, 50, 20), default, Box(10, 10, 5), default };
        var a = VariantBench.Compare(reference, variant);
        Assert.Equal(5, a.Frames);
        Assert.Equal(2, a.BothFound);
        Assert.Equal(1, a.OnlyReference);
        Assert.Equal(1, a.OnlyVariant);
        Assert.Equal(1, a.Neither);
        Assert.Equal(60.0, a.PresenceAgreementPct);
        // Identical boxes: IoU 1; shifted by half a width: 10×20 overlap over 600 = 1/3. Nearest rank of two: p50 is the lower.
        Assert.Equal(0.3333, a.IouP50, 4);
        Assert.Equal(0.3333, a.IouP5, 4);
        Assert.Equal(0.6667, a.IouMean, 4);
        Assert.Equal(1, a.IouAtLeastHalf);
        Assert.Equal(0, a.CenterDistancePxP50);
        Assert.Equal(10, a.CenterDistancePxP95);
    }

    [Fact]
    public void BlazeFace256IsTheTrackersGraphWithItsOverridesAndFindsTheFacesWhere128DoesOnRecordedFrames()
    {
        // The face tracker's camera as rtapp record records it (the mount held), then each variant's graph plays those frames.
        var graph = BenchPipelines.Graph("face-tracker", "blazeface");
        Assert.Equal(("pre", "camera", "faces", "tracker"), (graph.Pre, graph.Source, graph.Decoder, graph.Controller));
        var images = BenchPipelines.Record("face-tracker", "camera", 40);
        Assert.Equal((40, 320, 240), (images.Count, images.Width, images.Height));
        var components = RecordedFramesSource.Register(new Realtime.Hosting.RealtimeHost("test").AddDemos().Components, images, graph.SourcePort(LoadApp("face-tracker")));
        var known = VariantBench.Known(TestAssets.Dir);
        Assert.Contains("app.nodes[faces].config.input_size=256", known[1].SetsFor(graph));
        // Two lanes take turns of 32 frames, each turn after one uncounted frame: 40 counted frames are 42 of each loop's.
        int loopFrames = VariantLanes.LoopFrames(40, 2);
        Assert.Equal(42, loopFrames);
        var lanes = VariantLanes.Build(known, graph, new[] { $"source:type={RecordedFramesSource.TypeName}", "source:config=null" }, 3 + loopFrames,
            sets => BenchPipelines.Lane("face-tracker", sets, loopFrames, 3, components));
        try
        {
            Assert.Equal("face_detection_back_256x256_barracuda.onnx", System.IO.Path.GetFileName(lanes[1].Target.Model.Path));
            var runs = BenchPipelines.RunLanes(lanes);
            foreach (var run in runs)
            {
                // Each turn's first frame (loop frames 3 and 36) ran and is left out: records, taps and figures skip it alike.
                Assert.Equal(2, run.RewarmFrames);
                Assert.Equal(2, run.RewarmEndToEndNs.Length);
                Assert.Equal(40, run.CountedFrames);
                Assert.Equal(new[] { 0, 1, 2, 4, 5 }, Enumerable.Range(0, 5).Select(run.LoopFrame));
                Assert.Equal(37, run.LoopFrame(3 + 32));
            }
            var faces = VariantLanes.Counted(lanes[1].Tap.Faces, runs[1]);
            Assert.Equal(40, faces.Length);
            Assert.Equal(lanes[1].Tap.Faces[37].Best.CenterX, faces[32].Best.CenterX);
            Assert.Equal(lanes[1].Tap.Faces[4].Best.CenterX, faces[0].Best.CenterX);
            Assert.Contains("Each turn began with 1 uncounted frame", VariantLanes.RewarmNote(lanes, runs));
            Assert.Contains("blazeface-256 ", VariantLanes.RewarmNote(lanes, runs));
            var report = VariantBench.Report(lanes, runs, "recorded", 3);
            Assert.Equal("blazeface-128", report.Reference);
            Assert.Equal(new[] { "blazeface-128", "blazeface-256" }, report.Variants.Select(v => v.Name));
            var small = report.Variants[0];
            var large = report.Variants[1];
            Assert.Null(small.Agreement);
            Assert.Equal(40, report.Frames);
            Assert.Equal(40, small.Infer.Count);
            Assert.Equal(40, large.Total.Count);
            Assert.Equal(256, large.InputSize);
            // The held camera looks at Megamind's face: both graphs find it in most frames, and where (with the 256
            // model's anchors derived from its own output shapes) its box overlaps the 128 model's.
            Assert.True(small.FramesWithFace >= 30, $"128 found faces in {small.FramesWithFace} of 40 frames");
            var a = large.Agreement!;
            Assert.True(a.BothFound >= 30, $"both found a face in {a.BothFound} of 40 frames");
            Assert.True(a.IouP50 >= 0.6, $"IoU p50 {a.IouP50}");
            // Boxes are in the camera's pixels (the decoder's 0..1 of the image, scaled back): centres a few pixels apart, not all at 0.
            Assert.True(a.CenterDistancePxP95 > 0 && a.CenterDistancePxP50 < 30, $"centres {a.CenterDistancePxP50} px apart (p50), {a.CenterDistancePxP95} (p95)");
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }

    [Fact]
    public void AVariantWhoseModelDoesNotFitTheGraphsDecoderIsNamedWithItsOverrides()
    {
        var graph = BenchPipelines.Graph("face-tracker", "blazeface");
        // M-LSD in the face tracker's graph: its outputs are not the SSD decoder's inputs.
        var misfit = new VariantSpec("mlsd-in-faces", "blazeface", TestAssets.Get("models/mlsd_320x320_tiny.onnx"), 320, "a misfit",
            new[] { "model:config.path=models/mlsd_320x320_tiny.onnx", "model:config.sha256=null" });
        var ex = Assert.Throws<ProfileException>(() => VariantLanes.Build(new[] { misfit }, graph, System.Array.Empty<string>(), 4,
            sets => BenchPipelines.Lane("face-tracker", sets, 4, 0)));
        Assert.StartsWith("variant mlsd-in-faces (app.nodes[blazeface].config.path=models/mlsd_320x320_tiny.onnx app.nodes[blazeface].config.sha256=null): ", ex.Problems[0]);
        Assert.Contains("blazeface", ex.Problems[0][100..]);
    }

    internal static Realtime.Core.Profiles.AppProfile LoadApp(string demo)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        return Realtime.Hosting.ProfileCatalog.Load(TestAssets.SimProfile, System.Array.Empty<string>(), demo, host).Profile.App!;
    }
}

/// <summary>Silero fp32 against fp16 on real speech: the agreement measures on known series, and the real run.</summary>
public sealed class VadVariantTests
{
    [Fact]
    public void DecisionsAgreeAtHalfAndProbabilityDifferencesAreMeasured()
    {
        float[] r = { 0.9f, 0.6f, 0.1f, 0.4f, 0.5f };
        float[] v = { 0.8f, 0.4f, 0.2f, 0.6f, 0.5f };
        var a = VadVariantBench.Compare(r, v);
        Assert.Equal(5, a.Chunks);
        Assert.Equal(2, a.BothSpeech); // 0.9/0.8 and 0.5/0.5 (0.5 is speech)
        Assert.Equal(1, a.OnlyReference);
        Assert.Equal(1, a.OnlyVariant);
        Assert.Equal(1, a.Neither);
        Assert.Equal(60.0, a.DecisionAgreementPct);
        Assert.Equal(0.12, a.ProbabilityMeanAbsDiff, 4);
        Assert.Equal(0.2, a.ProbabilityMaxAbsDiff, 4);
    }

    [Fact]
    public void DecisionsAreJudgedAgainstKnownSpeechLeavingQuietChunksInsideUtterancesOut()
    {
        float[] p = { 0.9f, 0.1f, 0.8f, 0.7f, 0.2f };
        sbyte[] truth = { 1, 1, 0, -1, 0 };
        var t = VadVariantBench.Against(p, truth);
        Assert.Equal(50.0, t.SpeechRecallPct);
        Assert.Equal(50.0, t.SilenceFalseAlarmPct);
        Assert.Equal(50.0, t.AccuracyPct);
    }

    [Fact]
    public void SileroFp16DecidesLikeFp32OnRealSpeechAndBothFindTheSpeech()
    {
        var speech = Realtime.Core.Audio.SpeechRecording.Load(TestAssets.SpeechRelay);
        Assert.True(speech.Samples.Length > 10 * Realtime.Core.Audio.SpeechRecording.SampleRate);
        var known = VadVariantBench.Known(TestAssets.Dir);
        int chunks = VadVariantBench.ChunksPerPass(speech);
        // Each variant is the voice relay's graph with its override list (fp16: another model, no sr constant, no sha256).
        var graph = BenchPipelines.Graph("voice-relay", "vad");
        Assert.Equal(("window", "mic", "speech"), (graph.Pre, graph.Source, graph.Decoder));
        int loopFrames = VariantLanes.LoopFrames(chunks, 2);
        var lanes = VariantLanes.Build(known, graph, System.Array.Empty<string>(), loopFrames + 3, sets => BenchPipelines.Lane("voice-relay", sets, loopFrames, 3));
        try
        {
            Assert.Equal("silero_vad_half.onnx", System.IO.Path.GetFileName(lanes[1].Target.Model.Path));
            var report = VadVariantBench.Report(lanes, BenchPipelines.RunLanes(lanes), speech, 3);
            Assert.Equal(new[] { "silero-fp32", "silero-fp16" }, report.Variants.Select(v => v.Name));
            Assert.Equal(chunks, report.Frames);
            foreach (var v in report.Variants)
            {
                Assert.Equal(chunks, v.Infer.Count);
                // The recording is mostly speech between seconds of silence: a working VAD (state carried, context given) finds it.
                Assert.True(v.VadTruth!.SpeechRecallPct > 80, $"{v.Name}: recall {v.VadTruth.SpeechRecallPct} %");
                Assert.True(v.VadTruth.SilenceFalseAlarmPct < 20, $"{v.Name}: false alarms {v.VadTruth.SilenceFalseAlarmPct} %");
            }
            Assert.Null(report.Variants[0].Vad);
            Assert.True(report.Variants[1].Vad!.DecisionAgreementPct > 90, $"agreement {report.Variants[1].Vad!.DecisionAgreementPct} %");
            // The two lanes ran different models: their probabilities are not the same series.
            Assert.True(report.Variants[1].Vad!.ProbabilityMeanAbsDiff > 0);
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }
}

/// <summary>M-LSD large against tiny through the line follower's graph at placed poses.</summary>
public sealed class MlsdVariantTests
{
    [Fact]
    public void SegmentMatchingIsSymmetricInOrientationAndCountsOnlyNearbySegments()
    {
        var a = new LineSegments { Count = 2 };
        a.Segments[0] = new LineSegment { X1 = 0, Y1 = 0, X2 = 100, Y2 = 0, Score = 1 };
        a.Segments[1] = new LineSegment { X1 = 0, Y1 = 50, X2 = 0, Y2 = 150, Score = 1 };
        var b = new LineSegments { Count = 1 };
        b.Segments[0] = new LineSegment { X1 = 101, Y1 = 2, X2 = 1, Y2 = -1, Score = 1 }; // the first, reversed and a little off
        Assert.Equal(1, MlsdVariantBench.Matched(in a, in b, 3));
        Assert.Equal(1, MlsdVariantBench.Matched(in b, in a, 3));
        Assert.Equal(0, MlsdVariantBench.Matched(in a, in b, 1));
    }

    [Fact]
    public void TinyFindsTheTrackLineWhereLargeDoesAtPlacedPosesAndAgreesOnItsOffsetAndBearing()
    {
        // The line follower's graph, its robot placed at 12 poses round the track (never driven), its steering's gate off.
        var graph = BenchPipelines.Graph("line-follower", "mlsd");
        Assert.Equal(("pre", "robot", "lines", "steering"), (graph.Pre, graph.Source, graph.Decoder, graph.Controller));
        var known = MlsdVariantBench.Known(TestAssets.Dir);
        int loopFrames = VariantLanes.LoopFrames(12, 2);
        var lanes = VariantLanes.Build(known, graph, MlsdVariantBench.PlacedPoses(12), 1 + loopFrames, sets => BenchPipelines.Lane("line-follower", sets, loopFrames, 1));
        try
        {
            var report = MlsdVariantBench.Report(lanes, BenchPipelines.RunLanes(lanes), "placed", 1);
            Assert.Equal("mlsd-large", report.Reference);
            Assert.Equal(new[] { "mlsd-large", "mlsd-tiny" }, report.Variants.Select(v => v.Name));
            Assert.Equal(12, report.Frames);
            var large = report.Variants[0];
            var tiny = report.Variants[1];
            Assert.Null(large.Lines);
            Assert.Equal(12, tiny.Infer.Count);
            // The line is in view at every pose: both find it, and put it in nearly the same place.
            Assert.True(large.FramesWithLine >= 11, $"large found the line in {large.FramesWithLine} of 12 frames");
            Assert.True(tiny.FramesWithLine >= 11, $"tiny found the line in {tiny.FramesWithLine} of 12 frames");
            var a = tiny.Lines!;
            Assert.True(a.LineBothFound >= 10, $"both found the line in {a.LineBothFound} of 12 frames");
            Assert.True(a.OffsetDiffCmP95 < 2.5, $"line offsets differ by {a.OffsetDiffCmP95} cm (p95)");
            Assert.True(a.AngleDiffDegP95 < 10, $"bearings differ by {a.AngleDiffDegP95}° (p95)");
            Assert.True(a.SegmentRecallPct > 10, $"tiny found {a.SegmentRecallPct}% of large's segments again");
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }
}
