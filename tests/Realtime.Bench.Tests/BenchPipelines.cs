using System;
using System.Collections.Generic;
using System.Threading;
using Realtime.Bench.Variants;
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

    /// <summary>
    /// The sim board's application <paramref name="demo"/> with <paramref name="sets"/> applied, built from
    /// <paramref name="components"/> (the host's when null) as a ladder's lane: single-stream, no floor.
    /// </summary>
    public static ApplicationTarget Lane(string demo, IReadOnlyList<string> sets, int frames, int warmup, Realtime.Core.Graph.ComponentRegistry? components = null)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        var (profile, source) = Realtime.Hosting.ProfileCatalog.Load(TestAssets.SimProfile, sets, demo, host);
        var application = components is null ? host.ApplicationFor(profile, source, demo) : new Realtime.Hosting.GraphApplication(components, demo);
        var instance = application.Build(new Realtime.Hosting.ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Overrides = BenchTarget.Overrides(BenchScenario.SingleStream, frames, warmup, measureFloor: false),
        });
        return new ApplicationTarget(instance);
    }

    /// <summary>The sim board's application <paramref name="demo"/> as the ladders see it: the roles around its model node <paramref name="model"/>.</summary>
    public static LadderGraph Graph(string demo, string model)
    {
        var host = new Realtime.Hosting.RealtimeHost("test").AddDemos();
        var (profile, _) = Realtime.Hosting.ProfileCatalog.Load(TestAssets.SimProfile, Array.Empty<string>(), demo, host);
        return LadderGraph.Around(demo, profile.App!, model);
    }

    /// <summary>The frames <c>rtapp record</c> records of the sim board's <paramref name="demo"/>'s source <paramref name="source"/>.</summary>
    public static Realtime.Core.Recording.RecordedImages Record(string demo, string source, int frames)
    {
        using var plain = Lane(demo, Array.Empty<string>(), frames, 0);
        var loop = plain.Application.Loop.GraphLoop!;
        try { return RecordedFramesSource.Record(loop, demo, source, frames); }
        finally { loop.ShutdownOutputs(); }
    }

    /// <summary>Runs a variant ladder's lanes on a fresh thread (the pipeline thread), as rtapp does.</summary>
    public static BenchRun[] RunLanes(IReadOnlyList<VariantLane> lanes)
    {
        BenchRun[]? runs = null;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { runs = VariantLanes.Run(lanes); }
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
