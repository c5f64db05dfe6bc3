using System;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>The sim face tracker as the tests build and run it: single-stream, so simulated time advances one period per frame.</summary>
internal static class SimDemo
{
    /// <summary>
    /// Builds the demo from boards/sim.json with the longest deadline the profile allows (a period, 33 ms)
    /// and deadline misses counted but not acted on: a frame on a machine loaded 25 deep on 2 cores can
    /// take longer, and load must not trip the watchdog. Tests that judge deadlines set their own
    /// deadline and policy in <paramref name="edit"/>, which may change anything after that.
    /// </summary>
    public static FaceTrackerDemo Build(int frames, int warmup, bool floor, FaultPlan? faults = null, Action<BoardProfile>? edit = null)
    {
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        profile.Timing.DeadlineUs = 33_000;
        profile.Watchdog.MissPolicy = "ignore";
        edit?.Invoke(profile);
        return FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, null,
            new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = floor, Faults = faults });
    }

    /// <summary>Runs <paramref name="body"/> on a fresh thread (the pipeline thread) and rethrows its failure.</summary>
    public static void OnPipelineThread(Action body)
    {
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { body(); }
            catch (Exception ex) { failure = ex; }
        }, 1 << 20);
        t.Start();
        t.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException("pipeline thread failed: " + failure);
    }

    /// <summary>
    /// On a fresh pipeline thread: runs <paramref name="warmup"/> frames, collects, then runs
    /// <paramref name="frames"/> more, measuring the bytes that thread allocated and the gen0
    /// collections over those counted frames only.
    /// </summary>
    public static (LoopOutcome Outcome, long Allocated, int Gen0Collections) MeasureCountedFrames(IClosedLoop loop, int warmup, int frames)
    {
        long allocated = -1;
        int gcBefore = 0, gcAfter = 0;
        LoopOutcome outcome = LoopOutcome.Faulted;
        OnPipelineThread(() =>
        {
            loop.RunFrames(warmup);
            LoopMemory.CollectBeforeLoop();
            gcBefore = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            outcome = loop.RunFrames(frames);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            gcAfter = GC.CollectionCount(0);
        });
        return (outcome, allocated, gcAfter - gcBefore);
    }
}
