using System;
using System.IO;
using Realtime.Bench.Batching;
using Realtime.Bench.Quantization;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Onnx;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// An <c>onnx-model</c> with <c>batch: 2</c> (samples/profiles/face-batch2.json): two sim cameras'
/// preprocessed frames in one ONNX Runtime run per period, each stream's outputs its slice, 0 B per
/// counted frame; a batch the model cannot take is a profile problem naming <c>batch</c> and the shape.
/// </summary>
[Collection(LoopCountersCollection.Name)]
public sealed class BatchedModelTests : IDisposable
{
    private const int Frames = 30, Warmup = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("rtapp-batched-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The sample profile with its model path replaced by <paramref name="model"/> (and the batch by <paramref name="batch"/>).</summary>
    private string Profile(string model, int batch = 2)
    {
        string text = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "face-batch2.json"))
            .Replace("models/face_detection_front_128x128_barracuda.batch2.onnx", model, StringComparison.Ordinal)
            .Replace("\"batch\": 2", $"\"batch\": {batch}", StringComparison.Ordinal)
            .Replace("\"../../boards/profile.schema.json\"", "\"x\"", StringComparison.Ordinal);
        string path = Path.Combine(_dir, "face-batch.json");
        File.WriteAllText(path, text);
        return path;
    }

    private string Batch2Model()
    {
        var rewritten = ModelBatcher.Rewrite(OnnxModelFile.Read(TestAssets.BlazeFace128), TestAssets.BlazeFace128, 2);
        string path = Path.Combine(_dir, "blazeface.b2.onnx");
        OnnxModelFile.Write(rewritten.Model, path);
        return path;
    }

    private static GraphApplicationInstance Build(string profilePath)
    {
        var host = new RealtimeHost("test").AddDemos();
        var (profile, source) = ProfileCatalog.Load(profilePath);
        var app = host.ApplicationFor(profile, source);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream },
        });
    }

    [Fact]
    public void TwoStreamsRunInOneCallPerPeriodEachReadingItsSliceAtZeroBytesPerFrame()
    {
        using var app = Build(Profile(Batch2Model()));
        var model = Assert.IsType<OnnxModelNode>(app.Graph.Find("blazeface"));
        Assert.Equal(2, model.Batch);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        // One run per period for both streams.
        Assert.Equal(Frames + Warmup, model.Engine.Runs);
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);

        // Each stream's output is what the batch-1 model gives on that stream's last preprocessed frame.
        using var single = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
        int distinct = 0;
        for (int s = 0; s < 2; s++)
        {
            var pre = (TensorPayload)app.Graph.Find($"pre{s}")!.FindOutput("tensor")!.Untyped;
            pre.Bytes.CopyTo(single.InputBytes(0));
            single.Run();
            for (int o = 0; o < single.OutputNames.Count; o++)
            {
                string port = OnnxModelNode.StreamPort(OnnxModelNode.PortName(single.OutputNames[o]), s, 2);
                var slice = ((TensorPayload)model.FindOutput(port)!.Untyped).Floats;
                ReadOnlySpan<float> alone = single.Output(o);
                Assert.Equal(alone.Length, slice.Length);
                double max = 0, scale = 0;
                for (int i = 0; i < alone.Length; i++)
                {
                    max = Math.Max(max, Math.Abs(alone[i] - slice[i]));
                    scale = Math.Max(scale, Math.Abs(alone[i]));
                }
                Assert.True(max <= BatchVerifier.RelativeTolerance * Math.Max(1, scale), $"stream {s} output {port}: off by {max}");
            }
            var other = (TensorPayload)app.Graph.Find($"pre{1 - s}")!.FindOutput("tensor")!.Untyped;
            if (!pre.Bytes.SequenceEqual(other.Bytes)) distinct++;
        }
        Assert.Equal(2, distinct);
    }

    [Fact]
    public void ABatchTheModelCannotTakeIsAProfileProblemNamingTheFieldAndTheShape()
    {
        // The published BlazeFace is fixed at a batch of 1.
        var ex = Assert.Throws<ProfileException>(() => Build(Profile(TestAssets.BlazeFace128)));
        Assert.Contains("app.nodes[4].config.batch", ex.Message);
        Assert.Contains("input 'input:0' has shape [1,128,128,3]: its first (batch) dimension cannot take a batch of 2", ex.Message);
        // A batch-2 variant cannot take 4 either.
        ex = Assert.Throws<ProfileException>(() => Build(Profile(Batch2Model(), batch: 4)));
        Assert.Contains("has shape [2,128,128,3]: its first (batch) dimension cannot take a batch of 4", ex.Message);
    }

    [Theory]
    [InlineData("\"state\": { \"Identity:0\": \"input:0\" }", "a batched model cannot carry a recurrent state")]
    [InlineData("\"ladder\": { }", "a batched model has one model for its streams")]
    public void ABatchWithAStateOrALadderIsRefusedNamingBatch(string extra, string message)
    {
        string path = Profile(Batch2Model());
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"batch\": 2", "\"batch\": 2, " + extra, StringComparison.Ordinal));
        var ex = Assert.Throws<ProfileException>(() => Build(path));
        Assert.Contains($"app.nodes[4].config.batch: {message}", ex.Message);
    }
}
