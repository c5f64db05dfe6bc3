using System;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos.Components;
using Realtime.Gpio;
using Realtime.Gpio.Components;
using Realtime.Hosting;
using Realtime.Sim;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The sim board's face tracker (its app graph: pan-tilt-camera → image-preprocess → onnx-model →
/// ssd-decoder → pan-tilt → servo), built as <c>rtapp run --board sim</c> builds it, with what the
/// tests look at by name: the loop, the simulated mount's camera, the servos.
/// </summary>
internal sealed class SimFaceTracker : IDisposable
{
    public SimFaceTracker(GraphApplicationInstance app) => App = app;

    /// <summary>The application.</summary>
    public GraphApplicationInstance App { get; }
    /// <summary>Its loop.</summary>
    public GraphLoop Loop => App.GraphLoop;
    /// <summary>The simulated camera on the pan/tilt mount (its window moves with the servos).</summary>
    public PanTiltCamera SimCamera => ((PanTiltCameraSource)App.Graph.Find("camera")!).Camera!;
    /// <summary>The pan and tilt servos.</summary>
    public PwmActuator<ServoCalibration> Servos => ((ServoSink)App.Graph.Find("servos")!).Actuator;
    /// <summary>Frames the tracker is given to bring the face to the centre before its error counts (sim.json's tracker node).</summary>
    public int SettleFrames => 30;

    public void Dispose() => App.Dispose();
}

/// <summary>The sim face tracker as the tests build and run it: single-stream, so simulated time advances one period per frame.</summary>
internal static class SimDemo
{
    private static readonly RealtimeHost Host = new RealtimeHost("rtapp").AddDemos();

    /// <summary>
    /// Builds the face tracker from boards/sim.json (<paramref name="sets"/> applied, as --set does) with the
    /// longest deadline the profile allows (a period, 33 ms) and deadline misses counted but not acted on:
    /// a frame on a machine loaded 25 deep on 2 cores can take longer, and load must not trip the watchdog.
    /// Tests that judge deadlines set their own deadline and policy in <paramref name="edit"/>, which may
    /// change anything after that.
    /// </summary>
    public static SimFaceTracker Build(int frames, int warmup, bool floor, FaultPlan? faults = null, Action<BoardProfile>? edit = null, params string[] sets)
    {
        var (profile, source) = ProfileCatalog.Load(TestAssets.SimProfile, sets, null, Host);
        profile.Timing.DeadlineUs = 33_000;
        profile.Watchdog.MissPolicy = "ignore";
        edit?.Invoke(profile);
        return new SimFaceTracker(Assert.IsType<GraphApplicationInstance>(Host.ApplicationFor(profile, source).Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = floor, Faults = faults },
        })));
    }

    /// <summary>The same with <paramref name="overrides"/> as they are (a test's own startup observer, its frames).</summary>
    public static SimFaceTracker Build(RunOverrides overrides, params string[] sets)
    {
        var (profile, source) = ProfileCatalog.Load(TestAssets.SimProfile, sets, null, Host);
        return new SimFaceTracker(Assert.IsType<GraphApplicationInstance>(Host.ApplicationFor(profile, source).Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir, Overrides = overrides,
        })));
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
    /// <paramref name="frames"/> more, measuring the bytes that thread allocated (the least of three
    /// windows of a third each; the remainder runs just before them) and the gen0 collections over
    /// those counted frames only. The outcome is the last window's.
    /// </summary>
    public static (LoopOutcome Outcome, long Allocated, int Gen0Collections) MeasureCountedFrames(IClosedLoop loop, int warmup, int frames)
    {
        long allocated = -1;
        int gcBefore = 0, gcAfter = 0;
        LoopOutcome outcome = LoopOutcome.Faulted;
        OnPipelineThread(() =>
        {
            loop.RunFrames(warmup);
            int window = frames / 3;
            Action counted = () => outcome = loop.RunFrames(window);
            LoopMemory.CollectBeforeLoop();
            gcBefore = GC.CollectionCount(0);
            if (frames % 3 != 0) outcome = loop.RunFrames(frames % 3);
            allocated = window > 0 ? ThreadAllocations.LeastOfThree(counted) : 0;
            gcAfter = GC.CollectionCount(0);
        });
        return (outcome, allocated, gcAfter - gcBefore);
    }
}
