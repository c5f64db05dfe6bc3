using System;
using System.Threading;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Linux;
using Realtime.Tests;

namespace Realtime.Bench.Tests;

/// <summary>The real face-tracker pipeline (BlazeFace, Megamind.avi, the simulated mount) wired for a bench run.</summary>
internal static class BenchPipelines
{
    public static DemoTarget FaceTracker(BenchScenario scenario, int frames, int warmup, Action<BoardProfile>? edit = null)
    {
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        edit?.Invoke(profile);
        var demo = FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, new ClockNanosleepWaiter(), BenchTarget.Overrides(scenario, frames, warmup));
        return new DemoTarget(demo);
    }

    /// <summary>Runs the bench on a fresh thread (the pipeline thread), as rtapp does.</summary>
    public static BenchRun Run(BenchTarget target, BenchScenario scenario, long durationNs = 0)
    {
        BenchRun? run = null;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { run = target.Run(scenario, durationNs); }
            catch (Exception ex) { failure = ex; }
        }, 1 << 20);
        t.Start();
        t.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException("pipeline thread failed: " + failure);
        return run!;
    }
}
