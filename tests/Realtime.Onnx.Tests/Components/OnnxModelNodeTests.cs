using System;
using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Onnx.Tests.Components;

/// <summary>The model node declares the model's own inputs and outputs as ports, named and typed from the model.</summary>
public sealed class OnnxModelNodeTests
{
    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement, "app.nodes[2].config");

    [Theory]
    [InlineData("Identity_1:0", "Identity_1_0")]
    [InlineData("input_image_with_alpha:0", "input_image_with_alpha_0")]
    [InlineData("a.b/c d", "a_b_c_d")]
    [InlineData("plain-name_1", "plain-name_1")]
    public void APortIsTheModelsNameWithEveryOtherCharacterAnUnderscore(string model, string port) =>
        Assert.Equal(port, OnnxModelNode.PortName(model));

    [Fact]
    public void BlazeFacesPortsAreItsInputAndFourOutputsWithTheirTypesAndShapes()
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}} }""");
        var node = OnnxModelNode.Create("blazeface", config, context);
        Assert.Empty(config.Problems);
        var input = Assert.Single(node.Inputs);
        Assert.Equal("input_0", input.Name);
        Assert.Equal("tensor float32 [1,128,128,3]", input.Type.ToString());
        Assert.Equal(new[] { "Identity_0", "Identity_1_0", "Identity_2_0", "Identity_3_0" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(node.Outputs), o => o.Name));
        Assert.Equal("tensor float32 [1,512,1]", node.FindOutput("Identity_0")!.Type.ToString());
        Assert.Equal("tensor float32 [1,384,16]", node.FindOutput("Identity_3_0")!.Type.ToString());
    }

    [Fact]
    public void AFileThatIsNotAModelIsAProblemNamingThePath()
    {
        string fake = Path.Combine(Path.GetTempPath(), $"not-a-model-{Environment.ProcessId}.onnx");
        File.WriteAllText(fake, "not a model");
        try
        {
            using var context = new ComponentContext(new BoardProfile(), "test.json");
            var config = Config($$"""{ "path": {{JsonSerializer.Serialize(fake)}} }""");
            Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("m", config, context));
            string problem = Assert.Single(config.Problems);
            Assert.StartsWith("app.nodes[2].config.path: ", problem);
            Assert.Contains("cannot load the model", problem);
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [Fact]
    public void AHashThatDoesNotMatchIsAProblemNamingSha256()
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}}, "sha256": "{{new string('0', 64)}}" }""");
        Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("m", config, context));
        Assert.StartsWith("app.nodes[2].config.sha256: ", Assert.Single(config.Problems));
    }

    private static string Silero => TestAssets.Get("models/silero_vad.onnx");

    private static string SileroConfig(string extra = "") =>
        $$"""{ "path": {{JsonSerializer.Serialize(Silero)}}, "shapes": { "input": [1, 576], "state": [2, 1, 128] }{{extra}} }""";

    [Fact]
    public void ACarriedStateAndAConstantAreNoPortsTheStateIsCarriedAndResetToZeros()
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config(SileroConfig(""", "state": { "stateN": "state" }, "scalars": { "sr": 16000 }"""));
        var node = OnnxModelNode.Create("vad", config, context);
        Assert.Empty(config.Problems);
        config.CheckUnknown();
        Assert.Empty(config.Problems);
        Assert.Equal("input", Assert.Single(node.Inputs).Name);
        Assert.Equal(new[] { "output", "stateN" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(node.Outputs), o => o.Name));
        Assert.True(node.CarriesState);
        var engine = node.Engine;
        Assert.Equal(16000, Assert.Single(engine.Int64Input("sr").ToArray()));

        // A tone on the node's input port, bound at Start (zero copy), run through the node: the state moves.
        var tone = new Tone("tone");
        var graph = new GraphBuilder().Add(tone).Add(node).Add(new ConstantController("k")).Add(new CountingSink("out"))
            .Connect("tone.tensor", "vad.input").Connect("k.command", "out.command").Build();
        graph.Start();
        node.Process();
        float first = engine.Output(engine.OutputIndex("output"))[0];
        Assert.Equal(engine.Output(engine.OutputIndex("stateN")).ToArray(), engine.InputBuffer("state").ToArray());
        Assert.Contains(engine.InputBuffer("state").ToArray(), v => v != 0);
        node.ResetState();
        Assert.All(engine.InputBuffer("state").ToArray(), v => Assert.Equal(0f, v));
        node.Process();
        Assert.Equal(first, engine.Output(engine.OutputIndex("output"))[0]);
        int i = 0;
        Assert.Equal(0, ThreadAllocations.Least(() => { node.Process(); if (i++ % 50 == 0) node.ResetState(); }, n: 200, warm: 0));
        graph.Stop();
    }

    /// <summary>A fixed tone as Silero's [1, 576] input.</summary>
    private sealed class Tone : SourceNode
    {
        private readonly OutputPort<TensorPayload> _out;

        public Tone(string name) : base(name)
        {
            _out = Output("tensor", new TensorPayload(TensorElement.Float32, new[] { 1, 576 }));
            Span<float> x = _out.Payload.Floats;
            for (int i = 0; i < x.Length; i++) x[i] = 0.3f * MathF.Sin(i * 0.12f) * MathF.Sin(i * 0.004f);
        }

        protected override Realtime.Core.Pipeline.CaptureStatus Capture() => Realtime.Core.Pipeline.CaptureStatus.Ok;
    }

    [Fact]
    public void WithoutStateTheStateInputIsAPortOfTheModelsType()
    {
        // Silero cannot run without its sample rate (its output shapes are learnt from a trial run), so sr stays a constant.
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config(SileroConfig(""", "scalars": { "sr": 16000 }"""));
        var node = OnnxModelNode.Create("vad", config, context);
        Assert.Empty(config.Problems);
        Assert.Equal(new[] { "input", "state" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(node.Inputs), i => i.Name));
        Assert.Equal("tensor float32 [2,1,128]", node.FindInput("state")!.Type.ToString());
        Assert.False(node.CarriesState);
    }

    [Theory]
    [InlineData(""", "scalars": { "sr": 16000 }, "state": { "next": "state" }""", "app.nodes[2].config.state: ", "output 'next', which the model lacks (it has: output, stateN)")]
    [InlineData(""", "scalars": { "sr": 16000 }, "state": { "stateN": "hidden" }""", "app.nodes[2].config.state: ", "input 'hidden', which the model lacks (it has: input, state, sr)")]
    [InlineData(""", "scalars": { "sr": 16000 }, "state": { "stateN": "sr" }""", "app.nodes[2].config.state: ", "cannot carry into input 'sr'")]
    [InlineData(""", "scalars": { "sr": 16000 }, "state": { "stateN": 3 }""", "app.nodes[2].config.state.stateN: ", "expected text, got 3")]
    [InlineData(""", "scalars": { "sr": 16000, "rate": 16000 }""", "app.nodes[2].config.scalars.rate: ", "the model has no input 'rate' (it has: input, state, sr)")]
    [InlineData(""", "scalars": { "sr": 0.5 }""", "app.nodes[2].config.scalars: ", "input 'sr' is Int64: its constant must be a whole number")]
    [InlineData(""", "scalars": { "sr": "fast" }""", "app.nodes[2].config.scalars.sr: ", "expected a number, got 'fast'")]
    [InlineData(""", "state": { "stateN": "state" }, "scalars": { "sr": 16000, "state": 1 }""", "app.nodes[2].config.scalars.state: ", "carries the model's state")]
    public void ABadStateOrConstantIsOneProblemNamingTheField(string extra, string field, string expected)
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config(SileroConfig(extra));
        Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("vad", config, context));
        string problem = Assert.Single(config.Problems);
        Assert.StartsWith(field, problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void AConstantOnAFloatInputIsWrittenAsAFloat()
    {
        // Silero's state input is float: a constant there fills every element (typed from the model, not from the JSON).
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config(SileroConfig(""", "scalars": { "sr": 16000, "state": 0.25 }"""));
        var node = OnnxModelNode.Create("vad", config, context);
        Assert.Empty(config.Problems);
        Assert.All(node.Engine.InputBuffer("state").ToArray(), v => Assert.Equal(0.25f, v));
        Assert.Equal("input", Assert.Single(node.Inputs).Name);
    }

    // The session settings a model node takes (once the top-level model section's): good values load, each mistake is one problem naming its field.
    [Theory]
    [InlineData(""", "graph_optimization": "basic", "memory_pattern": false, "cpu_arena": false""")]
    [InlineData(""", "intra_op_threads": 2, "allow_spinning": true""")]
    public void GoodSessionSettingsLoad(string extra)
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}}{{extra}} }""");
        OnnxModelNode.Create("m", config, context);
        config.CheckUnknown();
        Assert.Empty(config.Problems);
    }

    [Theory]
    [InlineData(""", "graph_optimization": "fast" """, "app.nodes[2].config.graph_optimization: ")]
    [InlineData(""", "graph_optimization": "ALL" """, "app.nodes[2].config.graph_optimization: ")]
    [InlineData(""", "graph_optimization": 3""", "app.nodes[2].config.graph_optimization: ")]
    [InlineData(""", "allow_spinning": true""", "app.nodes[2].config.allow_spinning: needs intra_op_threads above 1")]
    [InlineData(""", "allow_spinning": "yes" """, "app.nodes[2].config.allow_spinning: ")]
    [InlineData(""", "memory_pattern": 1""", "app.nodes[2].config.memory_pattern: ")]
    [InlineData(""", "cpu_arena": "off" """, "app.nodes[2].config.cpu_arena: ")]
    [InlineData(""", "intra_op_threads": 0""", "app.nodes[2].config.intra_op_threads: ")]
    public void EachSessionSettingMistakeIsOneProblemNamingItsField(string extra, string problem)
    {
        using var context = new ComponentContext(new BoardProfile(), "test.json");
        var config = Config($$"""{ "path": {{JsonSerializer.Serialize(TestAssets.BlazeFace128)}}{{extra}} }""");
        Assert.Throws<ArgumentException>(() => OnnxModelNode.Create("m", config, context));
        Assert.StartsWith(problem, Assert.Single(config.Problems), StringComparison.Ordinal);
    }
}
