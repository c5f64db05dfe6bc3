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
[Collection(LoopCountersCollection.Name)]
public sealed class GraphApplicationTests
{
    private const int Frames = 40, Warmup = 4;

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static GraphApplicationInstance Build(string profilePath, RealtimeHost? host = null, RunOverrides? overrides = null)
    {
        host ??= new RealtimeHost("test").AddDemos();
        var (profile, source) = ProfileCatalog.Load(profilePath);
        var app = host.ApplicationFor(profile, source);
        Assert.IsType<GraphApplication>(app);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = overrides ?? new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream },
        });
    }

    [Fact]
    public void TheSinksAreSafeAndAnnouncedBeforeTheModelLoads()
    {
        var startup = new Realtime.Core.Reporting.StartupTimeline();
        string[]? announced = null;
        long loadedAtAnnounce = -1;
        using var app = Build(Sample("face-pan-tilt.json"), overrides: new RunOverrides
        {
            Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream, Startup = startup,
            OutputsSafe = outputs =>
            {
                var sinks = Assert.IsType<GraphSinks>(outputs);
                announced = new string[sinks.Sinks.Length];
                for (int i = 0; i < announced.Length; i++) announced[i] = sinks.Sinks[i].Name;
                loadedAtAnnounce = startup.TimeOf(Realtime.Core.Reporting.StartupTimeline.ModelLoaded);
            },
        });
        Assert.Equal(new[] { "pan", "tilt" }, announced);
        // Nothing had loaded when the outputs were announced safe.
        Assert.Equal(0, loadedAtAnnounce);
        long safe = startup.TimeOf(Realtime.Core.Reporting.StartupTimeline.OutputsSafe);
        long loaded = startup.TimeOf(Realtime.Core.Reporting.StartupTimeline.ModelLoaded);
        Assert.True(safe > 0 && safe < loaded, $"outputs safe at {safe}, model loaded at {loaded}");
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
    }

    [Fact]
    public void TheFloorRunsEveryModelOfTheGraphAloneAfterEachFrame()
    {
        using var app = Build(Sample("face-and-lines.json"), overrides: new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = true });
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        // Once in the loop and once alone, per frame, each model.
        foreach (var m in app.Models) Assert.Equal(2 * (Frames + Warmup), m.Engine.Runs);
        var records = app.Loop.Records;
        for (int i = 0; i < records.Length; i++) Assert.True(records[i].FloorNs > 0, $"frame {i} has no floor");
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);
    }

    [Fact]
    public void EveryModelNodeHonoursTheHostsProfilerAndSavedOptimizedModel()
    {
        // rtapp profile and --optimized-model on a graph: each model node's session gets the host's choices.
        string dir = Path.Combine(Path.GetTempPath(), "rtapp-graph-session-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var app = Build(Sample("face-and-lines.json"), overrides: new RunOverrides
            {
                Frames = 2, WarmupFrames = 0, Scenario = LoopScenario.SingleStream,
                ProfilePathPrefix = Path.Combine(dir, "trace"), OptimizedModelCacheDir = Path.Combine(dir, "cache"),
            }))
            {
                Assert.Equal(2, app.Models.Count);
                Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
                foreach (var m in app.Models)
                {
                    Assert.StartsWith(Path.Combine(dir, "cache"), m.Engine.LoadedFrom, StringComparison.Ordinal);
                    // One trace per model node, named after it.
                    string trace = m.Engine.EndProfiling();
                    Assert.StartsWith(Path.Combine(dir, "trace-" + m.Name), trace, StringComparison.Ordinal);
                    Assert.True(File.Exists(trace), trace);
                }
            }
            // Without them, neither.
            using var plain = Build(Sample("face-presence.json"));
            Assert.Equal(plain.Models[0].Path, plain.Models[0].Engine.LoadedFrom);
            Assert.Throws<InvalidOperationException>(() => plain.Models[0].Engine.EndProfiling());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SafeOutputsOfAGraphAreItsSinksAloneAndNeedNoAsset()
    {
        var host = new RealtimeHost("test").AddDemos();
        var (profile, source) = ProfileCatalog.Load(Sample("face-pan-tilt.json"));
        var app = host.ApplicationFor(profile, source);
        using var outputs = Assert.IsType<GraphSinks>(app.OpenSafeOutputs(new ApplicationContext(profile, source) { AssetsDirectory = "/nonexistent" }));
        Assert.Equal(2, outputs.Sinks.Length);
        outputs.ApplySafeState();
        Assert.Equal(new[] { "pwm[0] 'pan' at 0 deg (duty 0.0750, 1500 µs at 50 Hz)" }, outputs.Sinks[0].DescribeOutputs());
        Assert.Equal(new[] { "pwm[1] 'tilt' at 0 deg (duty 0.0750, 1500 µs at 50 Hz)" }, outputs.Sinks[1].DescribeOutputs());
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

/// <summary>Tests that count the process's GC collections: alone, after the others (another test's garbage would be counted).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoopCountersCollection
{
    public const string Name = "loop counters";
}
