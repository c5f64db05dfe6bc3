using System;
using Realtime.Core.Graph;
using Realtime.Core.Timing;

namespace Realtime.Core.Pipeline;

/// <summary>How a loop is clocked (MLPerf LoadGen's scenarios).</summary>
public enum LoopScenario
{
    /// <summary>Fixed rate from the profile: the real control-loop case.</summary>
    Periodic,
    /// <summary>The next frame starts when the last completes.</summary>
    SingleStream,
}

/// <summary>Settings of a closed loop, checked once at construction; <c>with</c> makes a variant.</summary>
public sealed record ClosedLoopOptions
{
    /// <summary>Counted frames to run after warm-up; 0 runs until stopped (<see cref="Continuous"/>).</summary>
    public int Frames { get; init; } = 1000;
    /// <summary>
    /// Continuous runs (<see cref="Frames"/> 0) keep the records of the last this-many counted frames
    /// in a ring (warm-up frames are kept apart), so memory stays constant however long the run.
    /// </summary>
    public int RingFrames { get; init; } = DefaultRingFrames;
    /// <summary>The ring's size when none is given: about two minutes at 30 Hz, 360 KB of records.</summary>
    public const int DefaultRingFrames = 4096;
    /// <summary>Whether the loop runs until stopped.</summary>
    public bool Continuous => Frames == 0;
    /// <summary>Warm-up frames, run first and reported apart.</summary>
    public int WarmupFrames { get; init; } = 30;
    /// <summary>Nominal period in ns (periodic scenario; also the simulated time step).</summary>
    public long PeriodNs { get; init; } = 33_333_333;
    /// <summary>Deadline after capture, ns.</summary>
    public long DeadlineNs { get; init; } = 15_000_000;
    /// <summary>Per-stage budgets in ns, indexed by <see cref="Stage"/> (0 = no budget); null for none.</summary>
    public long[]? StageBudgetsNs { get; init; }
    /// <summary>Flat frames in a row that make a source failure (a covered or dead sensor); 0 turns the check off.</summary>
    public int FlatFramesForFault { get; init; } = FrameSanity.FlatFramesForFault;
    /// <summary>How the loop is clocked.</summary>
    public LoopScenario Scenario { get; init; } = LoopScenario.Periodic;
    /// <summary>Attach the model-alone floor (<see cref="ModelFloor"/>): the model runs again alone after each frame (half a period after it when periodic), so the report can set the loop beside its floor.</summary>
    public bool MeasureFloor { get; init; } = true;
}

/// <summary>How a run ended.</summary>
public enum LoopOutcome
{
    /// <summary>All requested frames ran.</summary>
    Completed,
    /// <summary>Stopped on request (a signal).</summary>
    Stopped,
    /// <summary>The source ended.</summary>
    SourceEnded,
    /// <summary>A stage failed; outputs went to their safe state.</summary>
    Faulted,
    /// <summary>A fault whose policy is <see cref="FaultAction.Exit"/>; outputs went to their safe state.</summary>
    WatchdogExit,
}

/// <summary>
/// The classic one-source, one-model, one-actuator loop, built on the graph: its stages become
/// nodes (source → preprocess → infer → decode → control → actuate) run by a <see cref="GraphLoop"/>,
/// which stamps each stage, keeps the watchdog's door and allocates nothing per frame. The tick
/// listener, the demo metric, the floor and fault injection are instruments attached only when
/// given. Everything is allocated in the constructor.
/// </summary>
public sealed class ClosedLoop<TResult> : IClosedLoop where TResult : struct
{
    private readonly GraphLoop _loop;
    private readonly FrameBuffer _slot;
    private readonly ValuePayload<TResult> _observation;

    /// <summary>Wires the stages into a graph and allocates everything the run will use.</summary>
    public ClosedLoop(
        ClosedLoopOptions options,
        IFrameSource source,
        IPreprocessor preprocessor,
        IInferenceEngine engine,
        IDecoder<TResult> decoder,
        IController<TResult> controller,
        IActuator actuator,
        LoopWatchdog watchdog,
        IPeriodicWaiter? waiter = null,
        IDemoMetric<TResult>? metric = null,
        ITickListener? tickListener = null,
        IController<TResult>? fallback = null,
        FaultPlan? faults = null)
    {
        // The options are GraphLoop's to check; this constructor checks only its own arguments.
        if (watchdog.Uses(FaultAction.Fallback) && fallback is null) throw new ArgumentException("the watchdog names the fallback action but no fallback controller was given", nameof(fallback));

        var camera = new FrameSourceNode("source", source);
        var decode = new DecoderNode<TResult>("decode", decoder, engine);
        var control = new ControllerNode<TResult>("control", controller, actuator.Channels);
        var builder = new GraphBuilder("(closed loop)")
            .Add(camera)
            .Add(new PreprocessorNode("preprocess", preprocessor, engine))
            .Add(new InferenceNode("infer", engine))
            .Add(decode)
            .Add(control)
            .Add(new ActuatorNode("actuate", actuator))
            .Connect("source.image", "preprocess.image")
            .Connect("preprocess.tensor", "infer.tensor")
            .Connect("infer.runs", "decode.runs")
            .Connect("source.image", "decode.image")
            .Connect("decode.observation", "control.observation")
            .Connect("control.command", "actuate.command");
        FallbackControllerNode<TResult>? backup = null;
        if (fallback is not null)
        {
            builder.Add(backup = new FallbackControllerNode<TResult>("fallback", fallback, control.Command.Payload))
                .Connect("decode.observation", "fallback.observation")
                .Connect("fallback.command", "actuate.fallback");
        }
        _loop = new GraphLoop(builder.Build(), options, watchdog, SystemClock.Instance, waiter ?? new SleepSpinWaiter());
        if (backup is not null) backup.Loop = _loop;
        _slot = camera.Image.Payload.Frame;
        _observation = decode.Observation.Payload;
        // Instruments only when given: the per-frame path of a plain loop has none.
        if (tickListener is not null) _loop.Attach(new TickListenerInstrument(tickListener));
        if (faults is not null) _loop.Attach(new FaultInjector(faults));
        if (metric is not null) _loop.Attach(new DemoMetricInstrument<TResult>(metric, _observation, _slot));
        // The floor runs the model a second time per frame: never for a model that carries state, which it would advance twice.
        if (options.MeasureFloor && !engine.CarriesState) _loop.Attach(new ModelFloor(engine, _loop));
    }

    /// <summary>The graph loop that runs the stages.</summary>
    public GraphLoop GraphLoop => _loop;
    /// <summary>The settings.</summary>
    public ClosedLoopOptions Options => _loop.Options;
    /// <summary>The in-loop watchdog.</summary>
    public LoopWatchdog Watchdog => _loop.Watchdog;
    /// <summary>Frames run so far (warm-up included); safe to read from another thread.</summary>
    public int FramesRun => _loop.FramesRun;
    /// <summary>Period ticks that passed with no frame taken (the loop fell behind; newest frame wins).</summary>
    public long DroppedFrames => _loop.DroppedFrames;
    /// <summary>The exception that faulted the run, if any.</summary>
    public Exception? Fault => _loop.Fault;
    /// <summary>Monotonic time of the first actuation, or 0.</summary>
    public long FirstActuationNs => _loop.FirstActuationNs;
    /// <summary>Monotonic time of the loop's last sign of life (a frame started or finished); read by the watchdog thread.</summary>
    public long LastProgressNs => _loop.LastProgressNs;
    /// <summary>The command now on the outputs (the safe command once a latch has written it).</summary>
    public ActuatorCommand Applied => _loop.Applied;
    /// <summary>The frame slot (for tests and overlays).</summary>
    public FrameBuffer Slot => _slot;
    /// <summary>The last decoded observation.</summary>
    public TResult Observation => _observation.Value;
    /// <summary>Managed bytes the pipeline thread allocated over the counted frames (after warm-up).</summary>
    public long CountedAllocatedBytes => _loop.CountedAllocatedBytes;
    /// <summary>GC collections (all generations) during the counted frames.</summary>
    public int CountedGcCollections => _loop.CountedGcCollections;
    /// <summary>GC pause time during the counted frames.</summary>
    public TimeSpan CountedGcPause => _loop.CountedGcPause;
    /// <summary>Counted frames the allocation figures cover.</summary>
    public int CountedFramesMeasured => _loop.CountedFramesMeasured;
    /// <summary>Monotonic time the outputs were last driven to their safe values, or 0.</summary>
    public long LastSafeWriteNs => _loop.LastSafeWriteNs;
    /// <summary>Writes to the outputs that failed (the driver threw), on any thread.</summary>
    public int OutputWriteFailures => _loop.OutputWriteFailures;
    /// <summary>The first failed write's error, or null.</summary>
    public Exception? FirstOutputError => _loop.FirstOutputError;
    /// <summary>The records of the frames run so far, warm-up first.</summary>
    public ReadOnlySpan<FrameRecord> Records => _loop.Records;
    /// <inheritdoc/>
    public long FirstFrameStartNs => _loop.FirstFrameStartNs;

    /// <summary>Asks the loop to stop after the current frame (safe from a signal handler).</summary>
    public void RequestStop() => _loop.RequestStop();

    /// <summary>
    /// Runs warm-up and counted frames on the calling thread. On a fault the outputs go to their
    /// safe state before this returns; nothing is thrown, the fault is in <see cref="Fault"/>.
    /// </summary>
    public LoopOutcome Run() => _loop.Run();

    /// <summary>Runs up to <paramref name="count"/> more frames (tests drive warm-up and measurement apart). Allocation-free.</summary>
    public LoopOutcome RunFrames(int count) => _loop.RunFrames(count);

    /// <summary>The longest a period sleep goes without looking for a stop request, ns.</summary>
    public const long StopCheckNs = GraphLoop.StopCheckNs;

    /// <summary>
    /// Drives the outputs to their safe values and latches them there for good: at a stop, a fault,
    /// the end of the run. Safe from any thread.
    /// </summary>
    public void ShutdownOutputs() => _loop.ShutdownOutputs();

    /// <summary>
    /// A stall: latches the outputs safe from another thread (the watchdog's) without ever writing
    /// while the pipeline's own write is in flight; the pipeline takes the latch over if it resumes.
    /// </summary>
    public void LatchOutputsSafe() => _loop.LatchOutputsSafe();
}
