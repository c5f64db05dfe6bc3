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
    /// <summary>The sim board's face tracker (its app graph), as <c>rtapp bench</c> builds it; <paramref name="edit"/> changes the loaded profile first (as --rate does).</summary>
    public static ApplicationTarget FaceTracker(BenchScenario scenario, int frames, int warmup, Action<BoardProfile>? edit = null) =>
        Application(TestAssets.SimProfile, scenario, frames, warmup, edit: edit);

    /// <summary>The sim board's voice relay (Silero VAD on the speech recording), as <c>rtapp bench --demo voice-relay</c> builds it, <paramref name="sets"/> applied (a variant's list).</summary>
    public static ApplicationTarget VoiceRelay(BenchScenario scenario, int frames, int warmup, params string[] sets)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        var (profile, source) = Realtime.Hosting.ProfileCatalog.Load(TestAssets.SimProfile, sets, "voice-relay", host);
        var instance = host.ApplicationFor(profile, source, "voice-relay").Build(new Realtime.Hosting.ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Overrides = BenchTarget.Overrides(scenario, frames, warmup),
        });
        return new ApplicationTarget(instance);
    }

    /// <summary>A sample profile of samples/profiles.</summary>
    public static string Sample(string name) => System.IO.Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    /// <summary>
    /// The application <paramref name="profilePath"/> composes, built by the host (the demos' components
    /// registered) from the profile with <paramref name="sets"/> applied, as <c>rtapp bench --set</c> builds it.
    /// </summary>
    public static ApplicationTarget Application(string profilePath, BenchScenario scenario, int frames, int warmup, string? modelNode = null, string[]? sets = null, Action<BoardProfile>? edit = null)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        var (profile, source) = Realtime.Hosting.ProfileCatalog.Load(profilePath, sets ?? Array.Empty<string>(), null, host);
        edit?.Invoke(profile);
        var overrides = BenchTarget.Overrides(scenario, frames, warmup, floorModel: modelNode);
        var instance = host.ApplicationFor(profile, source).Build(new Realtime.Hosting.ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Waiter = new ClockNanosleepWaiter(), Overrides = overrides,
        });
        return new ApplicationTarget(instance, modelNode);
    }

    /// <summary>Runs a variant ladder's lanes on a fresh thread (the pipeline thread), as rtapp does.</summary>
    public static BenchRun[] RunLanes(System.Collections.Generic.IReadOnlyList<ApplicationTarget> lanes)
    {
        BenchRun[]? runs = null;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { runs = Realtime.Bench.Variants.VariantLanes.Run(lanes); }
            catch (Exception ex) { failure = ex; }
        }, 1 << 20);
        t.Start();
        t.Join();
        if (failure is not null) throw new Xunit.Sdk.XunitException("pipeline thread failed: " + failure);
        return runs!;
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
