using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// Gives every deadline miss a cause, per frame and without allocating: the pipeline thread's
/// kernel counters (<see cref="ThreadKernelCounters"/>: run-queue wait, context switches, page
/// faults) read when a frame starts and when it ends, and the frame's own stamps. The cause is the
/// first of these that, taken away, would have let the frame make it: time waiting for a CPU
/// (<c>preempted</c>), page faults (a minor one costs what <see cref="DroppableMemory.MeasureMinorFaultNs"/> measured on this
/// machine when the recorder was made, a major one 100 µs at the least), a stage over its budget (<c>slow_stage:STAGE</c>), the capture
/// taking most of the frame (<c>source_late</c>), else the longest stage. Counters are opened on
/// the pipeline thread at its first frame; where the kernel keeps none, causes come from the stamps.
/// <para>
/// With a <see cref="ResourceSampler"/>, a miss also carries what the machine was doing in the sample
/// interval it fell in (<see cref="MachineConditions"/>), and a miss the thread's own counters do not
/// explain (a slow stage) is given the machine's condition instead, in this order: <c>throttled</c>,
/// <c>hot</c>, <c>memory_pressure</c>, <c>io_pressure</c>. So the whole order is: preempted, page
/// faults, source late (the thread's own evidence, or the camera), then the machine, then the slow
/// stage. That interval ends at the next sample: misses wait (counted by cause, on the pipeline
/// thread, without allocating) until it is taken, at most one sample period.
/// </para>
/// </summary>
public sealed class MissCauseRecorder : LoopInstrument
{
    /// <summary>The most recent misses kept with their measurements.</summary>
    public const int Kept = 1000;

    private static readonly string[] Stages = Realtime.Core.Profiles.ProfileLoader.StageNames;
    /// <summary>How far the fault cost measured at start may fall short of a fault's real cost in a loaded frame.</summary>
    private const int FaultCostMargin = 4;
    private const int Preempted = 0, PageFaults = 1, SourceLate = 2, Throttled = 3, Hot = 4, MemoryPressure = 5, IoPressure = 6,
        SlowStage = 7; // slow stages: SlowStage + stage

    private readonly long _deadlineNs;
    private readonly long[]? _budgetsNs;
    private readonly int[] _byCause = new int[SlowStage + 6];
    private readonly int[] _pendingByCause = new int[SlowStage + 6];
    private readonly ResourceSampler? _machine;
    private long _pendingSample;
    private int _pending;
    private readonly Entry[] _ring = new Entry[Kept];
    private readonly long[] _stageNs = new long[6];
    private ThreadKernelCounters? _counters;
    private bool _opened;
    private string? _unavailable;
    private ThreadCounters _start;
    private bool _haveStart;
    private int _next, _count;

    private struct Entry
    {
        public int Frame, Cause, Stage;
        public long EndToEndNs, StageNs;
        public ThreadCounters During;
        public MachineConditions Machine;
    }

    /// <summary>
    /// A recorder for a loop with <paramref name="deadlineNs"/> and optional per-stage budgets (by
    /// <see cref="Stage"/>, 0: none); with <paramref name="machine"/>, misses carry the machine's conditions.
    /// </summary>
    /// <param name="deadlineNs">The loop's deadline.</param>
    /// <param name="stageBudgetsNs">Per-stage budgets, or null.</param>
    /// <param name="machine">The machine's sampler, or null.</param>
    /// <param name="minorFaultNs">What a minor page fault costs; 0: measured now (a few ms, off the loop's thread).</param>
    public MissCauseRecorder(long deadlineNs, long[]? stageBudgetsNs, ResourceSampler? machine = null, long minorFaultNs = 0)
    {
        _deadlineNs = deadlineNs;
        _budgetsNs = stageBudgetsNs;
        _machine = machine;
        if (minorFaultNs <= 0) minorFaultNs = DroppableMemory.MeasureMinorFaultNs();
        // Mapping refused: a bare machine's order of magnitude.
        MinorFaultNs = minorFaultNs > 0 ? minorFaultNs : 2_000;
    }

    /// <summary>What one minor page fault is taken to cost, ns (measured on this machine).</summary>
    public long MinorFaultNs { get; }

    /// <summary>Misses given a cause so far.</summary>
    public int Misses { get; private set; }

    /// <inheritdoc/>
    public override void OnTick(long tick)
    {
        if (!_opened)
        {
            // thread-self is resolved when opened: this is the pipeline thread.
            _opened = true;
            _counters = ThreadKernelCounters.OpenForThisThread(out _unavailable);
        }
        _haveStart = _counters is not null && _counters.TryRead(out _start);
    }

    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        // The interval the waiting misses fell in has been sampled: they take its conditions.
        if (_pending > 0 && _machine!.Sequence > _pendingSample) Resolve(_machine.ConditionsOf(_pendingSample));
        if ((record.Flags & (FrameFlags.DeadlineMiss | FrameFlags.Warmup)) != FrameFlags.DeadlineMiss) return;
        ThreadCounters during = default;
        if (_haveStart && _counters!.TryRead(out ThreadCounters end)) during = end.Since(_start);
        long e2e = record.EndToEndNs;
        long over = e2e - _deadlineNs;
        _stageNs[0] = record.CaptureStageNs;
        _stageNs[1] = record.PreprocessEndNs - record.CaptureEndNs;
        _stageNs[2] = record.InferEndNs - record.PreprocessEndNs;
        _stageNs[3] = record.DecodeEndNs - record.InferEndNs;
        _stageNs[4] = record.ControlEndNs - record.DecodeEndNs;
        _stageNs[5] = record.ActuateEndNs - record.ControlEndNs;
        int longest = 0, overBudget = -1;
        for (int s = 0; s < 6; s++)
        {
            if (_stageNs[s] > _stageNs[longest]) longest = s;
            if (overBudget < 0 && _budgetsNs is { } b && s < b.Length && b[s] > 0 && _stageNs[s] > b[s]) overBudget = s;
        }
        int stage = overBudget >= 0 ? overBudget : longest;
        // The kernel does not say how long faults took: a minor fault is taken as what one cost when
        // measured (a page zeroed and mapped: about 1 µs on a bare machine, tens under some hypervisors),
        // a major one as 100 µs (a read from storage at the least).
        long faultNs = during.MinorFaults * MinorFaultNs + during.MajorFaults * Math.Max(100_000, MinorFaultNs);
        // When each alone would explain the overrun, the larger of the two is named. The faults' time is
        // an estimate from a cost measured with a few cache-warm pages: a page costs more with many (3 µs
        // a page for 32 MB against 1.1 µs for 64 pages on this project's machine, 20 µs and more when its
        // host is busy), so faults explain an overrun their estimate covers a quarter of.
        bool waited = during.RunQueueWaitNs > 0 && during.RunQueueWaitNs >= over;
        bool faulted = faultNs > 0 && faultNs * FaultCostMargin >= over;
        int cause =
            waited && (!faulted || during.RunQueueWaitNs >= faultNs) ? Preempted
            : faulted ? PageFaults
            : overBudget >= 0 ? SlowStage + overBudget
            : longest == 0 ? SourceLate
            : SlowStage + longest;
        ref Entry e = ref _ring[_next];
        e.Frame = frame;
        e.Cause = cause;
        e.Stage = stage;
        e.EndToEndNs = e2e;
        e.StageNs = _stageNs[stage];
        e.During = during;
        e.Machine = MachineConditions.None;
        _next = (_next + 1) % Kept;
        if (_count < Kept) _count++;
        Misses++;
        if (_machine is null) _byCause[cause]++;
        else
        {
            _pendingSample = _machine.Sequence;
            _pendingByCause[cause]++;
            _pending++;
        }
    }

    /// <summary>Gives the waiting misses (the newest <see cref="_pending"/>) the conditions of the interval they fell in.</summary>
    private void Resolve(MachineConditions conditions)
    {
        for (int c = 0; c < _pendingByCause.Length; c++)
        {
            if (_pendingByCause[c] == 0) continue;
            _byCause[Refine(c, conditions)] += _pendingByCause[c];
            _pendingByCause[c] = 0;
        }
        for (int i = 0, n = Math.Min(_pending, _count); i < n; i++)
        {
            ref Entry e = ref _ring[(_next - 1 - i + Kept) % Kept];
            e.Machine = conditions;
            e.Cause = Refine(e.Cause, conditions);
        }
        _pending = 0;
    }

    /// <summary>A cause from the thread's counters or the stamps, given the machine's conditions: a slow stage is the machine's when it was throttled, hot or under pressure.</summary>
    private static int Refine(int cause, MachineConditions c) =>
        cause < SlowStage || c == MachineConditions.None ? cause
        : (c & MachineConditions.Throttled) != 0 ? Throttled
        : (c & MachineConditions.Hot) != 0 ? Hot
        : (c & MachineConditions.MemoryPressure) != 0 ? MemoryPressure
        : IoPressure;

    /// <summary>The report's section (after the run, off the loop's thread).</summary>
    public MissCauseReport ToReport()
    {
        // Misses after the last sample: its final one (taken when the sampler stopped) covers them, else nothing does.
        if (_pending > 0) Resolve(_machine!.Sequence > _pendingSample ? _machine.ConditionsOf(_pendingSample) : MachineConditions.None);
        var r = new MissCauseReport { Kept = Kept, CountersUnavailable = _opened ? _unavailable : null, MinorFaultUs = Math.Round(MinorFaultNs / 1e3, 3) };
        for (int c = 0; c < _byCause.Length; c++)
            if (_byCause[c] > 0) r.ByCause[CauseName(c)] = _byCause[c];
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref _ring[(_next - _count + i + Kept) % Kept];
            r.Frames.Add(new MissCause
            {
                Frame = e.Frame,
                Cause = CauseName(e.Cause),
                EndToEndUs = Math.Round(e.EndToEndNs / 1e3, 3),
                OverByUs = Math.Round((e.EndToEndNs - _deadlineNs) / 1e3, 3),
                RunQueueWaitUs = Math.Round(e.During.RunQueueWaitNs / 1e3, 3),
                InvoluntarySwitches = e.During.InvoluntarySwitches,
                VoluntarySwitches = e.During.VoluntarySwitches,
                MinorFaults = e.During.MinorFaults,
                MajorFaults = e.During.MajorFaults,
                Stage = Stages[e.Stage],
                StageUs = Math.Round(e.StageNs / 1e3, 3),
                Machine = ResourceSampler.Names(e.Machine),
            });
        }
        return r;
    }

    private static string CauseName(int cause) => cause switch
    {
        Preempted => "preempted",
        PageFaults => "page_faults",
        SourceLate => "source_late",
        Throttled => "throttled",
        Hot => "hot",
        MemoryPressure => "memory_pressure",
        IoPressure => "io_pressure",
        _ => "slow_stage:" + Stages[cause - SlowStage],
    };

    /// <summary>Closes the counters.</summary>
    public void Close() => _counters?.Dispose();
}
