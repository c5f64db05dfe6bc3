using System;
using System.Collections.Generic;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Graph;

/// <summary>
/// The loop: one frame of an <see cref="AppGraph"/> run to completion per period on the calling
/// thread — sources, then transforms and controllers in data-flow order, then the sinks through
/// the watchdog's door — each node's end stamped by its stage into a preallocated
/// <see cref="FrameRecord"/>. The in-loop <see cref="LoopWatchdog"/> decides at the sinks what
/// reaches the outputs (the frame's command, the last one held, the fallback controller's, the safe
/// state, or exit); every write goes through one <see cref="ActuationGate"/>, so another thread (the
/// watchdog thread during a stall, a shutdown) can latch the outputs safe at any moment. When it
/// falls behind, the newest frame wins and the ticks that passed are counted as drops. Time is
/// injected (<see cref="IClock"/>, <see cref="IPeriodicWaiter"/>), so a test ticks it by hand with a
/// <see cref="ManualClock"/>. Everything is allocated in the constructor; frames allocate nothing.
/// </summary>
public sealed partial class GraphLoop : IClosedLoop, IDisposable
{
    private readonly AppGraph _graph;
    private readonly SourceNode[] _sources;
    private readonly FrameBuffer?[] _images;
    private readonly long[] _lastCaptureNs;
    private readonly int[] _flatRun;
    private readonly Node[] _steps;
    // Per step, the gates it depends on (empty: it always runs), and its own open output when it is a gate.
    private readonly GateNode[][] _stepGates;
    private readonly ValuePayload<bool>?[] _stepOpen;
    private readonly int _stepStages;
    private int _ranStages;
    private readonly SinkNode[] _sinks;
    private readonly Node[] _fallbackRunners;
    private readonly CommandPayload[] _commands;
    private readonly CommandPayload?[] _fallbackCommands;
    private readonly ActuatorCommand[] _safe;
    private readonly ActuatorCommand[] _applied;
    private readonly IClock _clock;
    private readonly IPeriodicWaiter _waiter;
    private LoopInstrument[] _instruments = Array.Empty<LoopInstrument>();
    private readonly IFrameMetric? _frameMetric;
    private readonly IFrameVariant? _frameVariant;
    private readonly ITickListener[] _tickNodes;
    private bool _watchStages;
    private readonly long[] _budgets = new long[6];
    private readonly long[] _stageEnd = new long[6];
    private readonly FrameRecord[] _records;
    private readonly ActuationGate _gate = new();
    // Whoever last wrote the outputs (under the gate) says whether they now hold the safe values.
    private volatile bool _safeOnOutputs;
    private long _lastSafeWriteNs;
    private int _outputFailures;
    private Exception? _firstOutputError;
    private long _tick;
    private long _nextTickNs;
    private long _lastProgressNs;
    private int _framesRun;
    private long _firstStartNs;
    private volatile bool _stopRequested;
    private bool _disposed;

    /// <summary>
    /// Starts the graph's nodes, drives every sink to its safe state (the outputs are safe before the
    /// first frame) and allocates everything the run will use.
    /// </summary>
    /// <param name="graph">The built graph.</param>
    /// <param name="options">Frames, warm-up, period, deadline, stage budgets, scenario (<see cref="ClosedLoopOptions.MeasureFloor"/> is an instrument's business, not the loop's).</param>
    /// <param name="watchdog">The in-loop watchdog and its policies.</param>
    /// <param name="clock">The clock (default: <see cref="SystemClock"/>).</param>
    /// <param name="waiter">The period waiter (default: the clock, when it is one, else <see cref="SleepSpinWaiter"/>).</param>
    /// <param name="pipeline">Stage groups on threads of their own (<c>app.pipeline</c>; null or fewer than 2: one thread).</param>
    public GraphLoop(AppGraph graph, ClosedLoopOptions options, LoopWatchdog watchdog, IClock? clock = null, IPeriodicWaiter? waiter = null, IReadOnlyList<Realtime.Core.Profiles.AppPipelineGroupProfile>? pipeline = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(watchdog);
        if (options.Frames < 0) throw new ArgumentOutOfRangeException(nameof(options), "frames must not be negative (0: run until stopped)");
        if (options.Continuous && options.RingFrames < 1) throw new ArgumentOutOfRangeException(nameof(options), "a continuous run keeps at least 1 frame's record");
        if (options.WarmupFrames < 0) throw new ArgumentOutOfRangeException(nameof(options), "warm-up frames must not be negative");
        if (options.PeriodNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "period must be positive");
        if (options.DeadlineNs <= 0) throw new ArgumentOutOfRangeException(nameof(options), "deadline must be positive");
        if (options.StageBudgetsNs is { } b)
        {
            if (b.Length != 6) throw new ArgumentOutOfRangeException(nameof(options), "one budget per stage (6)");
            b.CopyTo(_budgets, 0);
        }
        bool usesFallback = watchdog.Uses(FaultAction.Fallback);
        foreach (SinkNode sink in graph.Sinks)
            if (usesFallback && !sink.Fallback.IsBound)
                throw new ArgumentException($"the watchdog names the fallback action but sink '{sink.Name}' has no fallback controller connected to '{sink.Name}.{SinkNode.FallbackPort}'", nameof(watchdog));

        Options = options;
        Watchdog = watchdog;
        _graph = graph;
        _clock = clock ?? SystemClock.Instance;
        _waiter = waiter ?? _clock as IPeriodicWaiter ?? new SleepSpinWaiter();
        _sources = graph.Sources;
        _images = new FrameBuffer?[_sources.Length];
        for (int i = 0; i < _sources.Length; i++)
            foreach (OutputPort o in _sources[i].Outputs)
                if (o.Untyped is ImagePayload image) { _images[i] = image.Frame; break; }
        _lastCaptureNs = new long[_sources.Length];
        _flatRun = new int[_sources.Length];
        _steps = graph.Steps;
        _stepGates = graph.StepGates;
        _stepOpen = new ValuePayload<bool>?[_steps.Length];
        for (int i = 0; i < _steps.Length; i++)
        {
            _stepStages |= 1 << (int)_steps[i].Stage;
            if (_steps[i] is GateNode g) _stepOpen[i] = g.Open.Payload;
        }
        _sinks = graph.Sinks;
        _frameMetric = FirstFrameMetric(graph);
        foreach (Node n in graph.Steps)
            if (n is IFrameVariant v) { _frameVariant = v; break; }
        _tickNodes = TickNodes(graph);
        var runners = new List<Node>();
        foreach (Node? f in graph.FallbackProducers) if (f is not null && !runners.Contains(f)) runners.Add(f);
        _fallbackRunners = runners.ToArray();
        _commands = new CommandPayload[_sinks.Length];
        _fallbackCommands = new CommandPayload?[_sinks.Length];
        _safe = new ActuatorCommand[_sinks.Length];
        _applied = new ActuatorCommand[_sinks.Length];
        // A continuous run's counted frames go round a ring after the warm-up's slots: constant memory.
        _records = new FrameRecord[options.WarmupFrames + (options.Continuous ? options.RingFrames : options.Frames)];

        // Inputs that read across a stage group boundary are rebound to copies before any node starts.
        if (pipeline is { Count: > 1 }) _pipeline = PlanPipeline(graph, pipeline);
        graph.Start();
        for (int i = 0; i < _sinks.Length; i++)
        {
            _commands[i] = _sinks[i].Command.Payload;
            _fallbackCommands[i] = _sinks[i].Fallback.IsBound ? _sinks[i].Fallback.Payload : null;
            _safe[i] = _sinks[i].ApplySafeState();
            _applied[i] = _safe[i];
            // A controller's first step starts from the safe command on the outputs.
            _commands[i].Next = _safe[i];
            _commands[i].Safe = _safe[i];
            if (_fallbackCommands[i] is { } fb) fb.Next = fb.Safe = _safe[i];
        }
        _safeOnOutputs = true;
    }

    /// <summary>The settings.</summary>
    public ClosedLoopOptions Options { get; }
    /// <summary>The in-loop watchdog.</summary>
    public LoopWatchdog Watchdog { get; }
    /// <summary>The graph it runs.</summary>
    public AppGraph Graph => _graph;
    /// <summary>The clock it stamps with.</summary>
    public IClock Clock => _clock;
    /// <summary>Frames run so far (warm-up included); safe to read from another thread.</summary>
    public int FramesRun => Volatile.Read(ref _framesRun);
    /// <summary>Period ticks that passed with no frame taken (the loop fell behind; newest frame wins).</summary>
    public long DroppedFrames { get; private set; }
    /// <summary>The exception that faulted the run, if any.</summary>
    public Exception? Fault { get; private set; }
    /// <summary>Clock time of the first actuation, or 0.</summary>
    public long FirstActuationNs { get; private set; }
    /// <summary>Clock time of the loop's last sign of life (a frame started or finished, or a period sleep slice); read by the watchdog thread.</summary>
    public long LastProgressNs => _pipeline is null ? Volatile.Read(ref _lastProgressNs) : PipelineProgressNs();
    /// <summary>The command now on the first sink's outputs (its safe command once a latch has written it).</summary>
    public ActuatorCommand Applied => AppliedTo(0);
    /// <summary>Managed bytes the loop's thread allocated over the counted frames (after warm-up).</summary>
    public long CountedAllocatedBytes { get; private set; }
    /// <summary>GC collections (all generations) during the counted frames.</summary>
    public int CountedGcCollections { get; private set; }
    /// <summary>GC pause time during the counted frames.</summary>
    public TimeSpan CountedGcPause { get; private set; }
    /// <summary>Counted frames the allocation figures cover.</summary>
    public int CountedFramesMeasured { get; private set; }
    /// <summary>Clock time the outputs were last driven to their safe values.</summary>
    public long LastSafeWriteNs => Volatile.Read(ref _lastSafeWriteNs);
    /// <summary>Writes to the outputs that failed (a driver threw), on any thread.</summary>
    public int OutputWriteFailures => Volatile.Read(ref _outputFailures);
    /// <summary>The first failed write's error, or null.</summary>
    public Exception? FirstOutputError => Volatile.Read(ref _firstOutputError);
    /// <summary>
    /// The records of the frames run so far, warm-up first. A continuous run keeps only the warm-up
    /// and the last <see cref="ClosedLoopOptions.RingFrames"/> counted frames, copied here in order
    /// (an allocation: read it off the pipeline thread, once the loop has stopped).
    /// </summary>
    public ReadOnlySpan<FrameRecord> Records => Options.Continuous ? RingInOrder() : _records.AsSpan(0, FramesRun);
    /// <summary>Clock time the first frame started (0 before it); a continuous run's ring may no longer hold that frame.</summary>
    public long FirstFrameStartNs => Volatile.Read(ref _firstStartNs);
    /// <summary>Whether the frame in flight is a source fault (its transforms did not run): a fallback controller then has no new observation.</summary>
    public bool FrameIsSourceFault { get; private set; }
    /// <summary>The watchdog's decision on the last frame (a flight recorder reads it at the frame's end).</summary>
    public FaultAction LastAction { get; private set; }
    /// <summary>The faults the watchdog was shown on the last frame (a bit per <see cref="FaultKind"/>).</summary>
    public int LastFaultMask { get; private set; }
    /// <summary>Whether an instrument failed the last frame's capture without asking the sources (injected dead source).</summary>
    public bool LastCaptureForcedFailed { get; private set; }
    /// <summary>Clock time of the next period tick.</summary>
    public long NextTickNs => _nextTickNs;

    /// <summary>The command now on sink <paramref name="sink"/>'s outputs.</summary>
    public ActuatorCommand AppliedTo(int sink) => _safeOnOutputs ? _safe[sink] : _applied[sink];

    /// <summary>Where frame <paramref name="frame"/>'s record lives: its own slot, or a continuous run's ring after the warm-up's.</summary>
    private int Slot(int frame)
    {
        int warm = Options.WarmupFrames;
        return !Options.Continuous || frame < warm ? frame : warm + (frame - warm) % Options.RingFrames;
    }

    private FrameRecord[] RingInOrder()
    {
        int run = FramesRun, warm = Options.WarmupFrames;
        int counted = Math.Max(0, run - warm);
        int kept = Math.Min(counted, Options.RingFrames);
        var all = new FrameRecord[Math.Min(run, warm) + kept];
        Array.Copy(_records, all, Math.Min(run, warm));
        for (int i = 0; i < kept; i++) all[warm + i] = _records[Slot(run - kept + i)];
        return all;
    }

    /// <summary>Attaches an instrument (before the first frame): the floor, a metric, fault injection, a simulated world's clock.</summary>
    public void Attach(LoopInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (FramesRun > 0) throw new InvalidOperationException("instruments are attached before the first frame");
        if (_pipeline is not null && instrument.WatchesStages)
            throw new InvalidOperationException("fault injection and replay at recorded timing watch every stage of a frame on one thread: not on a pipelined loop (app.pipeline)");
        var all = new LoopInstrument[_instruments.Length + 1];
        _instruments.CopyTo(all, 0);
        all[^1] = instrument;
        _instruments = all;
        _watchStages |= instrument.WatchesStages;
    }

    /// <summary>Asks the loop to stop after the current frame (safe from a signal handler or any thread).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>
    /// Runs warm-up and counted frames on the calling thread. On a fault the outputs go to their
    /// safe state before this returns; nothing is thrown, the fault is in <see cref="Fault"/>.
    /// </summary>
    public LoopOutcome Run()
    {
        try
        {
            if (_pipeline is not null) return RunPipelined();
            // Start from an empty young generation: what set-up allocated can never be the reason a collection lands inside the loop.
            if (FramesRun == 0) LoopMemory.CollectBeforeLoop();
            LoopOutcome outcome = RunFrames(Options.WarmupFrames - FramesRun);
            if (FramesRun < Options.WarmupFrames) return outcome;
            long bytes0 = GC.GetAllocatedBytesForCurrentThread();
            // CollectionCount(0) counts every collection: a gen1 or gen2 collection collects gen0 too.
            int gc0 = GC.CollectionCount(0);
            TimeSpan pause0 = GC.GetTotalPauseDuration();
            int counted0 = FramesRun;
            outcome = RunFrames(Options.Continuous ? int.MaxValue : _records.Length - FramesRun);
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

    private static IFrameMetric? FirstFrameMetric(AppGraph graph)
    {
        foreach (Node n in graph.Sources) if (n is IFrameMetric m) return m;
        foreach (Node n in graph.Steps) if (n is IFrameMetric m) return m;
        foreach (Node n in graph.Sinks) if (n is IFrameMetric m) return m;
        return null;
    }

    private static ITickListener[] TickNodes(AppGraph graph)
    {
        var nodes = new List<ITickListener>();
        foreach (Node n in graph.Nodes) if (n is ITickListener t) nodes.Add(t);
        return nodes.ToArray();
    }

    /// <summary>Runs up to <paramref name="count"/> more frames (a test ticks the loop this way). Allocation-free; a node's exception propagates (<see cref="Run"/> catches it).</summary>
    public LoopOutcome RunFrames(int count)
    {
        if (_pipeline is not null) throw new InvalidOperationException("a pipelined loop's groups run on threads of their own: run it with Run()");
        long total = Options.Continuous ? int.MaxValue : _records.Length;
        int end = (int)Math.Min(total, (long)_framesRun + Math.Max(0, count));
        bool periodic = Options.Scenario == LoopScenario.Periodic;
        long period = Options.PeriodNs;
        if (_nextTickNs == 0) _nextTickNs = _clock.NowNs();
        // Back to back at real-time priority, the loop rests between frames rather than be stopped by the kernel inside one.
        Scheduling.RealtimeBandwidthPacer? pacer = periodic ? null : Scheduling.RealtimeBandwidthPacer.ForThisThread;
        int droppedBefore = 0;
        while (_framesRun < end)
        {
            if (_stopRequested) return Stop(LoopOutcome.Stopped);
            if (periodic && !WaitUntilOrStop(_nextTickNs)) return Stop(LoopOutcome.Stopped);
            int frame = _framesRun;
            ref FrameRecord rec = ref _records[Slot(frame)];
            rec.StartNs = _clock.NowNs();
            if (frame == 0) Volatile.Write(ref _firstStartNs, rec.StartNs);
            Volatile.Write(ref _lastProgressNs, rec.StartNs);
            rec.DroppedBefore = droppedBefore;
            rec.DemoMetric = float.NaN;
            rec.Variant = -1;
            rec.FloorNs = 0;
            rec.Flags = frame < Options.WarmupFrames ? FrameFlags.Warmup : FrameFlags.None;
            rec.SkippedStages = 0;
            TakeOverLatch();
            // A simulated world inside the graph (a camera on a simulated mount) follows loop time, dropped ticks included.
            ITickListener[] tickNodes = _tickNodes;
            for (int i = 0; i < tickNodes.Length; i++) tickNodes[i].OnTick(_tick);
            LoopInstrument[] instruments = _instruments;
            for (int i = 0; i < instruments.Length; i++) instruments[i].OnTick(_tick);

            if (!Capture(ref rec, frame)) return Stop(LoopOutcome.SourceEnded);
            FrameIsSourceFault = (rec.Flags & FrameFlags.SourceFault) != 0;
            bool exit = FrameIsSourceFault ? HandleSourceFault(ref rec, frame) : RunStages(ref rec, frame);
            if (!FrameIsSourceFault && _frameMetric is not null) rec.DemoMetric = _frameMetric.FrameMetric;
            if (!FrameIsSourceFault && _frameVariant is not null) rec.Variant = (sbyte)_frameVariant.FrameVariant;
            for (int i = 0; i < instruments.Length; i++) instruments[i].OnFrameEnd(frame, ref rec);
            Volatile.Write(ref _framesRun, frame + 1);
            Volatile.Write(ref _lastProgressNs, rec.ActuateEndNs);
            if (exit) return Stop(LoopOutcome.WatchdogExit);
            for (int i = 0; i < instruments.Length; i++)
                if (!instruments[i].AfterFrame(frame, ref rec)) return Stop(LoopOutcome.Stopped);

            _tick++;
            long rest = pacer is null ? 0 : pacer.RestFor(_clock.NowNs() - rec.StartNs);
            if (rest > 0)
            {
                // A rest is a wait on schedule: a sign of life for the watchdog, and a stop ends it (the next frame's check returns).
                long restStart = _clock.NowNs();
                WaitUntilOrStop(restStart + rest);
                pacer!.Rested(_clock.NowNs() - restStart);
            }
            _nextTickNs = periodic ? _nextTickNs + period : _clock.NowNs();
            droppedBefore = 0;
            if (periodic)
            {
                long now = _clock.NowNs();
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
        return _framesRun == total ? LoopOutcome.Completed : LoopOutcome.Stopped;
    }

    /// <summary>The longest a period sleep goes without looking for a stop request, ns.</summary>
    public const long StopCheckNs = 50_000_000;

    /// <summary>
    /// Sleeps until <paramref name="wakeNs"/> in slices of at most <see cref="StopCheckNs"/>, each to an
    /// absolute time (slicing never shifts the period); false when a stop was requested meanwhile.
    /// Waiting on schedule is a sign of life for the watchdog thread.
    /// </summary>
    public bool WaitUntilOrStop(long wakeNs)
    {
        while (true)
        {
            long slice = Math.Min(wakeNs, _clock.NowNs() + StopCheckNs);
            _waiter.WaitUntil(slice);
            if (slice >= wakeNs) return true;
            if (_stopRequested) return false;
            Volatile.Write(ref _lastProgressNs, slice);
        }
    }

    /// <summary>Every source captures; false when one has ended. A failed, stale or flat capture makes the frame a source fault.</summary>
    private bool Capture(ref FrameRecord rec, int frame)
    {
        bool fault = false;
        long oldest = long.MaxValue;
        CaptureStatus forced = CaptureStatus.Ok;
        if (_watchStages)
            for (int i = 0; i < _instruments.Length; i++)
                if (_instruments[i].BeforeCapture(frame) == CaptureStatus.Failed) forced = CaptureStatus.Failed;
        LastCaptureForcedFailed = forced == CaptureStatus.Failed;
        int flatLimit = Options.FlatFramesForFault;
        for (int s = 0; s < _sources.Length; s++)
        {
            SourceNode source = _sources[s];
            CaptureStatus status = forced;
            if (status == CaptureStatus.Ok)
            {
                source.Process();
                status = source.Status;
            }
            if (status == CaptureStatus.Ended) return false;
            if (status != CaptureStatus.Ok)
            {
                fault = true;
                _flatRun[s] = 0;
                continue;
            }
            FrameBuffer? image = _images[s];
            if (_watchStages)
                for (int i = 0; i < _instruments.Length; i++) _instruments[i].AfterCapture(frame, source, image);
            bool stale = source.CaptureNs <= _lastCaptureNs[s];
            // One flat frame can be a real scene (a black frame in a video); several in a row is a dead sensor.
            _flatRun[s] = flatLimit > 0 && image is not null && FrameSanity.IsFlat(image) ? _flatRun[s] + 1 : 0;
            if (stale || (flatLimit > 0 && _flatRun[s] >= flatLimit)) { fault = true; continue; }
            _lastCaptureNs[s] = source.CaptureNs;
            if (source.CaptureNs < oldest) oldest = source.CaptureNs;
        }
        rec.CaptureEndNs = _clock.NowNs();
        if (fault)
        {
            rec.Flags |= FrameFlags.SourceFault;
            rec.CaptureNs = rec.CaptureEndNs;
        }
        else rec.CaptureNs = oldest == long.MaxValue ? rec.CaptureEndNs : oldest;
        return true;
    }

    private bool RunStages(ref FrameRecord rec, int frame)
    {
        for (int i = 0; i < _sinks.Length; i++) PublishApplied(i);
        long[] ends = _stageEnd;
        if (_watchStages) RunStepsWatched(ref rec, frame);
        else
        {
            Array.Clear(ends);
            _ranStages = 0;
            Node[] steps = _steps;
            for (int i = 0; i < steps.Length; i++)
            {
                Node node = steps[i];
                if (Skipped(i)) continue;
                node.Process();
                ends[(int)node.Stage] = _clock.NowNs();
                _ranStages |= 1 << (int)node.Stage;
            }
        }
        // A stage whose every node a gate skipped is stamped skipped (its 0 µs is not a time).
        rec.SkippedStages = (byte)(_stepStages & ~_ranStages);
        return Conclude(ref rec, frame, ends);
    }

    /// <summary>A frame whose stages ran (their ends in <paramref name="ends"/>): the stamps, the watchdog's decision at the outputs' door, the actuation; true to exit.</summary>
    private bool Conclude(ref FrameRecord rec, int frame, long[] ends)
    {
        // A stage with no node (or whose last node ran early) ends when the one before it did: stamps never go back.
        long last = rec.CaptureEndNs;
        rec.PreprocessEndNs = last = Math.Max(ends[(int)Stage.Preprocess], last);
        rec.InferEndNs = last = Math.Max(ends[(int)Stage.Infer], last);
        rec.DecodeEndNs = last = Math.Max(ends[(int)Stage.Decode], last);
        rec.ControlEndNs = last = Math.Max(ends[(int)Stage.Control], last);
        long controlEnd = last;

        // The watchdog decides at the outputs' door: a frame already past its deadline is late.
        int mask = 0;
        if (controlEnd - rec.CaptureNs > Options.DeadlineNs) mask |= 1 << (int)FaultKind.DeadlineMiss;
        if (OverBudget(in rec)) mask |= 1 << (int)FaultKind.StageOverrun;
        // Warm-up frames prime caches and the first inference: the watchdog judges from the first counted frame.
        if (frame < Options.WarmupFrames) mask = 0;
        TakeOverLatch();
        LastFaultMask = mask;
        FaultAction action = Watchdog.OnFrame(frame, mask, controlEnd);
        LastAction = action;
        if (_watchStages) Announce(Stage.Actuate, frame);
        if (!Actuate(action, ref rec)) action = OutputFailed(frame, ref rec);
        if (rec.EndToEndNs > Options.DeadlineNs) rec.Flags |= FrameFlags.DeadlineMiss;
        return action == FaultAction.Exit;
    }

    /// <summary>The stage path with instruments that watch stages (fault injection): each stage is announced as it starts, empty ones too.</summary>
    private void RunStepsWatched(ref FrameRecord rec, int frame)
    {
        long[] ends = _stageEnd;
        Array.Clear(ends);
        _ranStages = 0;
        Announce(Stage.Capture, frame);
        rec.CaptureEndNs = _clock.NowNs();
        Stage next = Stage.Preprocess;
        Node[] steps = _steps;
        for (int i = 0; i < steps.Length; i++)
        {
            Node node = steps[i];
            while (next <= node.Stage) Announce(next++, frame);
            if (Skipped(i)) continue;
            node.Process();
            ends[(int)node.Stage] = _clock.NowNs();
            _ranStages |= 1 << (int)node.Stage;
        }
        while (next <= Stage.Control) Announce(next++, frame);
    }

    /// <summary>Whether a gate step <paramref name="step"/> depends on is closed this frame (a skipped gate is closed: what it guards did not run either).</summary>
    private bool Skipped(int step)
    {
        GateNode[] gates = _stepGates[step];
        for (int g = 0; g < gates.Length; g++)
        {
            if (gates[g].IsOpen) continue;
            if (_stepOpen[step] is { } open) open.Value = false;
            return true;
        }
        return false;
    }

    private void Announce(Stage stage, int frame)
    {
        for (int i = 0; i < _instruments.Length; i++) _instruments[i].BeforeStage(stage, frame);
    }

    private bool HandleSourceFault(ref FrameRecord rec, int frame)
    {
        rec.PreprocessEndNs = rec.InferEndNs = rec.DecodeEndNs = rec.ControlEndNs = rec.CaptureEndNs;
        for (int i = 0; i < _sinks.Length; i++) PublishApplied(i);
        TakeOverLatch();
        LastFaultMask = frame < Options.WarmupFrames ? 0 : 1 << (int)FaultKind.SourceFailure;
        FaultAction action = Watchdog.OnFrame(frame, LastFaultMask, rec.CaptureEndNs);
        if (action == FaultAction.Ignore) action = FaultAction.Skip; // there is no new command to apply
        LastAction = action;
        if (!Actuate(action, ref rec)) action = OutputFailed(frame, ref rec);
        return action == FaultAction.Exit;
    }

    /// <summary>Tells a sink's controllers what is on its outputs, the base of their next step.</summary>
    private void PublishApplied(int sink)
    {
        _commands[sink].Applied = _applied[sink];
        if (_fallbackCommands[sink] is { } fb) fb.Applied = _applied[sink];
    }

    /// <summary>
    /// The watchdog thread latched the outputs safe during a stall (and recorded it): this thread
    /// takes the safe state over as the outputs' one writer, counts the stall and holds the safe
    /// state until the loop has recovered. Nothing is written: the outputs are safe already.
    /// </summary>
    private void TakeOverLatch()
    {
        if (!_gate.IsLatched || !_gate.TryTakeOver()) return;
        Watchdog.CountExternal(FaultKind.Stall, Watchdog.ActionFor(FaultKind.Stall));
        if (_safeOnOutputs) _safe.CopyTo(_applied, 0);
        if (!_gate.EndWrite()) CompleteDeferredLatch();
    }

    /// <summary>A write failed: the watchdog's output-failure policy (safe state, or exit) is taken at once and the safe state tried now.</summary>
    private FaultAction OutputFailed(int frame, ref FrameRecord rec)
    {
        FaultAction action = Watchdog.OnOutputFailure(frame, _clock.NowNs());
        Write(WriteMode.Safe);
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

    private enum WriteMode : byte { Next, Held, Fallback, Safe }

    /// <summary>Applies the watchdog's action at the outputs; false when a write failed.</summary>
    private bool Actuate(FaultAction action, ref FrameRecord rec)
    {
        bool ok = true;
        switch (action)
        {
            case FaultAction.Ignore:
                ok = Write(WriteMode.Next);
                break;
            case FaultAction.Skip:
                rec.Flags |= FrameFlags.Held;
                break;
            case FaultAction.HoldLast:
                rec.Flags |= FrameFlags.Held;
                ok = Write(WriteMode.Held);
                break;
            case FaultAction.Fallback:
                rec.Flags |= FrameFlags.Fallback;
                for (int i = 0; i < _sinks.Length; i++) PublishApplied(i);
                for (int i = 0; i < _fallbackRunners.Length; i++) _fallbackRunners[i].Process();
                ok = Write(WriteMode.Fallback);
                break;
            default:
                ok = Write(WriteMode.Safe);
                break;
        }
        rec.ActuateEndNs = _clock.NowNs();
        if (FirstActuationNs == 0) FirstActuationNs = rec.ActuateEndNs;
        if (Watchdog.InSafeState) rec.Flags |= FrameFlags.SafeState;
        return ok;
    }

    /// <summary>
    /// Every write to the outputs goes through the gate, so a latched safe state is never
    /// overwritten and no other thread writes at the same time. False when a driver failed.
    /// </summary>
    private bool Write(WriteMode mode)
    {
        if (!_gate.TryBeginWrite()) return true; // latched: the latcher owns the outputs and writes the safe state
        bool ok = true;
        if (mode == WriteMode.Safe) ok = WriteSafe();
        else
        {
            for (int i = 0; i < _sinks.Length; i++)
            {
                ref ActuatorCommand command = ref _applied[i];
                if (mode == WriteMode.Next) command = ref _commands[i].Next;
                else if (mode == WriteMode.Fallback) command = ref _fallbackCommands[i]!.Next;
                if (WriteCommand(i, in command)) _applied[i] = command;
                else ok = false;
            }
        }
        if (!_gate.EndWrite()) ok &= CompleteDeferredLatch();
        return ok;
    }

    /// <summary>A latch came while this thread was writing: it still owns the outputs, so it writes the safe state and completes the latch.</summary>
    private bool CompleteDeferredLatch()
    {
        bool ok = WriteSafe();
        if (ok) _safe.CopyTo(_applied, 0);
        _gate.CompleteLatch();
        return ok;
    }

    private bool WriteCommand(int sink, in ActuatorCommand command)
    {
        try
        {
            _sinks[sink].Apply(in command);
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

    /// <summary>Drives every sink safe; only ever called by the gate's current owner, on any thread. Every sink is tried even if one fails.</summary>
    private bool WriteSafe()
    {
        bool ok = true;
        for (int i = 0; i < _sinks.Length; i++)
        {
            try
            {
                _sinks[i].ApplySafeState();
            }
            catch (Exception ex)
            {
                ok = false;
                NoteOutputError(ex);
            }
        }
        _safeOnOutputs = ok;
        if (ok) Volatile.Write(ref _lastSafeWriteNs, _clock.NowNs());
        return ok;
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
    /// the end of the run. Safe from any thread: if the loop is mid-write it applies the safe state
    /// itself as its write ends; a failed write is counted, never thrown.
    /// </summary>
    public void ShutdownOutputs() => Latch(final: true);

    /// <summary>A stall: latches the outputs safe from another thread without ever writing while the loop's own write is in flight; the loop takes the latch over if it resumes.</summary>
    public void LatchOutputsSafe() => Latch(final: false);

    private void Latch(bool final)
    {
        if (_gate.Latch(final) != LatchResult.WriteSafeNow) return;
        WriteSafe();
        _gate.CompleteLatch();
    }

    /// <summary>Latches the outputs safe for good and stops the graph's nodes (sinks first).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ShutdownOutputs();
        _graph.Stop();
    }
}
