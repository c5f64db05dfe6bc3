using System;
using System.Globalization;
using System.Collections.Generic;
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
    /// <summary>GC collections during the counted frames (every collection once, whatever its generation).</summary>
    public int GcCollections { get; init; }
    /// <summary>Of <see cref="GcCollections"/>, the full (gen2) ones (paired runs; -1 when not counted apart).</summary>
    public int Gen2Collections { get; init; } = -1;
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
    /// <summary>End-to-end latencies of the uncounted frames that began each turn of a paired run (ns; empty when none ran).</summary>
    public long[] RewarmEndToEndNs { get; init; } = Array.Empty<long>();
    /// <summary>How many of the loop's frames were a turn's uncounted re-warm (left out of <see cref="Records"/>), source faults included.</summary>
    public int RewarmFrames { get; init; }
    /// <summary>
    /// The loop's own frame number of each record, where re-warm frames were left out (a paired run's);
    /// null when record i is loop frame i. What an instrument kept per loop frame is matched to the
    /// records through it (<see cref="LoopFrame"/>).
    /// </summary>
    public int[]? RecordLoopFrames { get; init; }

    /// <summary>The loop's own frame number of record <paramref name="record"/> (warm-up included).</summary>
    public int LoopFrame(int record) => RecordLoopFrames is { } map ? map[record] : record;

    /// <summary>
    /// How much slower the turns' uncounted first frames ran than the counted frames' end-to-end p50
    /// (<paramref name="countedP50Us"/>), at p50, in words ("256 µs (1.20×)"); null when none ran.
    /// </summary>
    public string? RewarmTax(double countedP50Us)
    {
        if (RewarmEndToEndNs.Length == 0 || countedP50Us <= 0) return null;
        double rewarm = Percentiles.Summarize(RewarmEndToEndNs).P50Us;
        return string.Create(CultureInfo.InvariantCulture, $"{rewarm - countedP50Us:0} µs ({rewarm / countedP50Us:0.00}×)");
    }

    /// <summary>Counted frames per second of loop time.</summary>
    public double ThroughputFps => PipelineNs > 0 ? CountedFrames * 1e9 / PipelineNs : 0;
}

/// <summary>
/// Drives a loop (<see cref="IClosedLoop"/>: a <see cref="Realtime.Core.Graph.GraphLoop"/>) for a bench run on the calling thread (the pipeline
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
    private static readonly Realtime.Linux.ClockNanosleepWaiter RestWaiter = new();
    private static readonly SystemClock RestClock = SystemClock.Instance;

    /// <summary>Asks the run to stop after the frame in flight (safe from a signal handler).</summary>
    public void RequestStop() => _stop = true;

    /// <summary>
    /// Runs <paramref name="loop"/>: its warm-up, then its counted frames or until
    /// <paramref name="durationNs"/> (when positive) has passed. The loop must be fresh, built with
    /// <c>MeasureFloor</c> off for <see cref="BenchScenario.MaxRate"/> and on otherwise.
    /// </summary>
    public BenchRun Run(IClosedLoop loop, IInferenceEngine engine, BenchScenario scenario, long durationNs)
    {
        var o = loop.Options;
        bool maxRate = scenario == BenchScenario.MaxRate;
        if (maxRate && o.MeasureFloor) throw new ArgumentException("a max-rate run measures its floor in blocks: build the loop with MeasureFloor off", nameof(loop));
        if ((o.Scenario == LoopScenario.Periodic) != (scenario == BenchScenario.Periodic))
            throw new ArgumentException($"the loop is built for {o.Scenario}, the run asks for {BenchScenarios.Name(scenario)}", nameof(loop));
        if (loop.FramesRun != 0) throw new ArgumentException("the loop has already run", nameof(loop));
        if (loop is Realtime.Core.Graph.GraphLoop { IsPipelined: true } pipelined) return RunPipelined(pipelined, scenario);

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
                // CollectionCount(0) counts every collection (a gen1 or gen2 collection collects gen0 too).
                int gc0 = GC.CollectionCount(0);
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
                    if (maxRate && !engine.CarriesState)
                    {
                        long block0 = MonotonicClock.NowNs();
                        for (int i = 0; i < ran; i++)
                        {
                            long f0 = MonotonicClock.NowNs();
                            engine.Run();
                            floor[floorRuns++] = MonotonicClock.NowNs() - f0;
                        }
                        // The floor's block is back-to-back work on this thread too: it counts toward the loop's rests.
                        Realtime.Core.Scheduling.RealtimeBandwidthPacer.ForThisThread?.Worked(MonotonicClock.NowNs() - block0, RestWaiter, RestClock);
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
                gcs = GC.CollectionCount(0) - gc0;
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

    /// <summary>
    /// A pipelined loop runs as one: its groups' threads start together and run warm-up and counted
    /// frames without a break (a block at a time would stop the pipeline between blocks); each
    /// thread's allocations are its own, summed by the loop.
    /// </summary>
    private static BenchRun RunPipelined(Realtime.Core.Graph.GraphLoop loop, BenchScenario scenario)
    {
        if (scenario == BenchScenario.MaxRate) throw new ArgumentException("a max-rate run measures the model's floor between frames on the loop's thread: run a pipelined loop periodic or single-stream", nameof(loop));
        var o = loop.Options;
        long start = MonotonicClock.NowNs();
        LoopOutcome outcome = loop.Run();
        long wallNs = MonotonicClock.NowNs() - start;
        var records = loop.Records.ToArray();
        int warm = Math.Min(o.WarmupFrames, records.Length);
        return new BenchRun
        {
            Scenario = scenario,
            Options = o,
            Records = records,
            WarmupFrames = warm,
            CountedFrames = records.Length - warm,
            AllocatedBytes = loop.CountedAllocatedBytes,
            GcCollections = loop.CountedGcCollections,
            GcPause = loop.CountedGcPause,
            PipelineNs = wallNs,
            WallNs = wallNs,
            Outcome = outcome,
            Fault = loop.Fault,
            DroppedFrames = loop.DroppedFrames,
        };
    }

    /// <summary>
    /// Runs two fresh single-stream loops in the same run on the calling thread, block by block
    /// (warm-up of each, then <see cref="BlockFrames"/> frames of one, then of the other, until both
    /// have run their frames), measuring each one's allocations, collections and GC pauses over its
    /// own blocks only. Figures of one loop are therefore free of the other's, while both see the
    /// same machine at the same time.
    /// </summary>
    /// <param name="first">The loop whose turn comes first.</param>
    /// <param name="second">The other loop.</param>
    /// <param name="rewarmFrames">Frames each loop runs uncounted at the start of each of its turns (0: none): the first
    /// frames after the other loop's turn pay for its caches, which a loop running alone never does. Build each loop for
    /// <see cref="PairedFrames"/> of its counted frames; the records returned leave these frames out.</param>
    public (BenchRun First, BenchRun Second) RunPair(IClosedLoop first, IClosedLoop second, int rewarmFrames = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rewarmFrames);
        var loops = new[] { first, second };
        foreach (var l in loops)
        {
            if (l.Options.Scenario != LoopScenario.SingleStream) throw new ArgumentException("a paired run is single-stream: two paced loops on one thread would pace each other");
            if (l.FramesRun != 0) throw new ArgumentException("the loop has already run");
        }
        var bytes = new long[2];
        var gcs = new int[2];
        var gen2 = new int[2];
        var pause = new TimeSpan[2];
        var loopNs = new long[2];
        var outcome = new LoopOutcome[2];
        // Which frames were a turn's re-warm, per loop (allocated before the loop, set by index in it).
        var rewarm = new bool[2][];
        for (int k = 0; k < 2; k++) rewarm[k] = new bool[loops[k].Options.WarmupFrames + loops[k].Options.Frames];
        Exception? fault = null;
        int faulted = -1;
        try
        {
            LoopMemory.CollectBeforeLoop();
            for (int k = 0; k < 2; k++) outcome[k] = RunBlock(loops[k], loops[k].Options.WarmupFrames);
            bool more = true;
            while (more && !_stop)
            {
                more = false;
                for (int k = 0; k < 2; k++)
                {
                    var l = loops[k];
                    int total = l.Options.WarmupFrames + l.Options.Frames;
                    if (l.FramesRun >= total || outcome[k] is LoopOutcome.Faulted or LoopOutcome.SourceEnded) continue;
                    faulted = k;
                    // The other loop's garbage is collected before this block, outside its window: a
                    // collection counted here is one this loop's own allocations (or nobody's) caused.
                    GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                    for (int r = 0; r < rewarmFrames && l.FramesRun < total && outcome[k] is not (LoopOutcome.Faulted or LoopOutcome.SourceEnded); r++)
                    {
                        rewarm[k][l.FramesRun] = true;
                        outcome[k] = RunBlock(l, 1);
                    }
                    if (l.FramesRun >= total || outcome[k] is LoopOutcome.Faulted or LoopOutcome.SourceEnded) continue;
                    long b0 = GC.GetAllocatedBytesForCurrentThread();
                    int c0 = GC.CollectionCount(0), z0 = GC.CollectionCount(2);
                    TimeSpan p0 = GC.GetTotalPauseDuration();
                    long t0 = MonotonicClock.NowNs();
                    outcome[k] = RunBlock(l, Math.Min(BlockFrames, total - l.FramesRun));
                    loopNs[k] += MonotonicClock.NowNs() - t0;
                    bytes[k] += GC.GetAllocatedBytesForCurrentThread() - b0;
                    gcs[k] += GC.CollectionCount(0) - c0;
                    gen2[k] += GC.CollectionCount(2) - z0;
                    pause[k] += GC.GetTotalPauseDuration() - p0;
                    if (l.FramesRun < total) more = true;
                }
            }
            faulted = -1;
        }
        catch (Exception ex)
        {
            fault = ex;
            if (faulted >= 0) loops[faulted].Watchdog.EnterSafe();
        }
        var result = new BenchRun[2];
        for (int k = 0; k < 2; k++)
        {
            var l = loops[k];
            l.ShutdownOutputs();
            var all = l.Records;
            var kept = new List<FrameRecord>(all.Length);
            var keptLoopFrames = new List<int>(all.Length);
            var rewarmNs = new List<long>();
            int rewarmRun = 0;
            for (int i = 0; i < all.Length; i++)
                if (i < rewarm[k].Length && rewarm[k][i])
                {
                    rewarmRun++;
                    if ((all[i].Flags & FrameFlags.SourceFault) == 0) rewarmNs.Add(all[i].EndToEndNs);
                }
                else
                {
                    kept.Add(all[i]);
                    keptLoopFrames.Add(i);
                }
            var records = kept.ToArray();
            int runFrames = all.Length;
            int warm = Math.Min(l.Options.WarmupFrames, records.Length);
            bool isFault = fault is not null && faulted == k;
            result[k] = new BenchRun
            {
                Scenario = BenchScenario.SingleStream,
                Options = l.Options,
                Records = records,
                WarmupFrames = warm,
                CountedFrames = records.Length - warm,
                AllocatedBytes = bytes[k],
                GcCollections = gcs[k],
                Gen2Collections = gen2[k],
                GcPause = pause[k],
                PipelineNs = loopNs[k],
                WallNs = loopNs[k],
                Outcome = isFault ? LoopOutcome.Faulted : runFrames == l.Options.WarmupFrames + l.Options.Frames ? LoopOutcome.Completed : LoopOutcome.Stopped,
                Fault = isFault ? fault : null,
                DroppedFrames = l.DroppedFrames,
                RewarmEndToEndNs = rewarmNs.ToArray(),
                RewarmFrames = rewarmRun,
                RecordLoopFrames = rewarmRun > 0 ? keptLoopFrames.ToArray() : null,
            };
        }
        return (result[0], result[1]);
    }

    /// <summary>The frames a loop of a paired run is built for: <paramref name="counted"/> frames in turns of <see cref="BlockFrames"/>, each turn after <paramref name="rewarmFrames"/> uncounted ones.</summary>
    public static int PairedFrames(int counted, int rewarmFrames) => counted + (counted + BlockFrames - 1) / BlockFrames * rewarmFrames;

    private LoopOutcome RunBlock(IClosedLoop loop, int frames)
    {
        if (_stop) loop.RequestStop();
        return loop.RunFrames(frames);
    }
}
