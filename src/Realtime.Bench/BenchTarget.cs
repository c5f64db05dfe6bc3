using System;
using Realtime.Bench.BareModel;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Hosting;
using Realtime.Onnx;

namespace Realtime.Bench;

/// <summary>
/// One loop ready for a bench run: an application built from a board profile, or a bare model with a
/// synthetic sensor and no outputs. Owns what it wired.
/// </summary>
public abstract class BenchTarget : IDisposable
{
    private protected readonly BenchDriver Driver = new();

    /// <summary>The application's name, or "bare-model".</summary>
    public abstract string Demo { get; }
    /// <summary>The model file.</summary>
    public abstract string ModelPath { get; }
    /// <summary>The bound model.</summary>
    public abstract IInferenceEngine Engine { get; }
    /// <summary>Session creation and binding, ms.</summary>
    public abstract double ModelLoadMs { get; }
    /// <summary>First inference, ms.</summary>
    public abstract double FirstInferenceMs { get; }
    /// <summary>The loop's settings.</summary>
    public abstract ClosedLoopOptions Options { get; }
    /// <summary>The loop's watchdog.</summary>
    public abstract LoopWatchdog Watchdog { get; }
    /// <summary>Monotonic time of the first actuation, or 0.</summary>
    public abstract long FirstActuationNs { get; }
    /// <summary>Runs the bench on the calling thread.</summary>
    public abstract BenchRun Run(BenchScenario scenario, long durationNs);

    /// <summary>Asks the run to stop after the frame in flight.</summary>
    public abstract void RequestStop();

    /// <summary>Stops ONNX Runtime's profiler (the session must have been loaded with a profile prefix) and returns the trace's path.</summary>
    public abstract string EndProfiling();

    /// <summary>The file the session was created from: the model, or its saved optimized form.</summary>
    public abstract string LoadedFrom { get; }

    /// <summary>Of <see cref="ModelLoadMs"/>, ONNX Runtime's library load and environment.</summary>
    public abstract double RuntimeInitMs { get; }

    /// <summary>Adds what the demo measures beyond timing to a filled report, from the run's records.</summary>
    public virtual void Describe(RunReport report, ReadOnlySpan<FrameRecord> records) { }

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>The loop options a bench scenario needs (the floor off in max-rate, where the driver runs it in blocks).</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="frames">Counted frames.</param>
    /// <param name="warmup">Warm-up frames.</param>
    /// <param name="session">Profiling and saved-optimized-model settings to pass to the demo's session (threads stay the profile's).</param>
    /// <param name="measureFloor">Override the floor (a profile run turns it off so every model run is a frame's).</param>
    /// <param name="floorModel">Of a graph, the model node measured (its floor alone); null: its only model.</param>
    /// <param name="videoCacheDir">Where the videos' decoded frames are kept and played from (<c>--video-cache</c>); null: decode them.</param>
    public static RunOverrides Overrides(BenchScenario scenario, int frames, int warmup, OnnxSessionSettings? session = null, bool? measureFloor = null, string? floorModel = null,
        string? videoCacheDir = null) => new()
    {
        Frames = frames,
        WarmupFrames = warmup,
        Scenario = scenario == BenchScenario.Periodic ? LoopScenario.Periodic : LoopScenario.SingleStream,
        MeasureFloor = measureFloor ?? scenario != BenchScenario.MaxRate,
        FloorModel = floorModel,
        ProfilePathPrefix = session?.ProfilePathPrefix,
        OptimizedModelCacheDir = session?.OptimizedModelCacheDir,
        OptimizedModelFormat = session?.OptimizedModelFormat ?? SavedModelFormat.Onnx,
        VideoCacheDir = videoCacheDir,
    };
}

/// <summary>
/// A bench of a hosted application (a profile's graph, or a demo) built from its profile: the one
/// lane type. A variant, a naive twin or a session choice is the same application built from the
/// profile with overrides; the bench measures one of its models (<see cref="Model"/>).
/// </summary>
public sealed class ApplicationTarget : BenchTarget
{
    /// <summary>How the refusal of an application with several models and none chosen ends (the command line says how to choose).</summary>
    public const string NameTheModel = "name the one to measure";

    /// <summary>Wraps a built application (owned from here on, disposed if the model cannot be chosen) and measures its model <paramref name="modelNode"/> (null: its only one).</summary>
    /// <param name="application">The application.</param>
    /// <param name="modelNode">The model node to measure, or null.</param>
    /// <remarks>The floor is attached by the application's build from its overrides (<see cref="RunOverrides.MeasureFloor"/>; of a graph, <see cref="RunOverrides.FloorModel"/> names the model node measured).</remarks>
    public ApplicationTarget(IApplicationInstance application, string? modelNode = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        Application = application;
        try
        {
            Model = ChooseModel(application, modelNode);
        }
        catch
        {
            application.Dispose();
            throw;
        }
    }

    /// <summary>The application.</summary>
    public IApplicationInstance Application { get; }

    /// <summary>The model the bench measures (its floor, variants and profiling are a single model's).</summary>
    public ApplicationModel Model { get; }

    /// <summary>
    /// The model named <paramref name="node"/> of <paramref name="application"/>, or its only one when
    /// <paramref name="node"/> is null; a <see cref="UsageException"/> naming the models otherwise.
    /// </summary>
    public static ApplicationModel ChooseModel(IApplicationInstance application, string? node)
    {
        ArgumentNullException.ThrowIfNull(application);
        var models = application.Models;
        var names = new string[models.Count];
        for (int i = 0; i < names.Length; i++) names[i] = models[i].Name;
        if (node is not null)
        {
            foreach (var m in models)
                if (m.Name == node) return m;
            throw new UsageException(models.Count == 0
                ? $"application '{application.Name}' runs no model"
                : $"application '{application.Name}' has no model node named '{node}' (models: {string.Join(", ", names)})");
        }
        if (models.Count == 1) return models[0];
        throw new UsageException(models.Count == 0
            ? $"the bench measures a model; application '{application.Name}' runs none"
            : $"application '{application.Name}' runs {models.Count} models ({string.Join(", ", names)}): {NameTheModel}");
    }

    /// <inheritdoc/>
    public override string Demo => Application.Name;
    /// <inheritdoc/>
    public override string ModelPath => Model.Path;
    /// <inheritdoc/>
    public override IInferenceEngine Engine => Model.Engine;
    /// <inheritdoc/>
    public override double ModelLoadMs => Model.Engine.ModelLoadMs;
    /// <inheritdoc/>
    public override double FirstInferenceMs => Model.Engine.FirstInferenceMs;
    /// <inheritdoc/>
    public override ClosedLoopOptions Options => Application.Loop.Options;
    /// <inheritdoc/>
    public override LoopWatchdog Watchdog => Application.Loop.Watchdog;
    /// <inheritdoc/>
    public override long FirstActuationNs => Application.Loop.FirstActuationNs;

    /// <inheritdoc/>
    public override BenchRun Run(BenchScenario scenario, long durationNs) => Driver.Run(Application.Loop, Model.Engine, scenario, durationNs);

    /// <inheritdoc/>
    public override void RequestStop()
    {
        Driver.RequestStop();
        Application.Loop.RequestStop();
    }

    /// <inheritdoc/>
    public override void Describe(RunReport report, ReadOnlySpan<FrameRecord> records) => Application.FillMetrics(report.Metrics, records);

    /// <inheritdoc/>
    public override string EndProfiling() => Model.Engine.EndProfiling();

    /// <inheritdoc/>
    public override string LoadedFrom => Model.Engine.LoadedFrom;

    /// <inheritdoc/>
    public override double RuntimeInitMs => Model.Engine.RuntimeInitMs;

    /// <inheritdoc/>
    public override void Dispose() => Application.Dispose();
}

/// <summary>
/// A bench of a model alone in the loop (<see cref="BarePipeline"/>'s graph): a synthetic sensor, a
/// copy of a prepared tensor into the bound input as preprocessing, the model, a read of its first
/// output, no control law and no outputs. The same graph loop, stamps and report as an application,
/// so the model's floor and the loop's own cost can be read apart.
/// </summary>
public sealed class BareModelTarget : BenchTarget
{
    private readonly OnnxInferenceEngine _engine;
    private readonly GraphLoop _loop;

    /// <summary>Wires the loop around a bound model (owned from here on).</summary>
    public BareModelTarget(OnnxInferenceEngine engine, ClosedLoopOptions options, IPeriodicWaiter? waiter)
    {
        _engine = engine;
        // A bare model has no outputs to protect: every fault is counted, none acted on.
        var watchdog = new LoopWatchdog(FaultAction.Ignore, FaultAction.Ignore, FaultAction.Ignore, FaultAction.Ignore, 3, 10);
        _loop = new GraphLoop(BarePipeline.Graph(engine, engine.OutputNames.Count), options, watchdog, SystemClock.Instance, waiter ?? new SleepSpinWaiter());
        // The floor runs the model a second time per frame: never for a model that carries state, which it would advance twice.
        if (options.MeasureFloor && !engine.CarriesState) _loop.Attach(new ModelFloor(engine, _loop));
    }

    /// <inheritdoc/>
    public override string Demo => "bare-model";
    /// <inheritdoc/>
    public override string ModelPath => _engine.ModelPath;
    /// <inheritdoc/>
    public override IInferenceEngine Engine => _engine;
    /// <inheritdoc/>
    public override double ModelLoadMs => _engine.ModelLoadMs;
    /// <inheritdoc/>
    public override double FirstInferenceMs => _engine.FirstInferenceMs;
    /// <inheritdoc/>
    public override ClosedLoopOptions Options => _loop.Options;
    /// <inheritdoc/>
    public override LoopWatchdog Watchdog => _loop.Watchdog;
    /// <inheritdoc/>
    public override long FirstActuationNs => _loop.FirstActuationNs;

    /// <inheritdoc/>
    public override BenchRun Run(BenchScenario scenario, long durationNs) => Driver.Run(_loop, _engine, scenario, durationNs);

    /// <inheritdoc/>
    public override void RequestStop()
    {
        Driver.RequestStop();
        _loop.RequestStop();
    }

    /// <inheritdoc/>
    public override string EndProfiling() => _engine.EndProfiling();

    /// <inheritdoc/>
    public override string LoadedFrom => _engine.LoadedFrom;

    /// <inheritdoc/>
    public override double RuntimeInitMs => _engine.RuntimeInitMs;

    /// <inheritdoc/>
    public override void Dispose() => _engine.Dispose();
}
