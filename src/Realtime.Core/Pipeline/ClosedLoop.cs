using System;
using System.Threading;
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
    /// <summary>Counted frames to run after warm-up.</summary>
    public int Frames { get; init; } = 1000;
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
    /// <summary>A fault whose policy is <see cref="FaultAction.Exit"/>; outputs went to their safe state.</summary>
    WatchdogExit,
}

/// <summary>
/// One frame, end to end, run to completion on the calling thread: capture → preprocess → infer →
/// decode → control → actuate, each stamped on the monotonic clock into a preallocated record.
/// The in-loop watchdog decides what reaches the outputs; a watchdog thread may latch them safe
/// through the <see cref="ActuationGate"/> while the loop is stuck. Everything is allocated in the
/// constructor; <see cref="RunFrames"/> allocates nothing per frame.
/// </summary>
public sealed class ClosedLoop<TResult> : IClosedLoop where TResult : struct
{
    private readonly IFrameSource _source;
    private readonly IPreprocessor _preprocessor;
    private readonly IInferenceEngine _engine;
    private readonly IDecoder<TResult> _decoder;
    private readonly IController<TResult> _controller;
    private readonly IController<TResult>? _fallback;
    private readonly IActuator _actuator;
    private readonly IDemoMetric<TResult>? _metric;
    private readonly ITickListener? _tickListener;
    private readonly IPeriodicWaiter _waiter;
    private readonly FaultPlan? _faults;
    private readonly long[] _budgets = new long[6];
    // The floor runs the model a second time per frame: never for a model that carries state, which it would advance twice.
    private readonly bool _measureFloor;
    private readonly FrameBuffer _slot;
    private readonly FrameRecord[] _records;
    private readonly ActuationGate _gate = new();
    private readonly ActuatorCommand _safe;
    private TResult _observation;
    private ActuatorCommand _applied;
    // Whoever last wrote the outputs (under the gate) says whether they now hold the safe values.
    private volatile bool _safeOnOutputs;
    private long _lastSafeWriteNs;
    private int _outputFailures;
    private Exception? _firstOutputError;
    private ActuatorCommand _next;
    private long _lastCaptureNs;
    private int _flatRun;
    private long _tick;
    private long _nextTickNs;
    private long _lastProgressNs;
    private int _framesRun;
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
        LoopWatchdog watchdog,
        IPeriodicWaiter? waiter = null,
        IDemoMetric<TResult>? metric = null,
        ITickListener? tickListener = null,
        IController<TResult>? fallback = null,
        FaultPlan? faults = null)
    {
        if (options.Frames < 1) throw new ArgumentOutOfRangeException(nameof(options), "frames must be at least 1");
        if (options.WarmupFrames < 0) throw new ArgumentOutOfRangeException(nameof(options), "warm-up frames must not be negative");
        if (options.PeriodNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "period must be positive");
        if (options.DeadlineNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "deadline must be positive");
        if (options.StageBudgetsNs is { } b)
        {
            if (b.Length != 6) throw new ArgumentOutOfRangeException(nameof(options), "one budget per stage (6)");
            b.CopyTo(_budgets, 0);
        }
        bool usesFallback = false;
        for (int k = 0; k < LoopWatchdog.KindCount; k++) usesFallback |= watchdog.ActionFor((FaultKind)k) == FaultAction.Fallback;
        if (usesFallback && fallback is null) throw new ArgumentException("the watchdog names the fallback action but no fallback controller was given", nameof(fallback));
        Options = options;
        _measureFloor = options.MeasureFloor && !engine.CarriesState;
        _source = source;
        _preprocessor = preprocessor;
        _engine = engine;
        _decoder = decoder;
        _controller = controller;
        _fallback = fallback;
        _actuator = actuator;
        Watchdog = watchdog;
        _waiter = waiter ?? new SleepSpinWaiter();
        _metric = metric;
        _tickListener = tickListener;
        _faults = faults;
        _slot = new FrameBuffer(source.Width, source.Height, source.Format);
        _records = new FrameRecord[options.WarmupFrames + options.Frames];
        _safe = actuator.ApplySafeState();
        _safeOnOutputs = true;
        _applied = _safe;
        _next = _applied;
    }

    /// <summary>The settings.</summary>
    public ClosedLoopOptions Options { get; }
    /// <summary>The in-loop watchdog.</summary>
    public LoopWatchdog Watchdog { get; }
    /// <summary>Frames run so far (warm-up included); safe to read from another thread.</summary>
    public int FramesRun => Volatile.Read(ref _framesRun);
    /// <summary>Period ticks that passed with no frame taken (the loop fell behind; newest frame wins).</summary>
    public long DroppedFrames { get; private set; }
    /// <summary>The exception that faulted the run, if any.</summary>
    public Exception? Fault { get; private set; }
    /// <summary>Monotonic time of the first actuation, or 0.</summary>
    public long FirstActuationNs { get; private set; }
    /// <summary>Monotonic time of the loop's last sign of life (a frame started or finished); read by the watchdog thread.</summary>
    public long LastProgressNs => Volatile.Read(ref _lastProgressNs);
    /// <summary>The command now on the outputs (the safe command once a latch has written it).</summary>
    public ActuatorCommand Applied => _safeOnOutputs ? _safe : _applied;
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
    /// <summary>Monotonic time the outputs were last driven to their safe values, or 0.</summary>
    public long LastSafeWriteNs => Volatile.Read(ref _lastSafeWriteNs);
    /// <summary>Writes to the outputs that failed (the driver threw), on any thread.</summary>
    public int OutputWriteFailures => Volatile.Read(ref _outputFailures);
    /// <summary>The first failed write's error, or null.</summary>
    public Exception? FirstOutputError => Volatile.Read(ref _firstOutputError);

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
            // CollectionCount(0) counts every collection: a gen1 or gen2 collection collects gen0 too.
            int gc0 = GC.CollectionCount(0);
            TimeSpan pause0 = GC.GetTotalPauseDuration();
            int counted0 = FramesRun;
            outcome = RunFrames(_records.Length - FramesRun);
            CountedAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
            CountedGcCollections = GC.CollectionCount(0) - gc0;
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
        int end = Math.Min(_records.Length, _framesRun + Math.Max(0, count));
        bool periodic = Options.Scenario == LoopScenario.Periodic;
        long period = Options.PeriodNs;
        if (_nextTickNs == 0) _nextTickNs = MonotonicClock.NowNs();
        int droppedBefore = 0;
        while (_framesRun < end)
        {
            if (_stopRequested) return Stop(LoopOutcome.Stopped);
            if (periodic && !WaitOrStop(_nextTickNs)) return Stop(LoopOutcome.Stopped);
            int frame = _framesRun;
            ref FrameRecord rec = ref _records[frame];
            rec.StartNs = MonotonicClock.NowNs();
            Volatile.Write(ref _lastProgressNs, rec.StartNs);
            rec.DroppedBefore = droppedBefore;
            rec.DemoMetric = float.NaN;
            rec.FloorNs = 0;
            rec.Flags = frame < Options.WarmupFrames ? FrameFlags.Warmup : FrameFlags.None;
            TakeOverLatch();
            _tickListener?.OnTick(_tick);

            if (!CaptureFrame(ref rec, frame)) return Stop(LoopOutcome.SourceEnded);
            bool exit = (rec.Flags & FrameFlags.SourceFault) == 0 ? RunStages(ref rec, frame) : HandleSourceFault(ref rec, frame);
            Volatile.Write(ref _framesRun, frame + 1);
            Volatile.Write(ref _lastProgressNs, rec.ActuateEndNs);
            if (exit) return Stop(LoopOutcome.WatchdogExit);

            if (_measureFloor && (rec.Flags & FrameFlags.SourceFault) == 0)
            {
                // The floor gets the same start as a frame: in a periodic loop it runs half a period
                // later, after its own sleep, so neither runs with caches the other just warmed.
                if (periodic && !WaitOrStop(_nextTickNs + period / 2)) return Stop(LoopOutcome.Stopped);
                long f0 = MonotonicClock.NowNs();
                _engine.Run();
                rec.FloorNs = MonotonicClock.NowNs() - f0;
            }

            _tick++;
            _nextTickNs = periodic ? _nextTickNs + period : MonotonicClock.NowNs();
            droppedBefore = 0;
            if (periodic)
            {
                long now = MonotonicClock.NowNs();
                if (now > _nextTickNs)
                {
                    // Fell behind: the frames of the ticks that passed are lost (newest wins).
                    long missed = (now - _nextTickNs) / period + 1;
                    droppedBefore = (int)missed;
                    DroppedFrames += missed;
                    _tick += missed;
                    _nextTickNs += missed * period;
                }
            }
        }
        return _framesRun == _records.Length ? LoopOutcome.Completed : LoopOutcome.Stopped;
    }

    /// <summary>
    /// Sleeps until <paramref name="wakeNs"/> in slices of at most <see cref="StopCheckNs"/>, each to
    /// an absolute time (so slicing never shifts the period); false when a stop was requested
    /// meanwhile. A period of minutes therefore never delays a signal's stop by more than a slice.
    /// </summary>
    private bool WaitOrStop(long wakeNs)
    {
        while (true)
        {
            long slice = Math.Min(wakeNs, MonotonicClock.NowNs() + StopCheckNs);
            _waiter.WaitUntil(slice);
            if (slice >= wakeNs) return true;
            if (_stopRequested) return false;
            // Waiting on schedule is a sign of life: a long period is not a stall.
            Volatile.Write(ref _lastProgressNs, slice);
        }
    }

    /// <summary>The longest a period sleep goes without looking for a stop request, ns.</summary>
    public const long StopCheckNs = 50_000_000;

    /// <summary>Captures into the slot; false when the source has ended. A failed, stale or flat frame is flagged as a source fault.</summary>
    private bool CaptureFrame(ref FrameRecord rec, int frame)
    {
        InjectedFaultKind? injected = _faults?.AtSource(frame);
        CaptureStatus status = injected == InjectedFaultKind.DeadSource ? CaptureStatus.Failed : _source.Capture(_slot);
        if (status == CaptureStatus.Ended) return false;
        rec.CaptureEndNs = MonotonicClock.NowNs();
        if (status == CaptureStatus.Ok && injected == InjectedFaultKind.GarbageSource) _slot.Pixels.AsSpan().Fill(0x10);
        bool stale = status == CaptureStatus.Ok && _slot.CaptureNs <= _lastCaptureNs;
        // One flat frame can be a real scene (a black frame in a video); several in a row is a dead sensor.
        int flatLimit = Options.FlatFramesForFault;
        _flatRun = flatLimit > 0 && status == CaptureStatus.Ok && FrameSanity.IsFlat(_slot) ? _flatRun + 1 : 0;
        if (status != CaptureStatus.Ok || stale || (flatLimit > 0 && _flatRun >= flatLimit))
        {
            rec.Flags |= FrameFlags.SourceFault;
            rec.CaptureNs = rec.CaptureEndNs;
            return true;
        }
        _lastCaptureNs = _slot.CaptureNs;
        rec.CaptureNs = _slot.CaptureNs;
        return true;
    }

    private bool RunStages(ref FrameRecord rec, int frame)
    {
        FaultPlan? faults = _faults;
        faults?.AtStage(Stage.Capture, frame);
        if (faults is not null) rec.CaptureEndNs = MonotonicClock.NowNs();
        faults?.AtStage(Stage.Preprocess, frame);
        _preprocessor.Process(_slot, _engine.Input);
        rec.PreprocessEndNs = MonotonicClock.NowNs();
        faults?.AtStage(Stage.Infer, frame);
        _engine.Run();
        rec.InferEndNs = MonotonicClock.NowNs();
        faults?.AtStage(Stage.Decode, frame);
        _decoder.Decode(_engine, _slot, ref _observation);
        rec.DecodeEndNs = MonotonicClock.NowNs();
        faults?.AtStage(Stage.Control, frame);
        _controller.Update(in _observation, in _applied, ref _next);
        long controlEnd = MonotonicClock.NowNs();
        rec.ControlEndNs = controlEnd;

        // The watchdog decides at the outputs' door: a frame already past its deadline is late.
        int mask = 0;
        if (controlEnd - rec.CaptureNs > Options.DeadlineNs) mask |= 1 << (int)FaultKind.DeadlineMiss;
        if (OverBudget(in rec)) mask |= 1 << (int)FaultKind.StageOverrun;
        // Warm-up frames prime caches and the first inference: the watchdog judges from the first counted frame.
        if (frame < Options.WarmupFrames) mask = 0;
        TakeOverLatch();
        FaultAction action = Watchdog.OnFrame(frame, mask, controlEnd);
        faults?.AtStage(Stage.Actuate, frame);
        if (!Actuate(action, ref rec)) action = OutputFailed(frame, ref rec);
        if (rec.EndToEndNs > Options.DeadlineNs) rec.Flags |= FrameFlags.DeadlineMiss;
        if (_metric is not null) rec.DemoMetric = _metric.Measure(in _observation, _slot);
        return action == FaultAction.Exit;
    }

    private bool HandleSourceFault(ref FrameRecord rec, int frame)
    {
        rec.PreprocessEndNs = rec.InferEndNs = rec.DecodeEndNs = rec.ControlEndNs = rec.CaptureEndNs;
        TakeOverLatch();
        FaultAction action = Watchdog.OnFrame(frame, frame < Options.WarmupFrames ? 0 : 1 << (int)FaultKind.SourceFailure, rec.CaptureEndNs);
        if (action == FaultAction.Fallback) _observation = default;
        else if (action == FaultAction.Ignore) action = FaultAction.Skip; // there is no new command to apply
        if (!Actuate(action, ref rec)) action = OutputFailed(frame, ref rec);
        return action == FaultAction.Exit;
    }

    /// <summary>
    /// The watchdog thread latched the outputs safe during a stall (and recorded it, with the time
    /// it latched): this thread takes the safe state over as the outputs' one writer, counts the
    /// stall and holds the safe state until the loop has recovered. Nothing is written here: the
    /// outputs are safe already, and the next frame's write goes through the gate as usual.
    /// </summary>
    private void TakeOverLatch()
    {
        if (!_gate.IsLatched || !_gate.TryTakeOver()) return;
        Watchdog.CountExternal(FaultKind.Stall, Watchdog.ActionFor(FaultKind.Stall));
        if (_safeOnOutputs) _applied = _safe;
        if (!_gate.EndWrite()) CompleteDeferredLatch();
    }

    /// <summary>
    /// A write to the outputs failed: the watchdog's output-failure policy (the safe state, or exit)
    /// is taken at once, and the safe state is tried now. Returns the action.
    /// </summary>
    private FaultAction OutputFailed(int frame, ref FrameRecord rec)
    {
        FaultAction action = Watchdog.OnOutputFailure(frame, MonotonicClock.NowNs());
        Write(in _safe, safe: true);
        rec.Flags |= FrameFlags.SafeState;
        return action;
    }

    private bool OverBudget(in FrameRecord rec)
    {
        long[] b = _budgets;
        return (b[0] > 0 && rec.CaptureEndNs - rec.StartNs > b[0])
            || (b[1] > 0 && rec.PreprocessEndNs - rec.CaptureEndNs > b[1])
            || (b[2] > 0 && rec.InferEndNs - rec.PreprocessEndNs > b[2])
            || (b[3] > 0 && rec.DecodeEndNs - rec.InferEndNs > b[3])
            || (b[4] > 0 && rec.ControlEndNs - rec.DecodeEndNs > b[4]);
    }

    /// <summary>Applies the action at the outputs; false when a write failed.</summary>
    private bool Actuate(FaultAction action, ref FrameRecord rec)
    {
        bool ok = true;
        switch (action)
        {
            case FaultAction.Ignore:
                ok = Write(in _next, safe: false);
                break;
            case FaultAction.Skip:
                rec.Flags |= FrameFlags.Held;
                break;
            case FaultAction.HoldLast:
                rec.Flags |= FrameFlags.Held;
                ok = Write(in _applied, safe: false);
                break;
            case FaultAction.Fallback:
                rec.Flags |= FrameFlags.Fallback;
                _fallback!.Update(in _observation, in _applied, ref _next);
                ok = Write(in _next, safe: false);
                break;
            default:
                ok = Write(in _safe, safe: true);
                break;
        }
        rec.ActuateEndNs = MonotonicClock.NowNs();
        if (FirstActuationNs == 0) FirstActuationNs = rec.ActuateEndNs;
        if (Watchdog.InSafeState) rec.Flags |= FrameFlags.SafeState;
        return ok;
    }

    /// <summary>
    /// Every write to the outputs goes through the gate, so a latched safe state is never
    /// overwritten and no other thread writes at the same time. False when the driver failed.
    /// </summary>
    private bool Write(in ActuatorCommand command, bool safe)
    {
        if (!_gate.TryBeginWrite()) return true; // latched: the latcher owns the outputs and writes the safe state
        bool ok;
        if (safe) ok = WriteSafe();
        else
        {
            ok = WriteCommand(in command);
            if (ok) _applied = command;
        }
        if (!_gate.EndWrite()) ok &= CompleteDeferredLatch();
        return ok;
    }

    /// <summary>A latch came while this thread was writing: it still owns the outputs, so it writes the safe state and completes the latch.</summary>
    private bool CompleteDeferredLatch()
    {
        bool ok = WriteSafe();
        if (ok) _applied = _safe;
        _gate.CompleteLatch();
        return ok;
    }

    private bool WriteCommand(in ActuatorCommand command)
    {
        try
        {
            _actuator.Apply(in command);
            _safeOnOutputs = false;
            return true;
        }
        catch (Exception ex)
        {
            // A driver's failure is a fault for the watchdog's policy, never a crash; what was half
            // written is unknown, so the outputs are not taken as safe.
            _safeOnOutputs = false;
            NoteOutputError(ex);
            return false;
        }
    }

    /// <summary>Writes the safe state; only ever called by the gate's current owner, on any thread.</summary>
    private bool WriteSafe()
    {
        try
        {
            _actuator.ApplySafeState();
        }
        catch (Exception ex)
        {
            _safeOnOutputs = false;
            NoteOutputError(ex);
            return false;
        }
        Volatile.Write(ref _lastSafeWriteNs, MonotonicClock.NowNs());
        _safeOnOutputs = true;
        return true;
    }

    private void NoteOutputError(Exception ex)
    {
        Interlocked.Increment(ref _outputFailures);
        Interlocked.CompareExchange(ref _firstOutputError, ex, null);
    }

    private LoopOutcome Stop(LoopOutcome outcome)
    {
        ShutdownOutputs();
        return outcome;
    }

    /// <summary>
    /// Drives the outputs to their safe values and latches them there for good: at a stop, a fault,
    /// the end of the run. Safe from any thread: if the pipeline is mid-write it applies the safe
    /// state itself as its write ends; a failed write is counted, never thrown.
    /// </summary>
    public void ShutdownOutputs() => Latch(final: true);

    /// <summary>
    /// A stall: latches the outputs safe from another thread (the watchdog's) without ever writing
    /// while the pipeline's own write is in flight; the pipeline takes the latch over if it resumes.
    /// </summary>
    public void LatchOutputsSafe() => Latch(final: false);

    private void Latch(bool final)
    {
        if (_gate.Latch(final) != LatchResult.WriteSafeNow) return;
        WriteSafe();
        _gate.CompleteLatch();
    }
}
