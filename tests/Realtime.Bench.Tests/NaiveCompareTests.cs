using System;
using System.Threading;
using Realtime.Bench.Naive;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>The naive loop beside the optimized one, in the same run: the same computation, and what it costs in memory.</summary>
public sealed class NaiveCompareTests
{
    /// <summary>The naive twin of <paramref name="profilePath"/>'s graph as the bench builds it: its model node <paramref name="node"/> swapped for naive-onnx-model.</summary>
    private static Realtime.Hosting.IApplicationInstance NaiveTwin(string profilePath, string node, int frames, int warmup)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        var (profile, source) = Realtime.Hosting.ProfileCatalog.Load(profilePath, new[] { $"app.nodes[{node}].type={NaiveOnnxModelNode.TypeName}" }, null, host);
        return new Realtime.Hosting.GraphApplication(NaiveOnnxModelNode.Register(host.Components)).Build(new Realtime.Hosting.ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Overrides = BenchTarget.Overrides(BenchScenario.SingleStream, frames, warmup, measureFloor: false),
        });
    }

    [Fact]
    public void TheNaiveFaceTrackerTracksTooButAllocatesPerFrameWhileTheOptimizedOneAllocatesNothing()
    {
        const int frames = 64, warmup = 4;
        using var optimized = BenchPipelines.FaceTracker(BenchScenario.SingleStream, frames, warmup);
        using var twin = NaiveTwin(TestAssets.SimProfile, optimized.Model.Name, frames, warmup);
        Assert.False(twin.Loop.Options.MeasureFloor);
        Assert.Equal(frames, twin.Loop.Options.Frames);

        BenchRun a = null!, b = null!;
        var t = new Thread(() => (a, b) = new BenchDriver().RunPair(optimized.Application.Loop, twin.Loop), 1 << 20);
        t.Start();
        t.Join();

        Assert.Equal(LoopOutcome.Completed, a.Outcome);
        Assert.Equal(LoopOutcome.Completed, b.Outcome);
        Assert.Equal(frames, a.CountedFrames);
        Assert.Equal(frames, b.CountedFrames);
        Assert.Equal(0, a.AllocatedBytes);
        Assert.Equal(0, a.GcCollections);
        // Per frame at least the input's copy (128×128×3 floats) and the outputs' copies.
        long input = 128 * 128 * 3 * sizeof(float);
        long outputs = (512 + 384 + 512 * 16 + 384 * 16) * sizeof(float);
        Assert.True(b.AllocatedBytes >= frames * (input + outputs), $"naive loop allocated {b.AllocatedBytes} bytes over {frames} frames");
        Assert.Equal(0, a.Gen2Collections);
        // Both loops track the face in their own world (a float's difference in the model's output can move a
        // simulated window by a pixel, so the two worlds need not stay identical frame by frame).
        int withFaceA = 0, withFaceB = 0;
        foreach (var r in a.Records) if (!float.IsNaN(r.DemoMetric)) withFaceA++;
        foreach (var r in b.Records) if (!float.IsNaN(r.DemoMetric)) withFaceB++;
        Assert.True(withFaceA > (frames + warmup) * 9 / 10 && withFaceB > (frames + warmup) * 9 / 10, $"faces in {withFaceA} and {withFaceB} frames");
        var fa = BenchReports.Figures(a);
        var fb = BenchReports.Figures(b);
        Assert.Equal(0, fa.AllocBytesPerFrame);
        Assert.True(fb.AllocBytesPerFrame >= input + outputs);
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

    [Theory]
    [InlineData(3000, 1, 3094)]
    [InlineData(64, 1, 66)]
    [InlineData(65, 1, 68)]
    [InlineData(64, 0, 64)]
    [InlineData(1, 2, 3)]
    public void APairedLoopIsBuiltForItsCountedFramesAndOneRewarmPerTurn(int counted, int rewarm, int built) =>
        Assert.Equal(built, BenchDriver.PairedFrames(counted, rewarm));

    [Fact]
    public void EachTurnCanBeginWithUncountedFramesThatTheRecordsLeaveOut()
    {
        const int frames = 64, warmup = 4;
        int paired = BenchDriver.PairedFrames(frames, 1);
        using var optimized = BenchPipelines.FaceTracker(BenchScenario.SingleStream, paired, warmup);
        using var twin = NaiveTwin(TestAssets.SimProfile, optimized.Model.Name, paired, warmup);

        BenchRun a = null!, b = null!;
        var t = new Thread(() => (a, b) = new BenchDriver().RunPair(optimized.Application.Loop, twin.Loop, rewarmFrames: 1), 1 << 20);
        t.Start();
        t.Join();

        foreach (var run in new[] { a, b })
        {
            Assert.Equal(LoopOutcome.Completed, run.Outcome);
            Assert.Equal(frames, run.CountedFrames);
            Assert.Equal(warmup + frames, run.Records.Length);
            // Two turns of 32: one uncounted frame before each.
            Assert.Equal(2, run.RewarmEndToEndNs.Length);
            Assert.All(run.RewarmEndToEndNs, ns => Assert.True(ns > 0));
            Assert.Equal(frames, BenchReports.Figures(run).EndToEnd.Count);
        }
        Assert.Equal(warmup + paired, optimized.Application.Loop.Records.Length);
        // The frames left out are the first of each turn: the loop's 5th (after its warm-up) and 38th records.
        var all = optimized.Application.Loop.Records;
        Assert.Equal(all[warmup + 1].StartNs, a.Records[warmup].StartNs);
        Assert.Equal(all[warmup + 34].StartNs, a.Records[warmup + 32].StartNs);
        Assert.Equal(all[warmup].EndToEndNs, a.RewarmEndToEndNs[0]);
        Assert.Equal(all[warmup + 33].EndToEndNs, a.RewarmEndToEndNs[1]);
        Assert.Equal(0, a.AllocatedBytes);
    }

    [Fact]
    public void APairedRunRefusesPacedLoops()
    {
        using var paced = BenchPipelines.FaceTracker(BenchScenario.Periodic, 5, 0);
        using var other = BenchPipelines.FaceTracker(BenchScenario.SingleStream, 5, 0);
        Assert.Throws<ArgumentException>(() => new BenchDriver().RunPair(paced.Application.Loop, other.Application.Loop));
    }
}
