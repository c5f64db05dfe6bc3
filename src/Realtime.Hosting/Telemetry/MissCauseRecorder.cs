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
/// (<c>preempted</c>), page faults (estimated at 2 µs a minor and 100 µs a major one), a stage over its budget (<c>slow_stage:STAGE</c>), the capture
/// taking most of the frame (<c>source_late</c>), else the longest stage. Counters are opened on
/// the pipeline thread at its first frame; where the kernel keeps none, causes come from the stamps.
/// </summary>
public sealed class MissCauseRecorder : LoopInstrument
{
    /// <summary>The most recent misses kept with their measurements.</summary>
    public const int Kept = 1000;

    private static readonly string[] Stages = Realtime.Core.Profiles.ProfileLoader.StageNames;
    private const int Preempted = 0, PageFaults = 1, SourceLate = 2, SlowStage = 3; // slow stages: SlowStage + stage

    private readonly long _deadlineNs;
    private readonly long[]? _budgetsNs;
    private readonly int[] _byCause = new int[SlowStage + 6];
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
    }

    /// <summary>A recorder for a loop with <paramref name="deadlineNs"/> and optional per-stage budgets (by <see cref="Stage"/>, 0: none).</summary>
    public MissCauseRecorder(long deadlineNs, long[]? stageBudgetsNs)
    {
        _deadlineNs = deadlineNs;
        _budgetsNs = stageBudgetsNs;
    }

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
        // The kernel does not say how long faults took: a minor fault is taken as 2 µs (a page zeroed or
        // mapped), a major one as 100 µs (a read from storage at the least).
        long faultNs = during.MinorFaults * 2_000 + during.MajorFaults * 100_000;
        int cause =
            during.RunQueueWaitNs > 0 && during.RunQueueWaitNs >= over ? Preempted
            : faultNs > 0 && faultNs >= over ? PageFaults
            : overBudget >= 0 ? SlowStage + overBudget
            : longest == 0 ? SourceLate
            : SlowStage + longest;
        _byCause[cause]++;
        ref Entry e = ref _ring[_next];
        e.Frame = frame;
        e.Cause = cause;
        e.Stage = stage;
        e.EndToEndNs = e2e;
        e.StageNs = _stageNs[stage];
        e.During = during;
        _next = (_next + 1) % Kept;
        if (_count < Kept) _count++;
        Misses++;
    }

    /// <summary>The report's section (after the run, off the loop's thread).</summary>
    public MissCauseReport ToReport()
    {
        var r = new MissCauseReport { Kept = Kept, CountersUnavailable = _opened ? _unavailable : null };
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
            });
        }
        return r;
    }

    private static string CauseName(int cause) => cause switch
    {
        Preempted => "preempted",
        PageFaults => "page_faults",
        SourceLate => "source_late",
        _ => "slow_stage:" + Stages[cause - SlowStage],
    };

    /// <summary>Closes the counters.</summary>
    public void Close() => _counters?.Dispose();
}
