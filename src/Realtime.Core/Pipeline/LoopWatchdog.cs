using System;
using System.Threading;

namespace Realtime.Core.Pipeline;

/// <summary>What can go wrong with a frame or the loop.</summary>
public enum FaultKind : byte
{
    /// <summary>The frame would reach the outputs after its deadline.</summary>
    DeadlineMiss,
    /// <summary>A stage ran longer than its budget.</summary>
    StageOverrun,
    /// <summary>The pipeline made no progress within the stall timeout (seen by the watchdog thread).</summary>
    Stall,
    /// <summary>The source failed, or delivered a stale or flat (garbage) frame.</summary>
    SourceFailure,
    /// <summary>A write to the outputs failed (the driver threw, e.g. sysfs PWM's EINVAL).</summary>
    OutputFailure,
}

/// <summary>What the loop does about a fault; ordered from mildest to strongest.</summary>
public enum FaultAction : byte
{
    /// <summary>Count it and carry on: the frame's command is applied.</summary>
    Ignore,
    /// <summary>Drop the frame's command; nothing is written.</summary>
    Skip,
    /// <summary>Write the last good command again.</summary>
    HoldLast,
    /// <summary>Apply the fallback controller's command (e.g. a slow return to safe) until the loop is healthy again.</summary>
    Fallback,
    /// <summary>Drive the outputs to their safe values until the loop is healthy again.</summary>
    SafeState,
    /// <summary>Drive the outputs safe and end the run with a distinct exit code, for the supervisor to restart.</summary>
    Exit,
}

/// <summary>One thing the watchdog saw and did, with its time.</summary>
public struct WatchdogEvent
{
    /// <summary>Frame index (warm-up included).</summary>
    public int Frame;
    /// <summary>Monotonic time, ns.</summary>
    public long TimeNs;
    /// <summary>What went wrong (meaningless for a recovery).</summary>
    public FaultKind Kind;
    /// <summary>What was done.</summary>
    public FaultAction Action;
    /// <summary>True for a recovery (leaving the safe or fallback state).</summary>
    public bool Recovery;
}

/// <summary>
/// The watchdog's decisions, one per frame, made on the pipeline thread so they need no lock. Each
/// fault kind has its own action; several faults on one frame take the strongest. A run of
/// <see cref="EscalateAfter"/> faulty frames (faults whose action is not "ignore") escalates to the safe state; the safe and fallback
/// states are left after <see cref="RecoverAfter"/> healthy frames in a row (hysteresis). Events
/// go into a preallocated ring read after the run.
/// </summary>
public sealed class LoopWatchdog
{
    /// <summary>Number of <see cref="FaultKind"/> values.</summary>
    public const int KindCount = 5;
    private readonly FaultAction[] _actions = new FaultAction[KindCount];
    private readonly WatchdogEvent[] _events;
    private readonly int[] _faultCounts = new int[KindCount];
    private int _eventCount;
    private int _consecutiveFaulty;
    private int _consecutiveHealthy;

    /// <summary>Creates a watchdog; arguments are checked once here. A failed output write drives the outputs safe unless <paramref name="onOutputFailure"/> says more (exit).</summary>
    public LoopWatchdog(FaultAction onDeadlineMiss, FaultAction onStageOverrun, FaultAction onStall, FaultAction onSourceFailure,
        int escalateAfter, int recoverAfter, int eventCapacity = 1024, FaultAction onOutputFailure = FaultAction.SafeState)
    {
        if (onOutputFailure < FaultAction.SafeState) throw new ArgumentOutOfRangeException(nameof(onOutputFailure), "an output that cannot be written is driven safe at least");
        if (escalateAfter < 1) throw new ArgumentOutOfRangeException(nameof(escalateAfter), "must be at least 1");
        if (recoverAfter < 1) throw new ArgumentOutOfRangeException(nameof(recoverAfter), "must be at least 1");
        _actions[(int)FaultKind.DeadlineMiss] = onDeadlineMiss;
        _actions[(int)FaultKind.StageOverrun] = onStageOverrun;
        _actions[(int)FaultKind.Stall] = onStall;
        _actions[(int)FaultKind.SourceFailure] = onSourceFailure;
        _actions[(int)FaultKind.OutputFailure] = onOutputFailure;
        EscalateAfter = escalateAfter;
        RecoverAfter = recoverAfter;
        _events = new WatchdogEvent[Math.Max(1, eventCapacity)];
    }

    /// <summary>Faulty frames in a row that force the safe state.</summary>
    public int EscalateAfter { get; }
    /// <summary>Healthy frames in a row that leave the safe or fallback state.</summary>
    public int RecoverAfter { get; }
    /// <summary>Whether the outputs are held safe.</summary>
    public bool InSafeState { get; private set; }
    /// <summary>Whether the fallback controller is in charge.</summary>
    public bool InFallback { get; private set; }
    /// <summary>Times the safe state was entered.</summary>
    public int SafeStateEntries { get; private set; }
    /// <summary>Times a run of faulty frames escalated to the safe state.</summary>
    public int Trips { get; private set; }
    /// <summary>Set when an <see cref="FaultAction.Exit"/> fault happened: the kind that asked for it.</summary>
    public FaultKind? ExitRequestedBy { get; private set; }

    /// <summary>The action configured for a fault kind.</summary>
    public FaultAction ActionFor(FaultKind kind) => _actions[(int)kind];
    /// <summary>Whether some fault kind takes <paramref name="action"/> (a loop then needs what that action uses, e.g. a fallback controller).</summary>
    public bool Uses(FaultAction action) => Array.IndexOf(_actions, action) >= 0;
    /// <summary>Faults seen of a kind.</summary>
    public int FaultCount(FaultKind kind) => _faultCounts[(int)kind];
    /// <summary>Events recorded (at most the ring's capacity are kept: the first ones).</summary>
    public ReadOnlySpan<WatchdogEvent> Events => _events.AsSpan(0, Math.Min(_eventCount, _events.Length));
    /// <summary>Events that happened, including those the ring could not keep.</summary>
    public int EventCount => _eventCount;

    /// <summary>
    /// The decision for one frame given the faults seen on it (a bit per <see cref="FaultKind"/>).
    /// Returns the action to take at the outputs: <see cref="FaultAction.Ignore"/> means apply the
    /// frame's command. Allocation-free.
    /// </summary>
    public FaultAction OnFrame(int frame, int faultMask, long nowNs)
    {
        // Faults whose action is "ignore" are counted but do not make the frame faulty.
        for (int k = 0; k < KindCount; k++)
        {
            if ((faultMask & (1 << k)) == 0 || _actions[k] != FaultAction.Ignore) continue;
            _faultCounts[k]++;
            faultMask &= ~(1 << k);
        }
        if (faultMask == 0)
        {
            _consecutiveFaulty = 0;
            if (!InSafeState && !InFallback) return FaultAction.Ignore;
            if (++_consecutiveHealthy < RecoverAfter) return InSafeState ? FaultAction.SafeState : FaultAction.Fallback;
            Record(frame, nowNs, FaultKind.DeadlineMiss, InSafeState ? FaultAction.SafeState : FaultAction.Fallback, recovery: true);
            InSafeState = false;
            InFallback = false;
            _consecutiveHealthy = 0;
            return FaultAction.Ignore;
        }

        _consecutiveHealthy = 0;
        _consecutiveFaulty++;
        FaultAction action = FaultAction.Ignore;
        FaultKind worst = FaultKind.DeadlineMiss;
        for (int k = 0; k < KindCount; k++)
        {
            if ((faultMask & (1 << k)) == 0) continue;
            _faultCounts[k]++;
            if (_actions[k] >= action) { action = _actions[k]; worst = (FaultKind)k; }
        }
        if (_consecutiveFaulty >= EscalateAfter && action < FaultAction.SafeState && !InSafeState)
        {
            Trips++;
            action = FaultAction.SafeState;
        }
        switch (action)
        {
            case FaultAction.Exit:
                EnterSafe();
                ExitRequestedBy ??= worst;
                break;
            case FaultAction.SafeState:
                if (!InSafeState) { EnterSafe(); Record(frame, nowNs, worst, action, recovery: false); }
                return FaultAction.SafeState;
            case FaultAction.Fallback:
                if (!InFallback && !InSafeState) { InFallback = true; Record(frame, nowNs, worst, action, recovery: false); }
                break;
        }
        if (action == FaultAction.Exit) { Record(frame, nowNs, worst, action, recovery: false); return FaultAction.Exit; }
        // While safe (or in fallback), a milder action for a new fault does not loosen the outputs.
        if (InSafeState) return FaultAction.SafeState;
        if (InFallback && action < FaultAction.Fallback) return FaultAction.Fallback;
        if (action <= FaultAction.HoldLast && action != FaultAction.Ignore && _consecutiveFaulty == 1) Record(frame, nowNs, worst, action, recovery: false);
        return action;
    }

    /// <summary>Forces the safe state (a stall seen by the watchdog thread, a stop, a fault).</summary>
    public void EnterSafe()
    {
        _consecutiveHealthy = 0;
        if (InSafeState) return;
        InSafeState = true;
        InFallback = false;
        SafeStateEntries++;
    }

    /// <summary>Notes a fault seen outside a frame (a stall) with the action taken.</summary>
    public void RecordExternal(int frame, long nowNs, FaultKind kind, FaultAction action)
    {
        CountExternal(kind, action);
        Record(frame, nowNs, kind, action, recovery: false);
    }

    /// <summary>
    /// Counts a fault whose event another thread recorded (a stall the watchdog thread latched, with
    /// the time it latched) and takes its action's state over.
    /// </summary>
    public void CountExternal(FaultKind kind, FaultAction action)
    {
        _faultCounts[(int)kind]++;
        _consecutiveHealthy = 0;
        if (action >= FaultAction.SafeState) EnterSafe();
        if (action == FaultAction.Exit) ExitRequestedBy ??= kind;
    }

    /// <summary>
    /// A write to the outputs failed on this frame: counted, and its action (the safe state, or
    /// exit) taken; the event is recorded when the state changes. Returns the action.
    /// </summary>
    public FaultAction OnOutputFailure(int frame, long nowNs)
    {
        FaultAction action = _actions[(int)FaultKind.OutputFailure];
        bool wasSafe = InSafeState;
        CountExternal(FaultKind.OutputFailure, action);
        if (!wasSafe || action == FaultAction.Exit) Record(frame, nowNs, FaultKind.OutputFailure, action, recovery: false);
        return action;
    }

    private void Record(int frame, long nowNs, FaultKind kind, FaultAction action, bool recovery)
    {
        int i = _eventCount++;
        if (i >= _events.Length) return;
        _events[i] = new WatchdogEvent { Frame = frame, TimeNs = nowNs, Kind = kind, Action = action, Recovery = recovery };
    }

    /// <summary>Parses a profile's action name: ignore, skip, hold-last, fallback, safe-state, exit.</summary>
    public static FaultAction? ParseAction(string? name) => name switch
    {
        "ignore" => FaultAction.Ignore,
        "skip" => FaultAction.Skip,
        "hold-last" => FaultAction.HoldLast,
        "fallback" => FaultAction.Fallback,
        "safe-state" => FaultAction.SafeState,
        "exit" => FaultAction.Exit,
        _ => null,
    };

    /// <summary>The profile name of an action.</summary>
    public static string ActionName(FaultAction a) => a switch
    {
        FaultAction.Ignore => "ignore",
        FaultAction.Skip => "skip",
        FaultAction.HoldLast => "hold-last",
        FaultAction.Fallback => "fallback",
        FaultAction.SafeState => "safe-state",
        _ => "exit",
    };

    /// <summary>The report name of a fault kind.</summary>
    public static string KindName(FaultKind k) => k switch
    {
        FaultKind.DeadlineMiss => "deadline_miss",
        FaultKind.StageOverrun => "stage_overrun",
        FaultKind.Stall => "stall",
        FaultKind.SourceFailure => "source_failure",
        _ => "output_failure",
    };
}
