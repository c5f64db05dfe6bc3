using Realtime.Models;
using Realtime.Models.Components;
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Realtime.Core.Components;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Onnx.Tests.Components;

/// <summary>
/// The built-in decoders on the real models' outputs: <c>mlsd-segments</c> gives exactly the
/// segments the line follower's decoder gives on a real photograph; <c>vad-probability</c> in a
/// profile-built graph (the speech recording → <c>wav-source</c> → <c>audio-tensor</c> → Silero VAD)
/// says speech where the recording's labels put it and silence between; <c>top-k</c> over
/// BlazeFace's anchor scores finds the face in a frame of the tracker's video; each allocates nothing per frame.
/// </summary>
public sealed class DecodersOnRealModelsTests
{
    private sealed class Tensors : SourceNode
    {
        private readonly OutputPort<TensorPayload>[] _out;

        public Tensors(string name, OnnxInferenceEngine engine) : base(name)
        {
            _out = new OutputPort<TensorPayload>[engine.OutputNames.Count];
            for (int i = 0; i < _out.Length; i++)
            {
                long[] s = engine.OutputShapes[i];
                _out[i] = Output(OnnxModelNode.PortName(engine.OutputNames[i]), new TensorPayload(TensorElement.Float32, Array.ConvertAll(s, d => (int)d)));
                engine.Output(i).CopyTo(_out[i].Payload.Floats);
            }
        }

        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }

    private static AppGraph Wire(params (Node Node, string From, string To)[] parts)
    {
        var b = new GraphBuilder().Add(new ConstantController("k")).Add(new CountingSink("out")).Connect("k.command", "out.command");
        var added = new HashSet<Node>();
        foreach (var (n, from, to) in parts)
        {
            if (added.Add(n)) b.Add(n);
            if (from.Length > 0) b.Connect(from, to);
        }
        return b.Build();
    }

    [Theory]
    [InlineData("mlsd_320x320_tiny.onnx")]
    [InlineData("mlsd_320x320_large.onnx")]
    public void MlsdSegmentsGivesTheLineFollowersSegmentsOnARealPhotograph(string model)
    {
        var frame = MlsdOnRealImagesTests.LoadImage(TestAssets.Get("images/building.jpg"), out var image);
        using var _ = image;
        using var engine = OnnxInferenceEngine.Load(TestAssets.Get("models/" + model), "input_image_with_alpha:0", new long[] { 1, 320, 320, 4 });
        var pre = new LetterboxPreprocessor(frame.Width, frame.Height, 320, 320, 0f, 255f, channels: 4, alpha: 1f, keepAspect: false);
        pre.Process(frame, engine.Input);
        engine.Run();
        var expected = new LineSegments();
        new MlsdDecoder(engine, pre, 320, 0.1f).Decode(engine, frame, ref expected);

        var outputs = new Tensors("m", engine);
        var node = (MlsdSegments)MlsdSegments.Create("lsd", Config($$"""{ "image_width": {{frame.Width}}, "image_height": {{frame.Height}} }"""), Context());
        Wire((outputs, "", ""), (node, "m.scores", "lsd.scores"), (node, "m.offsets", "lsd.offsets"));
        node.Process();
        LineSegments got = node.Segments.Payload.Value;
        Assert.Equal(LineSegmentArray.Capacity, got.Count);
        Assert.Equal(expected.Count, got.Count);
        Assert.Equal(expected.Candidates, got.Candidates);
        for (int i = 0; i < got.Count; i++) Assert.Equal(expected.Segments[i], got.Segments[i]);
        Assert.Equal(0, ThreadAllocations.Least(node.Process));
    }

    [Fact]
    public void VadProbabilityInAProfileGraphHearsTheRecordingsSpeechWhereItsLabelsSay()
    {
        var clock = new ManualClock();
        using var context = new ComponentContext(new BoardProfile { Simulated = true, Timing = { RateHz = 31.25 } }, "board.json", clock) { AssetsDirectory = TestAssets.Dir };
        var registry = new ComponentRegistry().AddCoreComponents().AddOnnxComponents()
            .Register("sink", (name, c, _) => new CountingSink(name), role: NodeRole.Sink);
        // Silero VAD as the built-in model node: its recurrent state carried (stateN → state), its sample rate a constant.
        var app = JsonSerializer.Deserialize("""
            { "nodes": [
                { "name": "mic", "type": "wav-source", "config": { "path": "audio/speech-relay.wav" } },
                { "name": "pre", "type": "audio-tensor", "config": { "chunk": 512, "context": 64 } },
                { "name": "vad", "type": "onnx-model", "config": { "path": "models/silero_vad.onnx",
                    "shapes": { "input": [1, 576], "state": [2, 1, 128] }, "state": { "stateN": "state" }, "scalars": { "sr": 16000 } } },
                { "name": "p", "type": "vad-probability" },
                { "name": "level", "type": "pid", "config": { "kp": 1, "incremental": false, "min": 0, "max": 1 } },
                { "name": "out", "type": "sink" } ],
              "connections": [
                { "from": "mic.audio", "to": "pre.audio" }, { "from": "pre.tensor", "to": "vad.input" },
                { "from": "vad.output", "to": "p.tensor" }, { "from": "p.probability", "to": "level.value" },
                { "from": "level.command", "to": "out.command" } ] }
            """, ProfileJsonContext.Default.AppProfile)!;
        AppGraph g = registry.Build(app, context);
        var mic = (WavSource)g.Find("mic")!;
        var p = (VadProbability)g.Find("p")!;
        using var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = mic.ChunksPerPass * 2, WarmupFrames = 0, PeriodNs = 32_000_000, DeadlineNs = 32_000_000 },
            new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 1000, 3), clock);
        string[] labels = File.ReadAllLines(TestAssets.Get("audio/speech-relay.csv"));
        int speechHigh = 0, speech = 0, silenceLow = 0, silence = 0;
        for (int f = 0; f < mic.ChunksPerPass; f++)
        {
            loop.RunFrames(1);
            int mid = f * 512 + 256;
            bool inSpeech = false, near = false;
            for (int i = 1; i < labels.Length; i++)
            {
                string[] c = labels[i].Split(',');
                int s = int.Parse(c[0]), e = int.Parse(c[1]);
                inSpeech |= mid >= s && mid < e;
                near |= mid >= s - 8000 && mid < e + 8000;
            }
            float prob = p.Probability.Payload.Value;
            if (inSpeech) { speech++; if (prob >= 0.5f) speechHigh++; }
            else if (!near) { silence++; if (prob < 0.5f) silenceLow++; }
        }
        Assert.True(speech > 100 && silence > 20, $"{speech} speech and {silence} silent chunks");
        Assert.True(speechHigh >= speech * 7 / 10, $"{speechHigh} of {speech} speech chunks heard as speech");
        Assert.True(silenceLow >= silence * 9 / 10, $"{silenceLow} of {silence} silent chunks heard as silence");
        for (int i = 0; i < 6; i++) loop.RunFrames(50);
        Assert.Equal(0, ThreadAllocations.LeastOfThree(() => { loop.RunFrames(50); loop.RunFrames(50); }));
    }

    [Fact]
    public void TopKOverBlazeFacesAnchorScoresFindsTheFaceInAVideoFrameOfOne()
    {
        // Frame 120 of the tracker's video: a face of about 150 px near (488, 268).
        using var video = new Realtime.Vision.VideoFileReader(TestAssets.Megamind);
        while (video.Index < 120) video.Advance();
        var frame = new FrameBuffer(video.Width, video.Height, PixelFormat.Bgr24);
        System.Runtime.InteropServices.Marshal.Copy(video.Frame.Data, frame.Pixels, 0, frame.Pixels.Length);
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 });
        new LetterboxPreprocessor(frame.Width, frame.Height, 128, 128).Process(frame, engine.Input);
        engine.Run();
        // BlazeFace scores its anchors in two heads (outputs whose last dimension is 1); the face is in the one holding the highest score.
        int scoresIndex = -1;
        float highest = float.MinValue;
        for (int i = 0; i < engine.OutputNames.Count; i++)
        {
            if (engine.OutputShapes[i][^1] != 1) continue;
            foreach (float v in engine.Output(i))
                if (v > highest) { highest = v; scoresIndex = i; }
        }
        Assert.True(scoresIndex >= 0, "BlazeFace has anchor score outputs");
        var outputs = new Tensors("m", engine);
        long[] shape = engine.OutputShapes[scoresIndex];
        var top = (TopK)TopK.Create("top", Config($$"""{ "shape": [{{string.Join(",", shape)}}], "k": 3, "activation": "sigmoid" }"""), Context());
        Wire((outputs, "", ""), (top, "m." + OnnxModelNode.PortName(engine.OutputNames[scoresIndex]), "top.scores"));
        top.Process();
        ReadOnlySpan<float> raw = engine.Output(scoresIndex);
        float max = float.MinValue;
        int arg = -1;
        for (int i = 0; i < raw.Length; i++) if (raw[i] > max) { max = raw[i]; arg = i; }
        Detection best = top.Classes.Payload.Items[0];
        Assert.Equal(3, top.Classes.Payload.Count);
        Assert.Equal(arg, best.Class);
        Assert.True(best.Score > 0.75f, $"the best anchor's face probability {best.Score}");
        Assert.True(top.Classes.Payload.Items[1].Score <= best.Score);
        Assert.Equal(0, ThreadAllocations.Least(top.Process));
    }

    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), "app.nodes[0].config");

    private static ComponentContext Context() => new(new BoardProfile { Simulated = true }, "board.json", new ManualClock()) { AssetsDirectory = TestAssets.Dir };
}
