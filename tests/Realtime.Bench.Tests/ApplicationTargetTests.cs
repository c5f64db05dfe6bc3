using System.IO;
using Realtime.Core.Profiles;
using Realtime.Hosting;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>
/// The one bench lane type over a profile's graph application: the model it measures chosen by
/// node name, overrides addressing nodes by name, the floor attached as an instrument.
/// </summary>
public sealed class ApplicationTargetTests
{
    [Fact]
    public void AGraphOfTwoModelsNeedsTheModelNamedAndNamesItsModels()
    {
        string profile = BenchPipelines.Sample("face-and-lines.json");
        var ex = Assert.Throws<UsageException>(() => BenchPipelines.Application(profile, BenchScenario.SingleStream, 4, 0));
        Assert.Equal("application 'face-and-lines' runs 2 models (blazeface, mlsd): name the one to measure", ex.Message);
        ex = Assert.Throws<UsageException>(() => BenchPipelines.Application(profile, BenchScenario.SingleStream, 4, 0, "faces"));
        Assert.Equal("application 'face-and-lines' has no model node named 'faces' (models: blazeface, mlsd)", ex.Message);
        using var target = BenchPipelines.Application(profile, BenchScenario.SingleStream, 4, 0, "mlsd");
        Assert.Equal("mlsd", target.Model.Name);
        Assert.EndsWith("mlsd_320x320_tiny.onnx", target.ModelPath);
    }

    [Fact]
    public void TheGraphRunsWithTheFloorOfItsModelAndWithoutAllocating()
    {
        const int frames = 64, warmup = 8;
        using var target = BenchPipelines.Application(BenchPipelines.Sample("face-presence.json"), BenchScenario.SingleStream, frames, warmup);
        Assert.Equal("blazeface", target.Model.Name);
        var run = BenchPipelines.Run(target, BenchScenario.SingleStream);
        Assert.Null(run.Fault);
        Assert.Equal(frames, run.CountedFrames);
        Assert.Equal(0, run.AllocatedBytes);
        // The floor ran the model alone after every frame: twice the runs, a floor figure on every counted record.
        Assert.Equal(2 * (frames + warmup), target.Model.Engine.Runs);
        for (int i = run.WarmupFrames; i < run.Records.Length; i++) Assert.True(run.Records[i].FloorNs > 0, $"frame {i} has no floor");
    }

    [Fact]
    public void AVariantIsTheSameGraphWithItsNodesOverriddenByName()
    {
        using var target = BenchPipelines.Application(BenchPipelines.Sample("face-presence.json"), BenchScenario.SingleStream, 16, 2, null, new[]
        {
            "app.nodes[blazeface].config.path=models/face_detection_back_256x256_barracuda.onnx",
            "app.nodes[pre].config.width=256", "app.nodes[pre].config.height=256", "app.nodes[faces].config.input_size=256",
        });
        Assert.EndsWith("face_detection_back_256x256_barracuda.onnx", target.ModelPath);
        var run = BenchPipelines.Run(target, BenchScenario.SingleStream);
        Assert.Null(run.Fault);
        Assert.Equal(16, run.CountedFrames);
    }

    [Fact]
    public void AnOverrideOfANodeNoProfileHasNamesTheNodes()
    {
        var ex = Assert.Throws<ProfileException>(() => BenchPipelines.Application(BenchPipelines.Sample("face-presence.json"), BenchScenario.SingleStream, 4, 0, null,
            new[] { "app.nodes[model].config.path=models/x.onnx" }));
        Assert.Equal("--set app.nodes[model].config.path: app.nodes has no entry named 'model' (names: camera, pre, blazeface, faces, presence, relay)", Assert.Single(ex.Problems));
    }
}
