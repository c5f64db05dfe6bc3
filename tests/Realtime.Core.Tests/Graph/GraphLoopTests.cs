using System;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// The loop itself, ticked by hand on a <see cref="ManualClock"/> over small real nodes (no model):
/// pacing, newest-frame-wins drops, deadlines and budgets, each watchdog policy at the sinks, a
/// stall latched by another thread, a failing output, stop requests — every figure exact, since
/// time moves only when a node "takes" it. Alone, not beside other classes: one test reads the
/// process-wide GC count.
/// </summary>
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)]
public sealed class GraphLoopTests
{
    private const long Ms = 1_000_000;
    private const long Period = 10 * Ms;
    private readonly ManualClock _clock = new();
    private PatternSource _cam = null!;
    private MeanTransform _mean = null!;
    private FollowController _pid = null!;
    private ConstantController _park = null!;
    private RecordingSink _servo = null!;

    private AppGraph Tracker(bool withFallback = false)
    {
        _cam = new PatternSource("cam", _clock);
        _mean = new MeanTransform("mean", _clock);
        _pid = new FollowController("pid");
        _servo = new RecordingSink("servo", safe: -1);
        var b = new GraphBuilder().Add(_cam).Add(_mean).Add(_pid).Add(_servo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command");
        if (withFallback) b.Add(_park = new ConstantController("park", 42)).Connect("park.command", "servo.fallback");
        return b.Build();
    }

    private static LoopWatchdog Watchdog(FaultAction onMiss = FaultAction.Skip, FaultAction onOverrun = FaultAction.Ignore, FaultAction onSource = FaultAction.HoldLast,
        int escalateAfter = 100, int recoverAfter = 3, FaultAction onOutput = FaultAction.SafeState) =>
        new(onMiss, onOverrun, FaultAction.SafeState, onSource, escalateAfter, recoverAfter, onOutputFailure: onOutput);

    private GraphLoop Loop(AppGraph g, LoopWatchdog? w = null, int frames = 100, int warmup = 0, long deadline = 8 * Ms, long[]? budgets = null,
        LoopScenario scenario = LoopScenario.Periodic) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = warmup, PeriodNs = Period, DeadlineNs = deadline, StageBudgetsNs = budgets, Scenario = scenario },
            w ?? Watchdog(), _clock);

    [Fact]
    public void APeriodicLoopStartsEveryFrameOnItsTickAndStampsEveryStageInOrder()
    {
        using var loop = Loop(Tracker());
        _mean.CostNs = _ => 2 * Ms;
        Assert.Equal(LoopOutcome.Completed, loop.RunFrames(100));
        var r = loop.Records;
        Assert.Equal(100, r.Length);
        for (int i = 1; i < r.Length; i++) Assert.Equal(Period, r[i].StartNs - r[i - 1].StartNs);
        foreach (ref readonly FrameRecord f in r)
        {
            Assert.True(f.StartNs <= f.CaptureNs && f.CaptureNs <= f.CaptureEndNs && f.CaptureEndNs <= f.PreprocessEndNs && f.PreprocessEndNs <= f.InferEndNs
                && f.InferEndNs <= f.DecodeEndNs && f.DecodeEndNs <= f.ControlEndNs && f.ControlEndNs <= f.ActuateEndNs);
            // The mean node is a preprocess stage and "takes" 2 ms; infer and decode have no node and take none.
            Assert.Equal(2 * Ms, f.PreprocessEndNs - f.CaptureEndNs);
            Assert.Equal(f.PreprocessEndNs, f.DecodeEndNs);
            Assert.Equal(FrameFlags.None, f.Flags);
        }
        Assert.Equal(0, loop.DroppedFrames);
        Assert.Equal(100, _servo.Writes);
        Assert.Equal(100, _cam.Captures);
        // The controller stepped from what was really on the output: the output moved off its safe value toward the target.
        Assert.NotEqual(-1f, _servo.Output.Values[0]);
        Assert.Equal(loop.Applied.Values[0], _servo.Output.Values[0]);
        Assert.True(_cam.Started);
    }

    [Fact]
    public void ANodesPerFrameFigureLandsInEachDeliveredFramesRecordAndSourceFaultsKeepNone()
    {
        var metric = new MeanMetric("metric");
        _cam = new PatternSource("cam", _clock) { FailEvery = 5 };
        _mean = new MeanTransform("mean", _clock);
        _pid = new FollowController("pid");
        _servo = new RecordingSink("servo", safe: -1);
        var g = new GraphBuilder().Add(_cam).Add(_mean).Add(metric).Add(_pid).Add(_servo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "metric.mean").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command")
            .Build();
        using var loop = Loop(g, frames: 30);
        Assert.Equal(LoopOutcome.Completed, loop.RunFrames(30));
        int faults = 0, with = 0, processed = 0;
        foreach (ref readonly FrameRecord r in loop.Records)
        {
            if ((r.Flags & FrameFlags.SourceFault) != 0) { faults++; Assert.True(float.IsNaN(r.DemoMetric)); continue; }
            // The metric node saw frames 0, 1, 2 … of those delivered and has no figure on every third.
            bool expected = processed++ % 3 != 2;
            Assert.Equal(expected, !float.IsNaN(r.DemoMetric));
            if (expected) { with++; Assert.InRange(r.DemoMetric, 0f, 1f); }
        }
        Assert.Equal(6, faults);
        var metrics = new Realtime.Core.Reporting.ApplicationMetrics();
        metric.FillMetrics(metrics, loop.Records);
        Assert.Equal(with, (int)metrics["frames_with_value"]!);
    }

    [Fact]
    public void FallingBehindDropsTheTicksThatPassedAndTheLateFrameIsAMissTheWatchdogSkips()
    {
        using var loop = Loop(Tracker(), Watchdog(onMiss: FaultAction.Skip), frames: 10, deadline: 20 * Ms);
        _mean.CostNs = f => f == 5 ? 25 * Ms : 0;
        Assert.Equal(LoopOutcome.Completed, loop.RunFrames(10));
        var r = loop.Records;
        Assert.Equal(FrameFlags.DeadlineMiss | FrameFlags.Held, r[5].Flags);
        // Frame 5 ended 25 ms into its 10 ms period: the ticks at +10 and +20 passed, the next frame starts at +30.
        Assert.Equal(2, loop.DroppedFrames);
        Assert.Equal(2, r[6].DroppedBefore);
        Assert.Equal(3 * Period, r[6].StartNs - r[5].StartNs);
        Assert.Equal(1, loop.Watchdog.FaultCount(FaultKind.DeadlineMiss));
        Assert.Equal(9, _servo.Writes); // the late command never reached the output
    }

    [Fact]
    public void HoldLastWritesTheLastGoodCommandAgain()
    {
        using var loop = Loop(Tracker(), Watchdog(onMiss: FaultAction.HoldLast));
        _mean.CostNs = f => f == 4 ? 9 * Ms : 0;
        loop.RunFrames(4);
        ActuatorCommand before = _servo.Output;
        loop.RunFrames(1);
        Assert.Equal(FrameFlags.DeadlineMiss | FrameFlags.Held, loop.Records[4].Flags);
        Assert.Equal(5, _servo.Writes);
        Assert.Equal(before.Values[0], _servo.Output.Values[0]);
    }

    [Fact]
    public void FallbackRunsTheFallbackControllerOnlyWhenAskedUntilTheLoopRecovers()
    {
        using var loop = Loop(Tracker(withFallback: true), Watchdog(onMiss: FaultAction.Fallback, recoverAfter: 3));
        _mean.CostNs = f => f == 5 ? 9 * Ms : 0;
        loop.RunFrames(5);
        Assert.Equal(0, _park.Runs);
        loop.RunFrames(1);
        Assert.Equal(42f, _servo.Output.Values[0]);
        Assert.True((loop.Records[5].Flags & FrameFlags.Fallback) != 0);
        // Healthy frames in a row before the main controller is back: the fallback stays in charge for two more.
        loop.RunFrames(2);
        Assert.Equal(3, _park.Runs);
        Assert.Equal(42f, _servo.Output.Values[0]);
        loop.RunFrames(1);
        Assert.Equal(3, _park.Runs);
        Assert.NotEqual(42f, _servo.Output.Values[0]);
        Assert.Equal(9, _pid.Runs);
    }

    [Fact]
    public void ReturnToSafeWalksTheOutputsBackToTheSinksSafeCommandAStepAFrame()
    {
        _cam = new PatternSource("cam", _clock);
        _mean = new MeanTransform("mean", _clock);
        _pid = new FollowController("pid");
        _servo = new RecordingSink("servo", safe: -1);
        var back = new Realtime.Core.Components.ReturnToSafeNode("back", 1, 5);
        var g = new GraphBuilder().Add(_cam).Add(_mean).Add(_pid).Add(_servo).Add(back)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command")
            .Connect("back.command", "servo.fallback").Build();
        using var loop = Loop(g, Watchdog(onMiss: FaultAction.Fallback, recoverAfter: 1000));
        Assert.Equal(-1f, back.Command.Payload.Safe.Values[0]);
        _mean.CostNs = f => f >= 5 ? 9 * Ms : 0;
        loop.RunFrames(5);
        float v = _servo.Output.Values[0];
        Assert.NotEqual(-1f, v);
        // Every late frame takes one step of at most 5 toward -1 from what is on the output, then stays there.
        for (int f = 5; f < 5 + 20; f++)
        {
            loop.RunFrames(1);
            v += Math.Clamp(-1f - v, -5f, 5f);
            Assert.Equal(v, _servo.Output.Values[0], 5);
        }
        Assert.Equal(-1f, _servo.Output.Values[0]);
    }

    [Fact]
    public void AFallbackPolicyWithoutAFallbackControllerIsRefusedAtConstruction()
    {
        var ex = Assert.Throws<ArgumentException>(() => Loop(Tracker(), Watchdog(onMiss: FaultAction.Fallback)));
        Assert.Contains("sink 'servo' has no fallback controller connected to 'servo.fallback'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SafeStateDrivesTheOutputSafeAndRecoversAfterHealthyFrames()
    {
        using var loop = Loop(Tracker(), Watchdog(onMiss: FaultAction.SafeState, recoverAfter: 2));
        _mean.CostNs = f => f == 3 ? 9 * Ms : 0;
        loop.RunFrames(3);
        int safeBefore = _servo.SafeWrites;
        loop.RunFrames(1);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        Assert.Equal(safeBefore + 1, _servo.SafeWrites);
        Assert.True((loop.Records[3].Flags & FrameFlags.SafeState) != 0);
        Assert.Equal(1, loop.Watchdog.SafeStateEntries);
        loop.RunFrames(1);
        Assert.Equal(-1f, loop.Applied.Values[0]);
        loop.RunFrames(1);
        Assert.NotEqual(-1f, _servo.Output.Values[0]);
        Assert.False(loop.Watchdog.InSafeState);
    }

    [Fact]
    public void ExitEndsTheRunWithTheOutputsSafeForGood()
    {
        using var loop = Loop(Tracker(), Watchdog(onMiss: FaultAction.Exit));
        _mean.CostNs = f => f == 6 ? 9 * Ms : 0;
        Assert.Equal(LoopOutcome.WatchdogExit, loop.RunFrames(50));
        Assert.Equal(7, loop.FramesRun);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        Assert.Equal(FaultKind.DeadlineMiss, loop.Watchdog.ExitRequestedBy);
        // Latched for good: a later run writes nothing.
        int writes = _servo.Writes;
        loop.RunFrames(5);
        Assert.Equal(writes, _servo.Writes);
    }

    [Fact]
    public void AStageOverBudgetIsAnOverrunAndWarmUpFramesAreNotJudged()
    {
        using var loop = Loop(Tracker(), Watchdog(onOverrun: FaultAction.Skip), warmup: 2, budgets: new[] { 0, 5 * Ms, 0, 0, 0, 0 });
        _mean.CostNs = f => f is 0 or 4 ? 6 * Ms : Ms;
        loop.RunFrames(6);
        Assert.Equal(1, loop.Watchdog.FaultCount(FaultKind.StageOverrun));
        Assert.Equal(FrameFlags.Warmup, loop.Records[0].Flags);
        Assert.Equal(FrameFlags.Held, loop.Records[4].Flags);
    }

    [Fact]
    public void AFailedStaleOrFlatCaptureIsASourceFaultWithNothingProcessed()
    {
        using var loop = Loop(Tracker(), Watchdog(onSource: FaultAction.HoldLast));
        _cam.FailFrom = 3;
        _cam.FailTo = 3;
        _cam.StaleAt = 5;
        _cam.FlatFrom = 8;
        loop.RunFrames(12);
        var r = loop.Records;
        Assert.True((r[3].Flags & FrameFlags.SourceFault) != 0);
        Assert.True((r[5].Flags & FrameFlags.SourceFault) != 0);
        // One flat frame may be a real scene; the third in a row is a dead sensor.
        Assert.Equal(0, (int)(r[8].Flags & FrameFlags.SourceFault));
        Assert.Equal(0, (int)(r[9].Flags & FrameFlags.SourceFault));
        Assert.True((r[10].Flags & FrameFlags.SourceFault) != 0);
        Assert.Equal(4, loop.Watchdog.FaultCount(FaultKind.SourceFailure));
        Assert.Equal(12 - 4, _mean.Processed);
        Assert.True((r[3].Flags & FrameFlags.Held) != 0);
    }

    [Fact]
    public void TheSourceEndingEndsTheRunSafe()
    {
        using var loop = Loop(Tracker());
        _cam.EndAt = 4;
        Assert.Equal(LoopOutcome.SourceEnded, loop.RunFrames(10));
        Assert.Equal(4, loop.FramesRun);
        Assert.Equal(-1f, _servo.Output.Values[0]);
    }

    [Fact]
    public void AStallLatchedByTheWatchdogThreadIsTakenOverAndHeldSafeUntilRecovery()
    {
        var g = Tracker();
        using var loop = Loop(g, Watchdog(recoverAfter: 2));
        loop.RunFrames(5);
        using var thread = new WatchdogThread(loop, stallTimeoutNs: 50 * Ms, checkPeriodNs: Ms, FaultAction.SafeState, Array.Empty<IWatchdogKick>());
        // The watchdog thread sees no progress for 60 ms (the loop is "stuck" between frames) and latches from its own thread.
        long seen = loop.LastProgressNs + 60 * Ms;
        var other = new Thread(() => { bool inStall = false; thread.Check(seen, ref inStall); });
        other.Start();
        other.Join();
        Assert.Equal(1, thread.Stalls);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        int writes = _servo.Writes;
        loop.RunFrames(1);
        // The loop took the latch over: the stall is counted and the output stays safe until two healthy frames passed.
        Assert.Equal(1, loop.Watchdog.FaultCount(FaultKind.Stall));
        Assert.Equal(writes, _servo.Writes);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        loop.RunFrames(1);
        Assert.Equal(writes + 1, _servo.Writes);
    }

    [Fact]
    public void AFailingOutputWriteIsCountedAndDrivesTheOutputsSafeOrExits()
    {
        using var loop = Loop(Tracker());
        loop.RunFrames(3);
        _servo.FailWrites = true;
        Assert.Equal(LoopOutcome.Completed, loop.RunFrames(97));
        Assert.True(loop.OutputWriteFailures >= 1);
        Assert.Equal("EINVAL from the driver", loop.FirstOutputError!.Message);
        Assert.True(loop.Watchdog.InSafeState);
        Assert.True((loop.Records[3].Flags & FrameFlags.SafeState) != 0);
        Assert.Equal(-1f, _servo.Output.Values[0]);

        var exiting = Loop(Tracker(), Watchdog(onOutput: FaultAction.Exit));
        exiting.RunFrames(2);
        _servo.FailWrites = true;
        Assert.Equal(LoopOutcome.WatchdogExit, exiting.RunFrames(10));
        Assert.Equal(3, exiting.FramesRun);
        Assert.Equal(FaultKind.OutputFailure, exiting.Watchdog.ExitRequestedBy);
        exiting.Dispose();
    }

    [Fact]
    public void AStopRequestEndsTheRunAfterTheFrameInFlightWithTheOutputsSafe()
    {
        using var loop = Loop(Tracker());
        loop.RunFrames(3);
        loop.RequestStop();
        Assert.Equal(LoopOutcome.Stopped, loop.RunFrames(10));
        Assert.Equal(3, loop.FramesRun);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        Assert.Equal(-1f, loop.Applied.Values[0]);
    }

    [Fact]
    public void AStopDuringALongPeriodIsSeenWithinOneSlice()
    {
        var waiter = new StoppingWaiter(_clock);
        using var loop = new GraphLoop(Tracker(), new ClosedLoopOptions { Frames = 10, WarmupFrames = 0, PeriodNs = 3_600_000_000_000, DeadlineNs = Period }, Watchdog(), _clock, waiter);
        waiter.Loop = loop;
        Assert.Equal(LoopOutcome.Stopped, loop.RunFrames(10));
        // The first frame runs at once; the stop comes during the hour-long wait for the second and is seen after one slice.
        Assert.Equal(1, loop.FramesRun);
        Assert.Equal(2, waiter.Waits);
    }

    [Fact]
    public void TwoSinksAreWrittenTogetherAndDrivenSafeTogether()
    {
        var cam = new PatternSource("cam", _clock);
        var mean = new MeanTransform("mean", _clock);
        var pan = new FollowController("pan-pid");
        var tilt = new FollowController("tilt-pid", gain: 50);
        var panServo = new RecordingSink("pan", safe: -1);
        var tiltServo = new RecordingSink("tilt", safe: -2);
        var g = new GraphBuilder().Add(cam).Add(mean).Add(pan).Add(tilt).Add(panServo).Add(tiltServo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pan-pid.observation").Connect("mean.mean", "tilt-pid.observation")
            .Connect("pan-pid.command", "pan.command").Connect("tilt-pid.command", "tilt.command").Build();
        using var loop = Loop(g, Watchdog(onMiss: FaultAction.SafeState));
        mean.CostNs = f => f == 5 ? 9 * Ms : 0;
        loop.RunFrames(5);
        Assert.Equal(5, panServo.Writes);
        Assert.Equal(5, tiltServo.Writes);
        loop.RunFrames(1);
        Assert.Equal(-1f, panServo.Output.Values[0]);
        Assert.Equal(-2f, tiltServo.Output.Values[0]);
        Assert.Equal(-2f, loop.AppliedTo(1).Values[0]);
    }

    [Fact]
    public void InstrumentsSeeEveryTickAndFrameOnlyWhenAttached()
    {
        using var loop = Loop(Tracker(), deadline: 20 * Ms);
        var ticks = new TickCounter();
        loop.Attach(ticks);
        _mean.CostNs = f => f == 2 ? 25 * Ms : 0;
        loop.RunFrames(5);
        // Ticks count period ticks, dropped ones included: 0, 1, 2, then 5 and 6.
        Assert.Equal(new long[] { 0, 1, 2, 5, 6 }, ticks.Seen[..5]);
        Assert.Equal(5, ticks.Frames);
        Assert.Throws<InvalidOperationException>(() => loop.Attach(new TickCounter()));
    }

    [Fact]
    public void AContinuousLoopKeepsItsWarmupAndTheLastFramesInARingInOrderAndAllocatesNothingPerFrame()
    {
        using var loop = new GraphLoop(Tracker(), new ClosedLoopOptions { Frames = 0, RingFrames = 50, WarmupFrames = 5, PeriodNs = Period, DeadlineNs = 8 * Ms }, Watchdog(), _clock);
        Assert.True(loop.Options.Continuous);
        // A miss every 10th frame: the ring's flags must be the frames' own, in order, after it has gone round several times.
        _mean.CostNs = f => f % 10 == 3 ? 9 * Ms : 1 * Ms;
        long firstStart = _clock.NowNs();
        Assert.Equal(LoopOutcome.Stopped, loop.RunFrames(101));
        Action window = () => loop.RunFrames(411);
        int gc = GC.CollectionCount(0);
        Assert.Equal(0, ThreadAllocations.LeastOfThree(window));
        Assert.Equal(gc, GC.CollectionCount(0));
        Assert.Equal(1334, loop.FramesRun);
        Assert.Equal(firstStart, loop.FirstFrameStartNs);

        var r = loop.Records;
        Assert.Equal(5 + 50, r.Length);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(FrameFlags.Warmup, r[i].Flags & FrameFlags.Warmup);
            Assert.Equal(firstStart + i * Period, r[i].StartNs);
        }
        // The last 50 frames (1284..1333), each at its own tick.
        for (int i = 5; i < r.Length; i++)
        {
            int frame = 1334 - 50 + (i - 5);
            Assert.Equal(firstStart + frame * Period, r[i].StartNs);
            Assert.Equal(frame % 10 == 3, (r[i].Flags & FrameFlags.DeadlineMiss) != 0);
            Assert.Equal(FrameFlags.None, r[i].Flags & FrameFlags.Warmup);
        }
        // The watchdog saw every counted miss, the ring's and those it no longer holds.
        Assert.Equal(CountMissesIn(5, 1334), loop.Watchdog.FaultCount(FaultKind.DeadlineMiss));
    }

    private static int CountMissesIn(int from, int to)
    {
        int n = 0;
        for (int f = from; f < to; f++) if (f % 10 == 3) n++;
        return n;
    }

    [Fact]
    public void ANodeThatListensToTicksIsToldEachTickBeforeItsFrameIsCaptured()
    {
        using var loop = Loop(Tracker(), deadline: 20 * Ms);
        _mean.CostNs = f => f == 2 ? 25 * Ms : 0;
        loop.RunFrames(5);
        // A simulated world in the graph follows loop time as an attached instrument would: dropped ticks (3, 4) included.
        Assert.Equal(5, _cam.TickCount);
        Assert.Equal(new (long, int)[] { (0, 0), (1, 1), (2, 2), (5, 3), (6, 4) }, _cam.Ticks[..5]);
    }

    [Fact]
    public void AHandTickedLoopAllocatesNothingPerFrame()
    {
        using var loop = Loop(Tracker(withFallback: true), Watchdog(onMiss: FaultAction.Fallback, onSource: FaultAction.HoldLast), frames: 3000);
        // Every path, warmed first: healthy frames, misses under the fallback, source faults, recovery.
        _mean.CostNs = f => f % 50 == 7 ? 9 * Ms : 0;
        _cam.FailEvery = 40;
        loop.RunFrames(300);
        LoopOutcome outcome = LoopOutcome.Faulted;
        Action window = () => outcome = loop.RunFrames(900);
        int gc = GC.CollectionCount(0);
        long allocated = ThreadAllocations.LeastOfThree(window);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(3000, loop.FramesRun);
        Assert.Equal(0, allocated);
        Assert.Equal(gc, GC.CollectionCount(0));
        Assert.True(loop.Watchdog.FaultCount(FaultKind.DeadlineMiss) >= 50);
        Assert.True(loop.Watchdog.FaultCount(FaultKind.SourceFailure) >= 50);
        Assert.True(_park.Runs > 0);
    }

    [Fact]
    public void FaultInjectionAttachedFromOutsideKillsTheSourceAndCrashesAStage()
    {
        using var loop = Loop(Tracker(), Watchdog(onSource: FaultAction.HoldLast), frames: 10);
        loop.Attach(new FaultInjector(FaultPlan.Parse("dead-source:from=2:to=3,garbage-source:from=5:to=5,crash:decode:at=7")));
        LoopOutcome outcome = loop.Run();
        Assert.Equal(LoopOutcome.Faulted, outcome);
        Assert.IsType<InjectedCrashException>(loop.Fault);
        Assert.Equal(7, loop.FramesRun);
        // The dead source was never asked for frames 2 and 3; the garbage frame was captured, then overwritten (flat, but one flat frame is a scene).
        Assert.Equal(6, _cam.Captures);
        Assert.Equal(2, loop.Watchdog.FaultCount(FaultKind.SourceFailure));
        Assert.Equal(-1f, _servo.Output.Values[0]);
        Assert.True(loop.Watchdog.InSafeState);
    }

    private sealed class TickCounter : LoopInstrument
    {
        public readonly long[] Seen = new long[64];
        public int Ticks;
        public int Frames;
        public override void OnTick(long tick) { if (Ticks < Seen.Length) Seen[Ticks] = tick; Ticks++; }
        public override void OnFrameEnd(int frame, ref FrameRecord record) => Frames++;
    }

    /// <summary>A period waiter on the manual clock that asks its loop to stop during its second wait (as a signal would).</summary>
    [Fact]
    public void ASingleStreamLoopOnAPacedThreadRestsBetweenFramesAndAPeriodicOneNever()
    {
        // Linux's default limit: 950 ms of each second; the thread keeps 92 % and rests after every 10 ms of frames.
        var pacer = new Realtime.Core.Scheduling.RealtimeBandwidthPacer(950_000, 1_000_000);
        Realtime.Core.Scheduling.RealtimeBandwidthPacer.Install(pacer);
        try
        {
            using (var loop = Loop(Tracker(), frames: 100, deadline: 100 * Ms, scenario: LoopScenario.SingleStream))
            {
                _mean.CostNs = _ => 2 * Ms;
                Assert.Equal(LoopOutcome.Completed, loop.RunFrames(100));
                Assert.Equal(20, pacer.Rests);
                double perBusy = (1 - pacer.KeptShare) / pacer.KeptShare;
                long rest = (long)(10 * Ms * perBusy);
                Assert.Equal(20 * rest, pacer.RestNs);
                // The rests fall between frames: each frame takes its own 2 ms, and every fifth frame starts a rest later.
                var r = loop.Records;
                for (int i = 1; i < r.Length; i++) Assert.Equal(i % 5 == 0 ? 2 * Ms + rest : 2 * Ms, r[i].StartNs - r[i - 1].StartNs);
                foreach (ref readonly FrameRecord f in r) Assert.Equal(2 * Ms, f.ActuateEndNs - f.StartNs);
            }
            using (var periodic = Loop(Tracker(), frames: 100))
            {
                _mean.CostNs = _ => 9 * Ms;
                Assert.Equal(LoopOutcome.Completed, periodic.RunFrames(100));
                Assert.Equal(20, pacer.Rests);
            }
        }
        finally
        {
            Realtime.Core.Scheduling.RealtimeBandwidthPacer.Install(null);
        }
    }

    private sealed class StoppingWaiter(ManualClock clock) : IPeriodicWaiter
    {
        public GraphLoop? Loop;
        public int Waits;
        public void WaitUntil(long wakeNs)
        {
            if (++Waits == 2) Loop?.RequestStop();
            clock.WaitUntil(wakeNs);
        }
    }
}
