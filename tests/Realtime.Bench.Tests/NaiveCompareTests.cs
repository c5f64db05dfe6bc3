using System;
using System.Threading;
using Realtime.Bench.Naive;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Linux;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>The naive loop beside the optimized one, in the same run: the same computation, and what it costs in memory.</summary>
public sealed class NaiveCompareTests
{
    [Fact]
    public void TheNaiveLoopTracksTooButAllocatesPerFrameWhileTheOptimizedOneAllocatesNothing()
    {
        const int frames = 64, warmup = 4;
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        using var optimized = FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, new ClockNanosleepWaiter(),
            BenchTarget.Overrides(BenchScenario.SingleStream, frames, warmup));
        using var twin = FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, new ClockNanosleepWaiter(),
            BenchTarget.Overrides(BenchScenario.SingleStream, frames, warmup, measureFloor: false));
        using var engine = new NaiveInferenceEngine(twin.ModelPath, twin.Engine, new OnnxSessionSettings());
        var naiveLoop = twin.CreateLoop(engine, new NaivePreprocessor(twin.Preprocessor), measureFloor: false);
        Assert.False(naiveLoop.Options.MeasureFloor);
        Assert.Equal(frames, naiveLoop.Options.Frames);

        BenchRun a = null!, b = null!;
        var t = new Thread(() => (a, b) = new BenchDriver().RunPair(optimized.Loop, naiveLoop), 1 << 20);
        t.Start();
        t.Join();

        Assert.Equal(LoopOutcome.Completed, a.Outcome);
        Assert.Equal(LoopOutcome.Completed, b.Outcome);
        Assert.Equal(frames, a.CountedFrames);
        Assert.Equal(frames, b.CountedFrames);
        Assert.Equal(0, a.AllocatedBytes);
        Assert.Equal(0, a.GcCollections);
        // Per frame at least: the preprocessing array, the tensor's copy of it (128×128×3 floats each) and the outputs' copies.
        long input = 128 * 128 * 3 * sizeof(float);
        long outputs = (512 + 384 + 512 * 16 + 384 * 16) * sizeof(float);
        Assert.True(b.AllocatedBytes >= frames * (2 * input + outputs), $"naive loop allocated {b.AllocatedBytes} bytes over {frames} frames");
        Assert.True(b.Gen2Collections >= 0 && a.Gen2Collections == 0);
        // Both loops track the face in their own world (a float's difference in the model's output can move a
        // simulated window by a pixel, so the two worlds need not stay identical frame by frame).
        int withFaceA = 0, withFaceB = 0;
        foreach (var r in a.Records) if (!float.IsNaN(r.DemoMetric)) withFaceA++;
        foreach (var r in b.Records) if (!float.IsNaN(r.DemoMetric)) withFaceB++;
        Assert.True(withFaceA > (frames + warmup) * 9 / 10 && withFaceB > (frames + warmup) * 9 / 10, $"faces in {withFaceA} and {withFaceB} frames");
        var fa = BenchReports.Figures(a);
        var fb = BenchReports.Figures(b);
        Assert.Equal(0, fa.AllocBytesPerFrame);
        Assert.True(fb.AllocBytesPerFrame >= 2 * input + outputs);
        Assert.Equal(frames, fb.EndToEnd.Count);
    }

    [Fact]
    public void TheNaiveTwinOfAGraphIsTheSameGraphWithItsModelNodeSwappedAndAllocatesPerFrame()
    {
        const int frames = 64, warmup = 4;
        string profilePath = BenchPipelines.Sample("face-presence.json");
        using var optimized = BenchPipelines.Application(profilePath, BenchScenario.SingleStream, frames, warmup);
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        string swap = $"app.nodes[{optimized.Model.Name}].type={NaiveOnnxModelNode.TypeName}";
        var (profile, source) = Realtime.Hosting.ProfileCatalog.Load(profilePath, new[] { swap }, null, host);
        // Only the bench registers the naive node: the host's own registry does not build it.
        Assert.False(host.Components.Contains(NaiveOnnxModelNode.TypeName));
        var context = new Realtime.Hosting.ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Overrides = BenchTarget.Overrides(BenchScenario.SingleStream, frames, warmup, measureFloor: false),
        };
        var refused = Assert.Throws<ProfileException>(() => host.ApplicationFor(profile, source).Build(context));
        Assert.Contains($"unknown component type '{NaiveOnnxModelNode.TypeName}'", Assert.Single(refused.Problems), StringComparison.Ordinal);
        using var twin = new Realtime.Hosting.GraphApplication(NaiveOnnxModelNode.Register(host.Components)).Build(context);
        Assert.Empty(twin.Models);   // the naive node is no onnx-model

        BenchRun a = null!, b = null!;
        var t = new Thread(() => (a, b) = new BenchDriver().RunPair(optimized.Application.Loop, twin.Loop), 1 << 20);
        t.Start();
        t.Join();

        Assert.Equal(LoopOutcome.Completed, a.Outcome);
        Assert.Equal(LoopOutcome.Completed, b.Outcome);
        Assert.Equal(frames, b.CountedFrames);
        Assert.Equal(0, a.AllocatedBytes);
        // Per frame at least the input's copy (128×128×3 floats) and the outputs' copies.
        long input = 128 * 128 * 3 * sizeof(float);
        long outputs = (512 + 384 + 512 * 16 + 384 * 16) * sizeof(float);
        Assert.True(b.AllocatedBytes >= frames * (input + outputs), $"naive loop allocated {b.AllocatedBytes} bytes over {frames} frames");
        // The same computation: the decoder downstream of the naive node finds the sim video's face as often.
        var nodesA = ((Realtime.Hosting.GraphApplicationInstance)optimized.Application).Graph.Reports();
        var nodesB = ((Realtime.Hosting.GraphApplicationInstance)twin).Graph.Reports();
        Assert.Equal(nodesA["faces"].Figures["frames_with_detections"], nodesB["faces"].Figures["frames_with_detections"]);
    }

    [Fact]
    public void TheNaiveEngineComputesWhatTheBoundEngineComputes()
    {
        using var bound = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, "input:0", new long[] { 1, 128, 128, 3 });
        using var naive = new NaiveInferenceEngine(TestAssets.BlazeFace128, bound, new OnnxSessionSettings());
        for (int i = 0; i < bound.Input.Length; i++) bound.Input[i] = naive.Input[i] = MathF.Sin(i * 0.01f);
        bound.Run();
        naive.Run();
        for (int o = 0; o < bound.OutputNames.Count; o++)
        {
            Assert.Equal(o, naive.OutputIndex(bound.OutputNames[o]));
            var x = bound.Output(o);
            var y = naive.Output(o);
            Assert.Equal(x.Length, y.Length);
            for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - y[i]) <= 1e-4f * (1 + Math.Abs(x[i])), $"output {o}[{i}]: {x[i]} vs {y[i]}");
        }
        // And it allocates on every call, which is the point of it.
        long before = GC.GetAllocatedBytesForCurrentThread();
        naive.Run();
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 128 * 128 * 3 * sizeof(float));
    }

    [Fact]
    public void APairedRunRefusesPacedLoops()
    {
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        using var demo = FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, null, BenchTarget.Overrides(BenchScenario.Periodic, 5, 0));
        Assert.Throws<ArgumentException>(() => new BenchDriver().RunPair(demo.Loop, demo.CreateLoop(demo.Engine)));
    }
}
