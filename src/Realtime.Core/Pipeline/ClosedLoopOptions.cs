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

