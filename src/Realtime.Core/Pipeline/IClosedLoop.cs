using System;

namespace Realtime.Core.Pipeline;

/// <summary>
/// What a runner, the watchdog thread and the bench need of a loop, whatever its demo's
/// observation type: its settings, its progress, what it measured and how to stop it.
/// </summary>
public interface IClosedLoop : ILoopHeartbeat
{
    /// <summary>The settings.</summary>
    ClosedLoopOptions Options { get; }
    /// <summary>The in-loop watchdog.</summary>
    LoopWatchdog Watchdog { get; }
    /// <summary>Frames the source dropped because the loop fell behind.</summary>
    long DroppedFrames { get; }
    /// <summary>The exception that ended the run, if a stage threw.</summary>
    Exception? Fault { get; }
    /// <summary>Monotonic time of the first actuation, ns (0 before it).</summary>
    long FirstActuationNs { get; }
    /// <summary>The command now on the outputs.</summary>
    ActuatorCommand Applied { get; }
    /// <summary>Managed bytes allocated over the counted frames measured.</summary>
    long CountedAllocatedBytes { get; }
    /// <summary>GC collections over the counted frames.</summary>
    int CountedGcCollections { get; }
    /// <summary>GC pause over the counted frames.</summary>
    TimeSpan CountedGcPause { get; }
    /// <summary>Counted frames the allocation figures cover.</summary>
    int CountedFramesMeasured { get; }
    /// <summary>Monotonic time of the last write of the safe state, ns (0: never).</summary>
    long LastSafeWriteNs { get; }
    /// <summary>Writes to the outputs that failed (the driver threw), on any thread.</summary>
    int OutputWriteFailures { get; }
    /// <summary>The first failed write's error, or null.</summary>
    Exception? FirstOutputError { get; }
    /// <summary>The records of the frames run, warm-up first.</summary>
    ReadOnlySpan<FrameRecord> Records { get; }
    /// <summary>Monotonic time the first frame started, ns (0 before it).</summary>
    long FirstFrameStartNs { get; }
    /// <summary>Asks the loop to stop after the frame in flight.</summary>
    void RequestStop();
    /// <summary>Runs warm-up and counted frames.</summary>
    LoopOutcome Run();
    /// <summary>Runs up to <paramref name="count"/> more frames.</summary>
    LoopOutcome RunFrames(int count);

    /// <summary>The graph loop that runs the frames (a loop built over the graph exposes it; instruments such as the flight recorder attach to it).</summary>
    Graph.GraphLoop? GraphLoop => this as Graph.GraphLoop;
}
