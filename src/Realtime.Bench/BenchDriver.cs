using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Bench;

/// <summary>What one bench run of a loop measured: every frame's record and the run's own figures.</summary>
public sealed class BenchRun
{
    /// <summary>The scenario.</summary>
    public BenchScenario Scenario { get; init; }
    /// <summary>The loop's settings.</summary>
    public ClosedLoopOptions Options { get; init; } = new();
    /// <summary>A copy of the frame records, warm-up first; in max-rate each counted record carries the floor run of its block.</summary>
    public FrameRecord[] Records { get; init; } = Array.Empty<FrameRecord>();
    /// <summary>Warm-up frames run.</summary>
    public int WarmupFrames { get; init; }
    /// <summary>Counted frames run.</summary>
    public int CountedFrames { get; init; }
    /// <summary>Managed bytes the pipeline thread allocated over the counted frames and their floor runs.</summary>
    public long AllocatedBytes { get; init; }
    /// <summary>GC collections (all generations) during the counted frames.</summary>
    public int GcCollections { get; init; }
    /// <summary>GC pause time during the counted frames.</summary>
    public TimeSpan GcPause { get; init; }
    /// <summary>Wall time the loop spent on counted frames (the floor blocks of max-rate excluded), ns.</summary>
    public long PipelineNs { get; init; }
    /// <summary>Wall time of the counted part of the run, floor runs included, ns.</summary>
    public long WallNs { get; init; }
    /// <summary>How the run ended.</summary>
    public LoopOutcome Outcome { get; init; }
    /// <summary>What faulted the run, if anything.</summary>
    public Exception? Fault { get; init; }
    /// <summary>Whether the run ended because its duration was up (rather than its frame count).</summary>
    public bool EndedByDuration { get; init; }
    /// <summary>Period ticks lost over the whole run (the loop's own count).</summary>
    public long DroppedFrames { get; init; }

    /// <summary>Counted frames per second of loop time.</summary>
    public double ThroughputFps => PipelineNs > 0 ? CountedFrames * 1e9 / PipelineNs : 0;
}

/// <summary>
/// Drives a <see cref="ClosedLoop{TResult}"/> for a bench run on the calling thread (the pipeline
/// thread): warm-up, then counted frames in blocks, checking a duration between blocks. In
/// single-stream and periodic runs the loop itself runs the model-alone floor after every frame;
/// in max-rate the loop runs back to back and each block of frames is followed by as many floor
/// runs, timed into a preallocated array. Nothing here allocates between the warm-up and the end
/// of the counted frames: the blocks, the duration check and the floor stamps are plain arithmetic
/// on preallocated memory.
/// </summary>
public sealed class BenchDriver
{
    /// <summary>Frames per block between duration checks (and per floor block in max-rate).</summary>
    public const int BlockFrames = 32;

    private volatile bool _stop;

    /// <summary>Asks the run to stop after the frame in flight (safe from a signal handler).</summary>
    public void RequestStop() => _stop = true;

    /// <summary>
    /// Runs <paramref name="loop"/>: its warm-up, then its counted frames or until
    /// <paramref name="durationNs"/> (when positive) has passed. The loop must be fresh, built with
    /// <c>MeasureFloor</c> off for <see cref="BenchScenario.MaxRate"/> and on otherwise.
    /// </summary>
    public BenchRun Run<T>(ClosedLoop<T> loop, IInferenceEngine engine, BenchScenario scenario, long durationNs) where T : struct
    {
        var o = loop.Options;
        bool maxRate = scenario == BenchScenario.MaxRate;
        if (maxRate && o.MeasureFloor) throw new ArgumentException("a max-rate run measures its floor in blocks: build the loop with MeasureFloor off", nameof(loop));
        if ((o.Scenario == LoopScenario.Periodic) != (scenario == BenchScenario.Periodic))
            throw new ArgumentException($"the loop is built for {o.Scenario}, the run asks for {BenchScenarios.Name(scenario)}", nameof(loop));
        if (loop.FramesRun != 0) throw new ArgumentException("the loop has already run", nameof(loop));

        int total = o.WarmupFrames + o.Frames;
        long[] floor = maxRate ? new long[o.Frames] : Array.Empty<long>();
        Exception? fault = null;
        LoopOutcome outcome = LoopOutcome.Completed;
        long bytes = 0, pipelineNs = 0, wallNs = 0;
        int gcs = 0;
        TimeSpan pause = TimeSpan.Zero;
        bool byDuration = false;
        int floorRuns = 0;
        try
        {
            LoopMemory.CollectBeforeLoop();
            outcome = RunBlock(loop, o.WarmupFrames);
            if (loop.FramesRun == o.WarmupFrames && !_stop)
            {
                long bytes0 = GC.GetAllocatedBytesForCurrentThread();
                int gc0 = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
                TimeSpan pause0 = GC.GetTotalPauseDuration();
                long start = MonotonicClock.NowNs();
                long end = durationNs > 0 ? start + durationNs : long.MaxValue;
                while (loop.FramesRun < total)
                {
                    int want = Math.Min(BlockFrames, total - loop.FramesRun);
                    int before = loop.FramesRun;
                    long t0 = MonotonicClock.NowNs();
                    outcome = RunBlock(loop, want);
                    long t1 = MonotonicClock.NowNs();
                    pipelineNs += t1 - t0;
                    int ran = loop.FramesRun - before;
                    if (maxRate)
                    {
                        for (int i = 0; i < ran; i++)
                        {
                            long f0 = MonotonicClock.NowNs();
                            engine.Run();
                            floor[floorRuns++] = MonotonicClock.NowNs() - f0;
                        }
                    }
                    if (ran < want || outcome is LoopOutcome.Faulted or LoopOutcome.SourceEnded || _stop) break;
                    if (MonotonicClock.NowNs() >= end)
                    {
                        byDuration = loop.FramesRun < total;
                        break;
                    }
                }
                wallNs = MonotonicClock.NowNs() - start;
                bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
                gcs = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gc0;
                pause = GC.GetTotalPauseDuration() - pause0;
            }
        }
        catch (Exception ex)
        {
            fault = ex;
            outcome = LoopOutcome.Faulted;
            loop.Watchdog.EnterSafe();
        }
        loop.ShutdownOutputs();

        var records = loop.Records.ToArray();
        int warm = Math.Min(o.WarmupFrames, records.Length);
        for (int i = 0; i < floorRuns && warm + i < records.Length; i++) records[warm + i].FloorNs = floor[i];
        if (fault is null)
        {
            if (records.Length == total) outcome = LoopOutcome.Completed;
            else if (byDuration || _stop) outcome = LoopOutcome.Stopped;
        }
        return new BenchRun
        {
            Scenario = scenario,
            Options = o,
            Records = records,
            WarmupFrames = warm,
            CountedFrames = records.Length - warm,
            AllocatedBytes = bytes,
            GcCollections = gcs,
            GcPause = pause,
            PipelineNs = pipelineNs,
            WallNs = wallNs,
            Outcome = outcome,
            Fault = fault,
            EndedByDuration = byDuration,
            DroppedFrames = loop.DroppedFrames,
        };
    }

    private LoopOutcome RunBlock<T>(ClosedLoop<T> loop, int frames) where T : struct
    {
        if (_stop) loop.RequestStop();
        return loop.RunFrames(frames);
    }
}
