using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Hosting;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// A profile's app graph built by the host from its built-in components and run by its loop: the
/// real video, the real preprocessing, the real models, each run once per period, zero copy into
/// the model's input and 0 bytes per counted frame.
/// </summary>
public sealed class GraphApplicationTests
{
    private const int Frames = 40, Warmup = 4;

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static GraphApplicationInstance Build(string profilePath, RealtimeHost? host = null)
    {
        host ??= new RealtimeHost("test").AddDemos();
        var (profile, source) = ProfileCatalog.Load(profilePath);
        var app = host.ApplicationFor(profile, source);
        Assert.IsType<GraphApplication>(app);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream },
        });
    }

    [Fact]
    public void TheHostRegistersEveryBuiltInComponentThisIssueAdds()
    {
        var host = new RealtimeHost("test").AddDemos();
        foreach (string type in new[] { "sim-video", "image-preprocess", "onnx-model", "ssd-decoder", "threshold", "gpio-relay" })
            Assert.True(host.Components.Contains(type), $"{type} is not registered");
    }

    [Fact]
    public void FacePresenceRunsTheModelOncePerPeriodWithoutAllocating()
    {
        using var app = Build(Sample("face-presence.json"));
        var model = Assert.Single(app.Models);
        Assert.Equal("blazeface", model.Name);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Assert.Equal(Frames + Warmup, model.Engine.Runs);
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);
        Assert.Equal(0, app.Loop.CountedGcCollections);
        var nodes = app.Graph.Reports();
        // The sim video shows a face: the decoder finds it and the threshold closes the relay.
        Assert.True(nodes["faces"].Figures["frames_with_detections"] > Frames / 2, "the decoder found no face in most frames of the sim video");
        Assert.True(nodes["presence"].Figures["switches"] >= 1);
        Assert.True(nodes["relay"].Figures["switches"] >= nodes["presence"].Figures["switches"]);
    }

    [Fact]
    public unsafe void ThePreprocessorWritesStraightIntoTheModelsBoundInput()
    {
        using var app = Build(Sample("face-presence.json"));
        var pre = Assert.IsType<ImagePreprocessNode>(app.Graph.Find("pre"));
        var model = Assert.IsType<OnnxModelNode>(app.Graph.Find("blazeface"));
        void* written = Unsafe.AsPointer(ref MemoryMarshal.GetReference(pre.Tensor.Payload.Bytes));
        void* read = Unsafe.AsPointer(ref MemoryMarshal.GetReference(model.Engine.InputBytes(0)));
        Assert.True(written == read, "the model reads a copy, not the preprocessor's tensor");
    }

    [Fact]
    public void TwoModelsInOneLoopEachRunOncePerPeriod()
    {
        using var app = Build(Sample("face-and-lines.json"));
        Assert.Equal(2, app.Models.Count);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        foreach (var m in app.Models) Assert.Equal(Frames + Warmup, m.Engine.Runs);
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);
    }

    [Fact]
    public void ADecoderThatDoesNotFitTheModelsOutputsIsAProfileProblemNamingItsField()
    {
        string text = File.ReadAllText(Sample("face-presence.json"))
            .Replace("\"blazeface.Identity_2_0\"", "\"blazeface.Identity_1_0\"", StringComparison.Ordinal)
            .Replace("\"../../boards/profile.schema.json\"", "\"x\"", StringComparison.Ordinal);
        string dir = Directory.CreateTempSubdirectory("graphapp-").FullName;
        try
        {
            string path = Path.Combine(dir, "misfit.json");
            File.WriteAllText(path, text);
            var ex = Assert.Throws<ProfileException>(() => Build(path));
            Assert.Contains("app.nodes[3].config", ex.Message);
            Assert.Contains("do not fit this decoder", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
