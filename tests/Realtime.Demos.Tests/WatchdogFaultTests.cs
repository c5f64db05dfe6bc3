using System;
using System.Linq;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// Every watchdog path on the real face-tracker pipeline (the sim board's graph), driven by injected faults, checked frame
/// by frame from the loop's records and the simulated PWM channel's write log.
/// </summary>
public sealed class WatchdogFaultTests
{
    private static SimFaceTracker Build(int frames, string faults, Action<BoardProfile>? edit = null, params string[] sets) =>
        SimDemo.Build(frames, warmup: 0, floor: false, faults.Length == 0 ? null : FaultPlan.Parse(faults), edit, sets);

    private static LoopOutcome RunOnThread(IClosedLoop loop)
    {
        var outcome = LoopOutcome.Faulted;
        var t = new Thread(() => outcome = loop.Run());
        t.Start();
        t.Join();
        return outcome;
    }

    private static double SafeDuty(SimFaceTracker demo, int channel)
    {
        var cal = demo.Servos.Calibrations[channel];
        return cal.DutyCycleFor(cal.SafeAngleDeg);
    }

    [Fact]
    public void ADeadSourceHoldsTheLastCommandThenGoesSafeThenRecovers()
    {
        using var demo = Build(60, "dead-source:from=20:to=29", p => p.Timing.BudgetsUs.Clear());
        Assert.Equal(LoopOutcome.Completed, RunOnThread(demo.Loop));
        var r = demo.Loop.Records;
        for (int i = 20; i <= 29; i++) Assert.True((r[i].Flags & FrameFlags.SourceFault) != 0, $"frame {i}");
        // hold-last for the first two faulty frames, the safe state from the third (escalation after 3).
        Assert.Equal(FrameFlags.Held, r[20].Flags & (FrameFlags.Held | FrameFlags.SafeState));
        Assert.Equal(FrameFlags.Held, r[21].Flags & (FrameFlags.Held | FrameFlags.SafeState));
        Assert.True((r[22].Flags & FrameFlags.SafeState) != 0);
        // Recovery after 10 healthy frames: frames 30..38 still safe, frame 39 applies commands again.
        Assert.True((r[38].Flags & FrameFlags.SafeState) != 0);
        Assert.Equal(FrameFlags.None, r[39].Flags & FrameFlags.SafeState);
        Assert.Equal(10, demo.Loop.Watchdog.FaultCount(FaultKind.SourceFailure));
        Assert.Equal(1, demo.Loop.Watchdog.SafeStateEntries);
    }

    [Fact]
    public void FlatFramesFromAGarbageSourceAreCaughtOnTheThirdInARow()
    {
        using var demo = Build(40, "garbage-source:from=10:to=19", p =>
        {
            p.Timing.BudgetsUs.Clear();
            p.Watchdog.FlatFramesForFault = 3;
        });
        RunOnThread(demo.Loop);
        var r = demo.Loop.Records;
        Assert.Equal(FrameFlags.None, r[10].Flags & FrameFlags.SourceFault);
        Assert.Equal(FrameFlags.None, r[11].Flags & FrameFlags.SourceFault);
        for (int i = 12; i <= 19; i++) Assert.True((r[i].Flags & FrameFlags.SourceFault) != 0, $"frame {i}");
        Assert.Equal(FrameFlags.None, r[20].Flags & FrameFlags.SourceFault);
        Assert.Equal(8, demo.Loop.Watchdog.FaultCount(FaultKind.SourceFailure));
    }

    [Fact]
    public void AnOverrunWithTheFallbackPolicyWalksTheServosBackToSafeStepByStep()
    {
        using var demo = Build(80, "slow:decode:3:from=40:to=79", p =>
        {
            p.Timing.BudgetsUs["decode"] = 500;
            p.Watchdog.OnStageOverrun = "fallback";
            p.Watchdog.SafeAfterConsecutiveMisses = 1000;
            p.Watchdog.FallbackStep = 0.5;
        }, "app.nodes[camera].config.start_pan_deg=20");
        RunOnThread(demo.Loop);
        var r = demo.Loop.Records;
        for (int i = 40; i < 80; i++) Assert.True((r[i].Flags & FrameFlags.Fallback) != 0, $"frame {i}");
        Assert.True(demo.Loop.Watchdog.InFallback);
        Assert.Equal(0, demo.Loop.Watchdog.SafeStateEntries);
        // Each fallback write moved the pan servo at most 0.5° toward its safe angle: consecutive duties differ by at most 0.5° of pulse.
        var pan = (SimulatedPwmChannel)demo.Servos.PwmChannels[0];
        var cal = demo.Servos.Calibrations[0];
        double step = cal.DutyCycleFor(0.5) - cal.DutyCycleFor(0);
        for (int back = 1; back < 30; back++)
            Assert.True(Math.Abs(pan.RecentWrite(back - 1).Duty - pan.RecentWrite(back).Duty) <= step + 1e-12, $"write {back}");
    }

    [Fact]
    public void AnExitPolicyStopsTheLoopAtTheFaultWithTheOutputsSafe()
    {
        // The injected delay is far beyond the deadline, and the deadline (at 2 Hz) far beyond any frame's time on a loaded machine.
        using var demo = Build(100, "slow:infer:800:from=30:to=99", p =>
        {
            p.Timing.BudgetsUs.Clear();
            p.Timing.RateHz = 2;
            p.Timing.DeadlineUs = 400_000;
            p.Watchdog.MissPolicy = "exit";
        });
        Assert.Equal(LoopOutcome.WatchdogExit, RunOnThread(demo.Loop));
        Assert.Equal(31, demo.Loop.FramesRun);
        Assert.Equal(FaultKind.DeadlineMiss, demo.Loop.Watchdog.ExitRequestedBy);
        for (int c = 0; c < 2; c++) Assert.Equal(SafeDuty(demo, c), demo.Servos.PwmChannels[c].DutyCycle, 9);
    }

    [Fact]
    public void ACrashedStageFaultsTheRunAndTheOutputsAreSafe()
    {
        using var demo = Build(100, "crash:decode:at=25", null, "app.nodes[camera].config.start_pan_deg=15");
        Assert.Equal(LoopOutcome.Faulted, RunOnThread(demo.Loop));
        Assert.IsType<InjectedCrashException>(demo.Loop.Fault);
        Assert.Equal(25, demo.Loop.FramesRun);
        for (int c = 0; c < 2; c++) Assert.Equal(SafeDuty(demo, c), demo.Servos.PwmChannels[c].DutyCycle, 9);
    }

    [Fact]
    public void TheWatchdogThreadLatchesTheOutputsSafeDuringAStallAndThePipelineHoldsThemAfter()
    {
        using var demo = Build(60, "stall-source:3000:at=30", p => p.Timing.BudgetsUs.Clear());
        var loop = demo.Loop;
        // A generous timeout (a loaded machine can take a while over one frame); the stall is 5 times longer.
        using var watchdog = new WatchdogThread(loop, 600_000_000, 10_000_000, FaultAction.SafeState, Array.Empty<IWatchdogKick>());
        watchdog.Start();
        var pan = (SimulatedPwmChannel)demo.Servos.PwmChannels[0];
        long writesBefore = 0;
        var t = new Thread(() => loop.Run());
        t.Start();
        // While the source is stalled the watchdog thread must write the safe state.
        while (loop.FramesRun < 30) Thread.Sleep(1);
        writesBefore = pan.Writes;
        int stallsBefore = watchdog.Stalls;
        while (watchdog.Stalls == stallsBefore && t.IsAlive) Thread.Sleep(5);
        Assert.Equal(stallsBefore + 1, watchdog.Stalls);
        Assert.Equal(30, loop.FramesRun);
        Assert.True(pan.Writes > writesBefore, "the watchdog thread wrote nothing during the stall");
        Assert.Equal(SafeDuty(demo, 0), pan.DutyCycle, 9);
        t.Join();
        var r = loop.Records;
        // After the stall the pipeline holds the safe state for the recovery window, then tracks again.
        Assert.True((r[30].Flags & FrameFlags.SafeState) != 0);
        // The stall's event is the watchdog thread's, at the frame in flight and the time it latched:
        // inside the stall, before frame 30 finished.
        var stall = Assert.Single(watchdog.Events.ToArray());
        Assert.Equal(FaultKind.Stall, stall.Kind);
        Assert.Equal(30, stall.Frame);
        Assert.InRange(stall.TimeNs, r[30].StartNs, r[30].CaptureEndNs);
        Assert.Equal(1, loop.Watchdog.FaultCount(FaultKind.Stall));
        Assert.True((r[59].Flags & FrameFlags.SafeState) == 0);
    }

    [Fact]
    public void LatchesFromAnotherThreadNeverWriteWhileThePipelineWrites()
    {
        // #11: the watchdog thread's safe write raced the pipeline's write on the same sysfs channel.
        // Each simulated write takes 200 µs inside the driver, and another thread latches the outputs
        // as fast as the pipeline takes the latches over: the channels count overlapping writers.
        using var demo = Build(300, "", p => p.Timing.BudgetsUs.Clear());
        var loop = demo.Loop;
        var channels = new SimulatedPwmChannel[2];
        for (int c = 0; c < 2; c++)
        {
            channels[c] = (SimulatedPwmChannel)demo.Servos.PwmChannels[c];
            channels[c].WriteLatencyNs = 200_000;
        }
        var t = new Thread(() => loop.Run());
        t.Start();
        int latches = 0;
        while (t.IsAlive)
        {
            loop.LatchOutputsSafe();
            latches++;
            Thread.SpinWait(2000);
        }
        t.Join();
        Assert.Null(loop.Fault);
        Assert.Equal(300, loop.FramesRun);
        for (int c = 0; c < 2; c++) Assert.Equal(0, channels[c].OverlappingWrites);
        // The race was really offered: the pipeline took many latches over while writing its own frames.
        int takenOver = loop.Watchdog.FaultCount(FaultKind.Stall);
        Assert.True(takenOver >= 50, $"{takenOver} latches taken over of {latches} made");
        Assert.True(channels[0].Writes > 300, $"{channels[0].Writes} writes");
        for (int c = 0; c < 2; c++) Assert.Equal(SafeDuty(demo, c), channels[c].DutyCycle, 9);
    }

    [Fact]
    public void AFailedOutputWriteTakesTheSafeStateAndTheRunGoesOn()
    {
        using var demo = Build(80, "", p => p.Timing.BudgetsUs.Clear());
        var loop = demo.Loop;
        var pan = (SimulatedPwmChannel)demo.Servos.PwmChannels[0];
        // The driver refuses three writes in a row (EINVAL): frame 0's command, the safe state tried
        // at once, then frame 1's safe write; the fourth write (frame 1's retry) goes through.
        pan.FailWrites = 3;
        Assert.Equal(LoopOutcome.Completed, RunOnThread(loop));
        Assert.Null(loop.Fault);
        Assert.Equal(3, loop.OutputWriteFailures);
        Assert.IsType<System.IO.IOException>(loop.FirstOutputError);
        Assert.Equal(2, loop.Watchdog.FaultCount(FaultKind.OutputFailure));
        var first = loop.Watchdog.Events[0];
        Assert.Equal((0, FaultKind.OutputFailure, FaultAction.SafeState), (first.Frame, first.Kind, first.Action));
        var r = loop.Records;
        Assert.True((r[0].Flags & FrameFlags.SafeState) != 0);
        Assert.True((r[1].Flags & FrameFlags.SafeState) != 0);
        // Healthy writes after: the safe state is left after the recovery window, and tracking goes on.
        Assert.True((r[79].Flags & FrameFlags.SafeState) == 0);
        Assert.Equal(1, loop.Watchdog.SafeStateEntries);
    }

    [Fact]
    public void ALatchWhoseSafeWriteFailsIsCountedNotThrownAndThePipelineWritesSafeAfter()
    {
        using var demo = Build(30, "", p => p.Timing.BudgetsUs.Clear());
        var loop = demo.Loop;
        var pan = (SimulatedPwmChannel)demo.Servos.PwmChannels[0];
        pan.FailWrites = 1;
        Exception? thrown = null;
        var latcher = new Thread(() =>
        {
            try { loop.LatchOutputsSafe(); }
            catch (Exception ex) { thrown = ex; }
        });
        latcher.Start();
        latcher.Join();
        Assert.Null(thrown);
        Assert.Equal(1, loop.OutputWriteFailures);
        Assert.Equal(LoopOutcome.Completed, RunOnThread(loop));
        // The pipeline took the latch over and held the safe state with its own (good) writes.
        Assert.True((loop.Records[0].Flags & FrameFlags.SafeState) != 0);
        Assert.Equal(1, loop.Watchdog.FaultCount(FaultKind.Stall));
    }
}
