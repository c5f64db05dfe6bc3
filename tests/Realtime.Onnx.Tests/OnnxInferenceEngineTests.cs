using System;
using System.IO;
using System.Threading;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

public sealed class OnnxInferenceEngineTests
{
    private static readonly long[] BlazeFaceInput = { 1, 128, 128, 3 };

    [Fact]
    public void BindsBlazeFaceInputAndEveryOutputFromTheModelsMetadata()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", BlazeFaceInput);
        Assert.Equal(BlazeFaceInput, engine.InputShape);
        Assert.Equal(128 * 128 * 3, engine.Input.Length);
        Assert.Equal(new[] { "Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0" }, engine.OutputNames);
        Assert.Equal(new long[] { 1, 512, 1 }, engine.OutputShapes[engine.OutputIndex("Identity:0")]);
        Assert.Equal(new long[] { 1, 384, 16 }, engine.OutputShapes[engine.OutputIndex("Identity_3:0")]);
        Assert.Equal(384 * 16, engine.Output(engine.OutputIndex("Identity_3:0")).Length);
        Assert.Equal(-1, engine.OutputIndex("nope"));
        Assert.True(engine.ModelLoadMs > 0);
        Assert.Equal(0, engine.FirstInferenceMs);
        engine.Run();
        Assert.True(engine.FirstInferenceMs > 0);
    }

    [Fact]
    public void RunWithBindingAllocatesNothingAfterTheFirstRun()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", BlazeFaceInput);
        engine.Input.Fill(0.25f);
        Assert.Equal(0, ThreadAllocations.Least(engine.Run, n: 200, warm: 2));
    }

    [Fact]
    public void OutputsChangeWithTheBoundInputInPlace()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", BlazeFaceInput);
        engine.Input.Fill(-1f);
        engine.Run();
        float[] dark = engine.Output(0).ToArray();
        engine.Input.Fill(1f);
        engine.Run();
        Assert.NotEqual(dark, engine.Output(0).ToArray());
    }

    [Fact]
    public void AnInputShapeThatDoesNotFitTheProfileNamesFileTensorAndBothShapes()
    {
        var ex = Assert.Throws<ModelShapeException>(() => OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 256, 256, 3 }));
        Assert.Contains(TestAssets.BlazeFace128, ex.Message);
        Assert.Contains("'input:0'", ex.Message);
        Assert.Contains("[1,128,128,3]", ex.Message);
        Assert.Contains("[1,256,256,3]", ex.Message);
    }

    [Fact]
    public void AnUnknownInputNameListsTheInputsTheModelHas()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "image", null));
        Assert.Contains("no input 'image'", ex.Message);
        Assert.Contains("input:0", ex.Message);
    }

    [Fact]
    public void AMissingModelIsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rt-missing-{Guid.NewGuid():N}.onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => OnnxInferenceEngine.Load(path, "input:0", null));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void ATruncatedModelIsRefusedByHashAndByOnnxRuntime()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rt-truncated-{Guid.NewGuid():N}.onnx");
        byte[] bytes = File.ReadAllBytes(TestAssets.BlazeFace128);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        try
        {
            string? mismatch = ModelFile.Mismatch(path, ModelFile.Sha256(TestAssets.BlazeFace128));
            Assert.NotNull(mismatch);
            Assert.Contains(path, mismatch);
            Assert.Contains("truncated", mismatch);
            var ex = Assert.Throws<InvalidDataException>(() => OnnxInferenceEngine.Load(path, "input:0", null));
            Assert.Contains(path, ex.Message);
            Assert.Contains("cannot load", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ThePinnedHashOfTheFetchedModelMatchesAssetsMd()
    {
        Assert.Null(ModelFile.Mismatch(TestAssets.BlazeFace128, "d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"));
    }
}
