using System.Linq;
using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;
using Realtime.Hosting.Telemetry;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// Causes from a real loop ticked by hand (the misses are hours long on the manual clock, so no real
/// scheduling delay or page fault can explain them): a stage over its budget is named, without
/// budgets the longest stage is, a capture that took the frame is the source; only misses get a
/// cause, the list keeps the most recent, and nothing is allocated per frame.
/// </summary>
public sealed class MissCauseRecorderTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Ms = 1_000_000, Hour = 3_600_000 * Ms;
    private readonly ManualClock _clock = new();

    private (GraphLoop Loop, MeanTransform Mean) Loop(int frames, long[]? budgets)
    {
        var cam = new PatternSource("cam", _clock);
        var mean = new MeanTransform("mean", _clock);
        AppGraph g = new GraphBuilder().Add(cam).Add(mean).Add(new FollowController("pid")).Add(new RecordingSink("servo", safe: -1))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        var watchdog = new LoopWatchdog(FaultAction.Ignore, FaultAction.Ignore, FaultAction.SafeState, FaultAction.SafeState, 1_000_000, 3);
        var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = 2, PeriodNs = 10 * Ms, DeadlineNs = 8 * Ms, StageBudgetsNs = budgets }, watchdog, _clock);
        return (loop, mean);
    }

    [Fact]
    public void AStageOverItsBudgetIsTheCauseOfItsMissesAndOnlyMissesGetOne()
    {
        var (loop, mean) = Loop(200, new long[] { 0, 2 * Ms, 0, 0, 0, 0 });
        using var _ = loop;
        mean.CostNs = f => f % 10 == 5 ? Hour : 1 * Ms; // 20 misses, each hours over
        var causes = new MissCauseRecorder(8 * Ms, new long[] { 0, 2 * Ms, 0, 0, 0, 0 });
        loop.Attach(causes);
        Assert.Equal(LoopOutcome.Completed, loop.Run());
        Assert.Equal(0, loop.CountedAllocatedBytes);
        MissCauseReport r = causes.ToReport();
        Assert.Equal(20, causes.Misses);
        Assert.Equal(20, r.ByCause["slow_stage:preprocess"]);
        Assert.Single(r.ByCause);
        Assert.Equal(20, r.Frames.Count);
        MissCause first = r.Frames[0];
        Assert.Equal("slow_stage:preprocess", first.Cause);
        Assert.Equal("preprocess", first.Stage);
        Assert.Equal(Hour / 1e3, first.StageUs);
        Assert.True(first.OverByUs > 0 && first.EndToEndUs > first.OverByUs);
        int misses = 0;
        foreach (ref readonly FrameRecord f in loop.Records) if ((f.Flags & FrameFlags.DeadlineMiss) != 0 && (f.Flags & FrameFlags.Warmup) == 0) misses++;
        Assert.Equal(misses, causes.Misses);
    }

    [Fact]
    public void WithoutBudgetsTheLongestStageIsNamedAndTheListKeepsTheMostRecentMisses()
    {
        int frames = MissCauseRecorder.Kept + 300;
        var (loop, mean) = Loop(frames, null);
        using var _ = loop;
        mean.CostNs = _ => Hour; // every frame misses
        var causes = new MissCauseRecorder(8 * Ms, null);
        loop.Attach(causes);
        Assert.Equal(LoopOutcome.Completed, loop.Run());
        MissCauseReport r = causes.ToReport();
        Assert.Equal(frames, r.ByCause["slow_stage:preprocess"]);
        Assert.Equal(MissCauseRecorder.Kept, r.Frames.Count);
        Assert.Equal(frames + 2 - MissCauseRecorder.Kept, r.Frames[0].Frame); // the oldest kept: warm-up frames are 0 and 1
        Assert.Equal(frames + 1, r.Frames[^1].Frame);
        Assert.Null(r.CountersUnavailable);
    }

    [Fact]
    public void ItsCostPerFrameIsMeasuredWithTheRealKernelCountersAndItAllocatesNothing()
    {
        // The worst case: every frame a miss, so each frame reads the counters twice (start and end) and classifies.
        const int Frames = 20_000;
        var causes = new MissCauseRecorder(8 * Ms, new long[] { 0, 2 * Ms, 0, 0, 0, 0 });
        var miss = new FrameRecord { Flags = FrameFlags.DeadlineMiss, CaptureNs = 0, CaptureEndNs = Ms, PreprocessEndNs = 5 * Ms, InferEndNs = 6 * Ms, DecodeEndNs = 7 * Ms, ControlEndNs = 8 * Ms, ActuateEndNs = 9 * Ms };
        var ordinary = new FrameRecord { CaptureEndNs = Ms, ActuateEndNs = 2 * Ms };
        for (int i = 0; i < 100; i++) { causes.OnTick(i); causes.OnFrameEnd(i, ref miss); }   // warm-up: counters opened, code jitted
        long missNs = 0, ordinaryNs = 0;
        long allocated = ThreadAllocations.LeastOfThree(() =>
        {
            long start = MonotonicClock.NowNs();
            for (int i = 0; i < Frames; i++) { causes.OnTick(i); causes.OnFrameEnd(i, ref miss); }
            missNs = MonotonicClock.NowNs() - start;
            start = MonotonicClock.NowNs();
            for (int i = 0; i < Frames; i++) { causes.OnTick(i); causes.OnFrameEnd(i, ref ordinary); }
            ordinaryNs = MonotonicClock.NowNs() - start;
        });
        causes.Close();
        output.WriteLine($"cause recorder: {missNs / (double)Frames:0} ns per missed frame, {ordinaryNs / (double)Frames:0} ns per frame that made its deadline, {allocated} B over {2 * Frames} frames (the least of three windows)");
        Assert.Equal(0, allocated);
        Assert.Equal(3 * Frames + 100, causes.Misses);
        Assert.Equal(3 * Frames + 100, causes.ToReport().ByCause.Values.Sum());
    }
}
