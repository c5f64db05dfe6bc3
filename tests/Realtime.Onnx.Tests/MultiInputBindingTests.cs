using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

/// <summary>Silero VAD: three inputs of two element types, and a recurrent state carried from run to run.</summary>
public sealed class MultiInputBindingTests
{
    private static string Silero => TestAssets.Get("models/silero_vad.onnx");

    private static OnnxInferenceEngine LoadSilero(bool carry = true) => OnnxInferenceEngine.Load(Silero, new OnnxBinding
    {
        PrimaryInput = "input",
        Shapes = new Dictionary<string, long[]> { ["input"] = new long[] { 1, 576 }, ["state"] = new long[] { 2, 1, 128 } },
        Scalars = new Dictionary<string, double> { ["sr"] = 16000 },
        Carried = carry ? new[] { new CarriedTensor("stateN", "state") } : null,
    });

    private static void FillTone(Span<float> input, int offset)
    {
        for (int i = 0; i < input.Length; i++) input[i] = 0.3f * MathF.Sin((offset + i) * 0.12f) * MathF.Sin((offset + i) * 0.004f);
    }

    [Fact]
    public void BindsEveryInputByNameWithItsOwnElementType()
    {
        using var engine = LoadSilero();
        Assert.Equal(new[] { "input", "state", "sr" }, engine.InputNames);
        Assert.Equal("input", engine.InputName);
        Assert.Equal(576, engine.Input.Length);
        Assert.Equal(256, engine.InputBuffer("state").Length);
        Assert.Equal(16000, Assert.Single(engine.Int64Input("sr").ToArray()));
        Assert.Equal(1, engine.CarriedCount);
        Assert.Equal(new long[] { 1, 1 }, engine.OutputShapes[engine.OutputIndex("output")]);
        Assert.Equal(256, engine.Output(engine.OutputIndex("stateN")).Length);
        var wrongType = Assert.Throws<ArgumentException>(() => engine.Int64Input("state"));
        Assert.Contains("'state' is Float", wrongType.Message);
        var missing = Assert.Throws<ArgumentException>(() => engine.InputBuffer("audio"));
        Assert.Contains(Silero, missing.Message);
        Assert.Contains("no input 'audio'", missing.Message);
    }

    [Fact]
    public void TheStateIsCarriedIntoTheNextRunAndResetToZeros()
    {
        using var engine = LoadSilero();
        FillTone(engine.Input, 0);
        engine.Run();
        float[] stateAfterOne = engine.InputBuffer("state").ToArray();
        Assert.Equal(engine.Output(engine.OutputIndex("stateN")).ToArray(), stateAfterOne);
        Assert.Contains(stateAfterOne, v => v != 0);
        float first = engine.Output(0)[0];
        engine.Run();
        Assert.NotEqual(stateAfterOne, engine.InputBuffer("state").ToArray());

        engine.ResetCarriedState();
        Assert.All(engine.InputBuffer("state").ToArray(), v => Assert.Equal(0f, v));
        engine.Run();
        // From zeros again, the same input gives the same probability as the first run.
        Assert.Equal(first, engine.Output(0)[0]);
    }

    [Fact]
    public void WithoutCarryingTheStateInputStaysAsWritten()
    {
        using var engine = LoadSilero(carry: false);
        FillTone(engine.Input, 0);
        engine.Run();
        Assert.All(engine.InputBuffer("state").ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CarryingAndRunningAllocateNothing()
    {
        using var engine = LoadSilero();
        int i = 0;
        void Step()
        {
            FillTone(engine.Input, i * 512);
            engine.Run();
            if (i++ % 100 == 0) engine.ResetCarriedState();
        }
        Step();
        int gc0 = GC.CollectionCount(0);
        Assert.Equal(0, ThreadAllocations.Least(Step, n: 1000, warm: 5));
        Assert.Equal(gc0, GC.CollectionCount(0));
    }

    [Theory]
    [InlineData("stateN", "sr", "cannot carry into input 'sr'")]
    [InlineData("next", "state", "output 'next', which the model lacks")]
    [InlineData("stateN", "hidden", "input 'hidden', which the model lacks")]
    public void ABadCarriedPairNamesTheFileAndTheTensor(string output, string input, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxInferenceEngine.Load(Silero, new OnnxBinding
        {
            Shapes = new Dictionary<string, long[]> { ["input"] = new long[] { 1, 512 }, ["state"] = new long[] { 2, 1, 128 } },
            Scalars = new Dictionary<string, double> { ["sr"] = 16000 },
            Carried = new[] { new CarriedTensor(output, input) },
        }));
        Assert.Contains(Silero, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ADynamicInputWithoutAShapeNamesTheTensorAndTheShapeToGive()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxInferenceEngine.Load(Silero, new OnnxBinding()));
        Assert.Contains(Silero, ex.Message);
        Assert.Contains("input 'input'", ex.Message);
        Assert.Contains("give its shape (input=1xN)", ex.Message);
        Assert.Equal("input=1xN", ex.Data[OnnxInferenceEngine.ShapeHintKey]);
    }

    [Fact]
    public void AShapeForAnInputTheModelLacksIsNamed()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxInferenceEngine.Load(Silero, new OnnxBinding
        {
            Shapes = new Dictionary<string, long[]> { ["input"] = new long[] { 1, 512 }, ["state"] = new long[] { 2, 1, 128 }, ["audio"] = new long[] { 1 } },
        }));
        Assert.Contains("'audio', which is not an input", ex.Message);
    }
}
