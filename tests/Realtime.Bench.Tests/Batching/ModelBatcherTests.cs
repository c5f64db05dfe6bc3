using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Bench.Batching;
using Realtime.Bench.Quantization;
using Realtime.Core.Imaging;
using Realtime.Onnx;
using Realtime.Tests;
using Realtime.Vision;

namespace Realtime.Bench.Tests.Batching;

/// <summary>
/// Fixed-batch variants of the real models: BlazeFace-128 and M-LSD tiny rewritten for batches of 2
/// and 4 give, slice by slice, what the batch-1 model gives on the same real, different frames; a
/// model whose first dimension is no batch of 1 is refused naming the tensor and its shape.
/// </summary>
public sealed class ModelBatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rtapp-batch-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static string Mlsd => TestAssets.Get("models/mlsd_320x320_tiny.onnx");

    /// <summary><paramref name="count"/> video frames 7 apart (so they differ), stretched into an NHWC tensor of <paramref name="size"/>² and <paramref name="channels"/>.</summary>
    private static unsafe List<float[]> Frames(int count, int size, int channels)
    {
        using var video = new VideoFileReader(TestAssets.Megamind);
        var pre = new LetterboxPreprocessor(video.Width, video.Height, size, size, channels: channels, keepAspect: channels == 3);
        var tensors = new List<float[]>();
        for (int f = 0; tensors.Count < count; f++)
        {
            Assert.True(video.HasFrame, $"frame {f} decodes");
            if (f % 7 == 0)
            {
                var tensor = new float[size * size * channels];
                int stride = (int)video.Frame.Step();
                pre.Process(new ReadOnlySpan<byte>((byte*)video.Frame.Data, stride * video.Height), stride, tensor);
                tensors.Add(tensor);
            }
            video.Advance();
        }
        for (int k = 1; k < count; k++) Assert.False(tensors[k].AsSpan().SequenceEqual(tensors[k - 1]), $"frames {k - 1} and {k} differ");
        return tensors;
    }

    private string Batched(string model, int batch, out BatchedModel rewritten)
    {
        rewritten = ModelBatcher.Rewrite(OnnxModelFile.Read(model), model, batch);
        string path = Path.Combine(_dir, $"{Path.GetFileNameWithoutExtension(model)}.b{batch}.onnx");
        OnnxModelFile.Write(rewritten.Model, path);
        return path;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void BlazeFaceAtAFixedBatchEqualsTheBatch1ModelOnEachStreamsFrame(int batch)
    {
        string path = Batched(TestAssets.BlazeFace128, batch, out var rewritten);
        Assert.Equal(1, rewritten.Inputs);
        Assert.Equal(4, rewritten.Outputs);
        // Its four output Reshapes ([1,512,16] ...) and the zero padding of its channels (ConstantOfShape [1,C,H,W]).
        Assert.Equal(4, rewritten.Reshapes);
        Assert.True(rewritten.Filled > 0, "BlazeFace pads channels with ConstantOfShape");
        using var single = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
        using var batched = OnnxInferenceEngine.Load(path, new OnnxBinding { Batch = batch });
        Assert.Equal(new long[] { batch, 128, 128, 3 }, batched.InputShapes[0]);
        foreach (long[] shape in batched.OutputShapes) Assert.Equal(batch, shape[0]);

        var checks = BatchVerifier.Verify(single, batched, Frames(batch, 128, 3));
        Assert.Equal(4, checks.Count);
        foreach (var c in checks)
        {
            Assert.True(c.Equal, $"{c.Output}: off by {c.MaxDifference} at scale {c.Scale}");
            Assert.True(c.Scale > 0, $"{c.Output} is not all zeros");
        }
    }

    [Fact]
    public void MlsdTinyAtABatchOfTwoEqualsTheBatch1Model()
    {
        string path = Batched(Mlsd, 2, out _);
        using var single = OnnxInferenceEngine.Load(Mlsd, new OnnxBinding());
        using var batched = OnnxInferenceEngine.Load(path, new OnnxBinding { Batch = 2 });
        Assert.Equal(new long[] { 2, 320, 320, 4 }, batched.InputShapes[0]);
        foreach (var c in BatchVerifier.Verify(single, batched, Frames(2, 320, 4)))
            Assert.True(c.Equal, $"{c.Output}: off by {c.MaxDifference} at scale {c.Scale}");
    }

    [Fact]
    public void AVariantThatDiffersFromTheBatch1ModelIsCaughtNamingTheOutput()
    {
        // The check can fail: a batch-2 variant whose weights were changed (every float weight 10 % larger) is not the model.
        var rewritten = ModelBatcher.Rewrite(OnnxModelFile.Read(TestAssets.BlazeFace128), TestAssets.BlazeFace128, 2);
        int changed = 0;
        foreach (var t in rewritten.Model.Graph.Initializer)
            if (t.DataType == (int)global::Onnx.TensorProto.Types.DataType.Float && t.RawData.Length > 0)
            {
                float[] w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
                for (int i = 0; i < w.Length; i++) w[i] *= 1.1f;
                t.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()));
                changed++;
            }
        Assert.True(changed > 0, "the model has float weights");
        string path = Path.Combine(_dir, "changed.b2.onnx");
        OnnxModelFile.Write(rewritten.Model, path);
        using var single = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
        using var batched = OnnxInferenceEngine.Load(path, new OnnxBinding { Batch = 2 });
        var checks = BatchVerifier.Verify(single, batched, Frames(2, 128, 3));
        Assert.Contains(checks, c => !c.Equal && c.MaxDifference > BatchVerifier.RelativeTolerance * Math.Max(1, c.Scale));
    }

    [Fact]
    public void AModelWithoutABatchOfOneIsRefusedNamingTheInputAndItsShape()
    {
        string b2 = Batched(TestAssets.BlazeFace128, 2, out _);
        var ex = Assert.Throws<InvalidDataException>(() => ModelBatcher.Rewrite(OnnxModelFile.Read(b2), b2, 4));
        Assert.Equal($"{b2}: input 'input:0' has shape [2,128,128,3]: its first dimension is 2, not a batch of 1", ex.Message);
    }
}
