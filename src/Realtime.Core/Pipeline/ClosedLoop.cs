using System;
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

/// <summary>Settings of a closed loop, checked once at construction.</summary>
public sealed class ClosedLoopOptions
{
    /// <summary>Counted frames to run after warm-up.</summary>
    public int Frames { get; init; } = 1000;
    /// <summary>Warm-up frames, run first and reported apart.</summary>
    public int WarmupFrames { get; init; } = 30;
    /// <summary>Nominal period in ns (periodic scenario; also the simulated time step).</summary>
    public long PeriodNs { get; init; } = 33_333_333;
    /// <summary>Deadline after capture, ns.</summary>
    public long DeadlineNs { get; init; } = 15_000_000;
    /// <summary>How the loop is clocked.</summary>
    public LoopScenario Scenario { get; init; } = LoopScenario.Periodic;
    /// <summary>Run the model alone once per frame (half a period after it when periodic), so the report can set the loop beside its floor.</summary>
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
}

/// <summary>
/// One frame, end to end, run to completion on the calling thread: capture → preprocess → infer →
/// decode → control → actuate, each stamped on the monotonic clock into a preallocated record.
/// Everything is allocated in the constructor; <see cref="Run"/> allocates nothing per frame.
/// </summary>
public sealed class ClosedLoop<TResult> where TResult : struct
{
    private readonly IFrameSource _source;
    private readonly IPreprocessor _preprocessor;
    private readonly IInferenceEngine _engine;
    private readonly IDecoder<TResult> _decoder;
    private readonly IController<TResult> _controller;
    private readonly IActuator _actuator;
    private readonly IDemoMetric<TResult>? _metric;
    private readonly ITickListener? _tickListener;
    private readonly IPeriodicWaiter _waiter;
    private readonly FrameBuffer _slot;
    private readonly FrameRecord[] _records;
    private TResult _observation;
    private ActuatorCommand _applied;
    private ActuatorCommand _next;
    private volatile bool _stopRequested;

    /// <summary>Wires the stages and allocates everything the run will use.</summary>
    public ClosedLoop(
        ClosedLoopOptions options,
        IFrameSource source,
        IPreprocessor preprocessor,
        IInferenceEngine engine,
        IDecoder<TResult> decoder,
        IController<TResult> controller,
        IActuator actuator,
        MissWatchdog watchdog,
        IPeriodicWaiter? waiter = null,
        IDemoMetric<TResult>? metric = null,
        ITickListener? tickListener = null)
    {
        if (options.Frames < 1) throw new ArgumentOutOfRangeException(nameof(options), "frames must be at least 1");
        if (options.WarmupFrames < 0) throw new ArgumentOutOfRangeException(nameof(options), "warm-up frames must not be negative");
        if (options.PeriodNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "period must be positive");
        if (options.DeadlineNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "deadline must be positive");
        Options = options;
        _source = source;
        _preprocessor = preprocessor;
        _engine = engine;
        _decoder = decoder;
        _controller = controller;
        _actuator = actuator;
        Watchdog = watchdog;
        _waiter = waiter ?? new SleepSpinWaiter();
        _metric = metric;
        _tickListener = tickListener;
        _slot = new FrameBuffer(source.Width, source.Height, source.Format);
        _records = new FrameRecord[options.WarmupFrames + options.Frames];
        _applied = actuator.ApplySafeState();
        _next = _applied;
    }

    /// <summary>The settings.</summary>
    public ClosedLoopOptions Options { get; }
    /// <summary>The in-loop watchdog.</summary>
    public MissWatchdog Watchdog { get; }
    /// <summary>Frames run so far (warm-up included).</summary>
    public int FramesRun { get; private set; }
    /// <summary>Period ticks that passed with no frame taken (the loop fell behind; newest frame wins).</summary>
    public long DroppedFrames { get; private set; }
    /// <summary>The exception that faulted the run, if any.</summary>
    public Exception? Fault { get; private set; }
    /// <summary>Monotonic time of the first actuation, or 0.</summary>
    public long FirstActuationNs { get; private set; }
    /// <summary>The command now on the outputs.</summary>
    public ActuatorCommand Applied => _applied;
    /// <summary>The frame slot (for tests and overlays).</summary>
    public FrameBuffer Slot => _slot;
    /// <summary>The last decoded observation.</summary>
    public TResult Observation => _observation;

    /// <summary>Managed bytes the pipeline thread allocated over the counted frames (after warm-up).</summary>
    public long CountedAllocatedBytes { get; private set; }
    /// <summary>GC collections (all generations) during the counted frames.</summary>
    public int CountedGcCollections { get; private set; }
    /// <summary>GC pause time during the counted frames.</summary>
    public TimeSpan CountedGcPause { get; private set; }
    /// <summary>Counted frames the allocation figures cover.</summary>
    public int CountedFramesMeasured { get; private set; }

    /// <summary>The records of the frames run so far, warm-up first.</summary>
    public ReadOnlySpan<FrameRecord> Records => _records.AsSpan(0, FramesRun);

    /// <summary>Asks the loop to stop after the current frame (safe from a signal handler).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>
    /// Runs warm-up and counted frames on the calling thread. On a fault the outputs go to their
    /// safe state before this returns; nothing is thrown, the fault is in <see cref="Fault"/>.
    /// </summary>
    public LoopOutcome Run()
    {
        try
        {
            // Start from an empty young generation: what set-up allocated can never be the reason
            // a collection lands inside the loop.
            if (FramesRun == 0) LoopMemory.CollectBeforeLoop();
            LoopOutcome outcome = RunFrames(Options.WarmupFrames - FramesRun);
            if (FramesRun < Options.WarmupFrames) return outcome;
            // Allocation and GC figures cover the counted frames only, on this (the pipeline) thread.
            long bytes0 = GC.GetAllocatedBytesForCurrentThread();
            int gc0 = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
            TimeSpan pause0 = GC.GetTotalPauseDuration();
            int counted0 = FramesRun;
            outcome = RunFrames(_records.Length - FramesRun);
            CountedAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
            CountedGcCollections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gc0;
            CountedGcPause = GC.GetTotalPauseDuration() - pause0;
            CountedFramesMeasured = FramesRun - counted0;
            return outcome;
        }
        catch (Exception ex)
        {
            Fault = ex;
            Watchdog.EnterSafe();
            ShutdownOutputs();
            return LoopOutcome.Faulted;
        }
    }

    /// <summary>Runs up to <paramref name="count"/> more frames (tests drive warm-up and measurement apart). Allocation-free.</summary>
    public LoopOutcome RunFrames(int count)
    {
        int end = Math.Min(_records.Length, FramesRun + Math.Max(0, count));
        bool periodic = Options.Scenario == LoopScenario.Periodic;
        long period = Options.PeriodNs;
        long tick = _tick;
        long nextTickNs = _nextTickNs == 0 ? MonotonicClock.NowNs() : _nextTickNs;
        int droppedBefore = 0;
        while (FramesRun < end)
        {
            if (_stopRequested) return Stop();
            if (periodic) _waiter.WaitUntil(nextTickNs);
            ref FrameRecord rec = ref _records[FramesRun];
            rec.StartNs = MonotonicClock.NowNs();
            rec.DroppedBefore = droppedBefore;
            rec.DemoMetric = float.NaN;
            rec.Flags = FramesRun < Options.WarmupFrames ? FrameFlags.Warmup : FrameFlags.None;
            _tickListener?.OnTick(tick);

            CaptureStatus status = _source.Capture(_slot);
            if (status != CaptureStatus.Ok)
            {
                if (status == CaptureStatus.Ended) return End(LoopOutcome.SourceEnded);
                ThrowSourceFailed();
            }
            rec.CaptureNs = _slot.CaptureNs;
            rec.CaptureEndNs = MonotonicClock.NowNs();
            RunStages(ref rec);
            FramesRun++;

            if (Options.MeasureFloor)
            {
                // The floor gets the same start as a frame: in a periodic loop it runs half a period
                // later, after its own sleep, so neither runs with caches the other just warmed.
                if (periodic) _waiter.WaitUntil(nextTickNs + period / 2);
                long f0 = MonotonicClock.NowNs();
                _engine.Run();
                rec.FloorNs = MonotonicClock.NowNs() - f0;
            }

            tick++;
            if (periodic)
            {
                nextTickNs += period;
                long now = MonotonicClock.NowNs();
                droppedBefore = 0;
                if (now > nextTickNs)
                {
                    // Fell behind: the frames of the ticks that passed are lost (newest wins).
                    long missed = (now - nextTickNs) / period + 1;
                    droppedBefore = (int)missed;
                    DroppedFrames += missed;
                    tick += missed;
                    nextTickNs += missed * period;
                }
            }
        }
        _tick = tick;
        _nextTickNs = periodic ? nextTickNs : 0;
        return FramesRun == _records.Length ? LoopOutcome.Completed : LoopOutcome.Stopped;
    }

    private long _tick;
    private long _nextTickNs;

    private void RunStages(ref FrameRecord rec)
    {
        _preprocessor.Process(_slot, _engine.Input);
        rec.PreprocessEndNs = MonotonicClock.NowNs();
        _engine.Run();
        rec.InferEndNs = MonotonicClock.NowNs();
        _decoder.Decode(_engine, _slot, ref _observation);
        rec.DecodeEndNs = MonotonicClock.NowNs();
        _controller.Update(in _observation, in _applied, ref _next);
        long controlEnd = MonotonicClock.NowNs();
        rec.ControlEndNs = controlEnd;

        // The watchdog decides at the outputs' door: a frame already past its deadline is late.
        bool late = controlEnd - rec.CaptureNs > Options.DeadlineNs;
        switch (Watchdog.OnFrame(late))
        {
            case MissWatchdog.Decision.Apply:
                _actuator.Apply(in _next);
                _applied = _next;
                break;
            case MissWatchdog.Decision.Hold:
                rec.Flags |= FrameFlags.Held;
                break;
            default:
                _applied = _actuator.ApplySafeState();
                break;
        }
        rec.ActuateEndNs = MonotonicClock.NowNs();
        if (FirstActuationNs == 0) FirstActuationNs = rec.ActuateEndNs;
        if (rec.EndToEndNs > Options.DeadlineNs) rec.Flags |= FrameFlags.DeadlineMiss;
        if (Watchdog.InSafeState) rec.Flags |= FrameFlags.SafeState;
        if (_metric is not null) rec.DemoMetric = _metric.Measure(in _observation, _slot);
    }

    private LoopOutcome Stop()
    {
        ShutdownOutputs();
        return LoopOutcome.Stopped;
    }

    private LoopOutcome End(LoopOutcome outcome)
    {
        ShutdownOutputs();
        return outcome;
    }

    /// <summary>Drives the outputs to their safe values (a stop, a fault, the end of the run); not counted as a watchdog entry.</summary>
    public void ShutdownOutputs() => _applied = _actuator.ApplySafeState();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowSourceFailed() => throw new InvalidOperationException("the frame source failed");
}
