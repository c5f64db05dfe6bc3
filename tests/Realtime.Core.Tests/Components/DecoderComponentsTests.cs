using Realtime.Models.Components;
using System;
using Realtime.Core.Components;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Tests;

namespace Realtime.Core.Tests.Components;

/// <summary>
/// <c>top-k</c>, <c>vad-probability</c>, <c>mlsd-segments</c> and <c>imu-tensor</c> on tensors
/// whose answer is known (the real models' outputs are in Onnx.Tests/Components): the k best in
/// order as a full sort finds them, softmax and sigmoid, hostile values, the model-shape checks at
/// build time, 0 B per frame.
/// </summary>
public sealed class DecoderComponentsTests
{
    private sealed class TensorSource : SourceNode
    {
        public TensorSource(string name, params int[] shape) : base(name) => Tensor = Output("t", new TensorPayload(TensorElement.Float32, shape));
        public OutputPort<TensorPayload> Tensor { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }

    /// <summary>Builds a whole graph around the node under test (a constant controller drives a sink), so its inputs are bound as a profile's would be.</summary>
    internal static AppGraph Wire(Node[] nodes, params (string From, string To)[] connections)
    {
        var b = new GraphBuilder().Add(new Graph.ConstantController("k", 1)).Add(new Graph.RecordingSink("out")).Connect("k.command", "out.command");
        foreach (Node n in nodes) b.Add(n);
        foreach (var (f, t) in connections) b.Connect(f, t);
        return b.Build();
    }

    private static void Wire(Node source, Node node, params (string From, string To)[] connections) => Wire([source, node], connections);

    [Fact]
    public void TopKFindsTheKBestInOrderAsAFullSortDoes()
    {
        var src = new TensorSource("m", 1, 1000);
        var top = new TopK("top", [1, 1000], 7);
        Wire(src, top, ("m.t", "top.scores"));
        var rng = new Random(7);
        Span<float> x = src.Tensor.Payload.Floats;
        for (int trial = 0; trial < 20; trial++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 20 - 10);
            top.Process();
            int[] order = new int[x.Length];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            float[] copy = x.ToArray();
            Array.Sort(copy, order);
            Array.Reverse(order);
            Assert.Equal(7, top.Classes.Payload.Count);
            for (int k = 0; k < 7; k++)
            {
                Assert.Equal(order[k], top.Classes.Payload.Items[k].Class);
                Assert.Equal(x[order[k]], top.Classes.Payload.Items[k].Score);
            }
        }
        Assert.Equal(0, ThreadAllocations.Least(top.Process));
    }

    [Fact]
    public void SoftmaxIsOverAllClassesSigmoidPerClassAndMinScoreCutsTheTail()
    {
        var src = new TensorSource("m", 4);
        var soft = new TopK("soft", [4], 2, TopK.Activation.Softmax);
        Wire(src, soft, ("m.t", "soft.scores"));
        src.Tensor.Payload.Floats[0] = 1; src.Tensor.Payload.Floats[1] = 3; src.Tensor.Payload.Floats[2] = float.NaN; src.Tensor.Payload.Floats[3] = 2;
        soft.Process();
        double sum = Math.Exp(1) + Math.Exp(3) + Math.Exp(2);
        Assert.Equal(1, soft.Classes.Payload.Items[0].Class);
        Assert.Equal(Math.Exp(3) / sum, soft.Classes.Payload.Items[0].Score, 5);
        Assert.Equal(3, soft.Classes.Payload.Items[1].Class);
        Assert.Equal(Math.Exp(2) / sum, soft.Classes.Payload.Items[1].Score, 5);

        var sig = new TopK("sig", [4], 3, TopK.Activation.Sigmoid, minScore: 0.8f);
        Wire(src, sig, ("m.t", "sig.scores"));
        sig.Process();
        // sigmoid(3) = 0.95, sigmoid(2) = 0.88, sigmoid(1) = 0.73 < 0.8; NaN is skipped.
        Assert.Equal(2, sig.Classes.Payload.Count);
        Assert.Equal(1f / (1f + MathF.Exp(-3)), sig.Classes.Payload.Items[0].Score, 5);
        Assert.Equal(0, ThreadAllocations.Least(soft.Process));
        // A hostile model's infinite logit takes all the probability, not NaN.
        src.Tensor.Payload.Floats[0] = float.PositiveInfinity;
        soft.Process();
        Assert.Equal(0, soft.Classes.Payload.Items[0].Class);
        Assert.Equal(1f, soft.Classes.Payload.Items[0].Score);
        Assert.Equal(0f, soft.Classes.Payload.Items[1].Score);
    }

    [Theory]
    [InlineData("top-k", """{ "k": 3 }""", "app.nodes[0].config.shape: required")]
    [InlineData("top-k", """{ "shape": [1, 4], "k": 5 }""", "app.nodes[0].config.k: must be at most the 4 classes, got 5")]
    [InlineData("top-k", """{ "shape": [1, 0] }""", "app.nodes[0].config.shape[1]: must be a whole number between 1 and 16777216, got 0")]
    [InlineData("top-k", """{ "shape": [1, 10], "activation": "relu" }""", "app.nodes[0].config.activation: must be one of none, softmax, sigmoid, got 'relu'")]
    [InlineData("vad-probability", """{ "index": 1 }""", "app.nodes[0].config.index: must be below the tensor's 1 elements, got 1")]
    [InlineData("vad-probability", """{ "threshold": 2 }""", "app.nodes[0].config.threshold: must be between 0 and 1, got 2")]
    [InlineData("mlsd-segments", """{ "input_size": 321 }""", "app.nodes[0].config.input_size: must be even (the grid is half the input), got 321")]
    [InlineData("mlsd-segments", """{ "fit": "crop" }""", "app.nodes[0].config.fit: must be one of stretch, letterbox, got 'crop'")]
    [InlineData("imu-tensor", """{ "temperature": 1 }""", "app.nodes[0].config.temperature: expected true or false, got 1")]
    public void BadSettingsAreOneProblemNamingTheField(string type, string config, string problem)
    {
        using var kit = new ComponentKit();
        Assert.Equal(problem, kit.NodeProblem(type, config));
    }

    [Fact]
    public void ModelOutputsThatDoNotFitTheDecoderAreRefusedWhenTheGraphIsBuilt()
    {
        using var kit = new ComponentKit();
        kit.Registry.Register("model", (name, c, _) => new TensorSource(name, c.Integers("shape", 1, 4096)));
        string[] p = kit.Problems("""
            { "nodes": [ { "name": "m", "type": "model", "config": { "shape": [1, 128, 128, 1] } },
                { "name": "d", "type": "mlsd-segments", "config": { "input_size": 320 } } ],
              "connections": [ { "from": "m.t", "to": "d.scores" }, { "from": "m.t", "to": "d.offsets" } ] }
            """);
        Assert.Equal(2, p.Length);
        Assert.Contains("tensor float32 [1,128,128,1] cannot flow into tensor float32 [1,160,160,1]", p[0]);
        Assert.Contains("cannot flow into tensor float32 [1,160,160,4]", p[1]);
    }

    [Fact]
    public void VadProbabilityPassesAProbabilityAndClampsWhatIsNot()
    {
        var src = new TensorSource("m", 1, 1);
        var vad = new VadProbability("vad", [1, 1]);
        Wire(src, vad, ("m.t", "vad.tensor"));
        float[] given = [0.2f, 0.9f, float.NaN, 7f, -1f];
        float[] want = [0.2f, 0.9f, 0f, 1f, 0f];
        for (int i = 0; i < given.Length; i++)
        {
            src.Tensor.Payload.Floats[0] = given[i];
            vad.Process();
            Assert.Equal(want[i], vad.Probability.Payload.Value);
        }
        var r = new NodeReport();
        vad.Report(r);
        Assert.Equal(3, r.Figures["invalid_values"]);
        Assert.Equal(2, r.Figures["speech_chunks"]);
        Assert.Equal(0, ThreadAllocations.Least(vad.Process));
    }

    [Fact]
    public void MlsdSegmentsDecodesAPlantedSegmentIntoImagePixels()
    {
        // A 4-cell grid (input 8): one centre at cell (1, 2) with offsets to (-1, 0) and (+1, 0) cells.
        var scores = new TensorSource("s", 1, 4, 4, 1);
        var offsets = new TensorSource("o", 1, 4, 4, 4);
        var d = new MlsdSegments("d", 8, 80, 40, letterbox: false, scoreThreshold: 0.5f, minLengthPx: 1);
        Wire([scores, offsets, d], ("s.t", "d.scores"), ("o.t", "d.offsets"));
        int cell = 2 * 4 + 1;
        scores.Tensor.Payload.Floats[cell] = 0.9f;
        scores.Tensor.Payload.Floats[0] = 0.3f; // below the threshold
        Span<float> o = offsets.Tensor.Payload.Floats.Slice(cell * 4, 4);
        o[0] = -1; o[1] = 0; o[2] = 1; o[3] = 0;
        d.Process();
        LineSegments s = d.Segments.Payload.Value;
        Assert.Equal(1, s.Count);
        // Cell size 2 model px; model 8×8 stretched over 80×40: x ×10, y ×5. Start (1-1)·2 = 0, end (1+1)·2 = 4 → 40; y 2·2 = 4 → 20.
        Assert.Equal(0f, s.Segments[0].X1, 3);
        Assert.Equal(40f, s.Segments[0].X2, 3);
        Assert.Equal(20f, s.Segments[0].Y1, 3);
        Assert.Equal(0.9f, s.Segments[0].Score);
        Assert.Equal(80, s.FrameWidth);
        Assert.Equal(0, ThreadAllocations.Least(d.Process));
    }

    [Fact]
    public void ImuTensorIsTheSampleScaledWithTheTemperatureWhenAsked()
    {
        var t = new ImuTensor("t", temperature: true, accelScale: 9.81f, gyroScale: 0.5f);
        var src = new ImuSourceStub("imu");
        Wire(src, t, ("imu.imu", "t.imu"));
        src.Imu.Payload.Sample = new Realtime.Core.Sensors.ImuSample { AccelX = 1, AccelY = 2, AccelZ = 3, GyroX = 4, GyroY = 6, GyroZ = 8, TemperatureC = 25 };
        t.Process();
        Assert.Equal([9.81f, 19.62f, 29.43f, 2f, 3f, 4f, 25f], t.Tensor.Payload.Floats.ToArray());
        Assert.Equal([1, 7], t.Tensor.Payload.Type.Shape.ToArray());
        Assert.Equal(0, ThreadAllocations.Least(t.Process));
    }

    private sealed class ImuSourceStub : SourceNode
    {
        public ImuSourceStub(string name) : base(name) => Imu = Output("imu", new ImuPayload());
        public OutputPort<ImuPayload> Imu { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }
}
