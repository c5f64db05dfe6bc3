using System;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Pipeline;

/// <summary>The watchdog's per-frame decisions, ticked by hand: no clock, no threads.</summary>
public sealed class LoopWatchdogTests
{
    private const int Late = 1 << (int)FaultKind.DeadlineMiss;
    private const int Overrun = 1 << (int)FaultKind.StageOverrun;
    private const int Source = 1 << (int)FaultKind.SourceFailure;

    private static LoopWatchdog Make(FaultAction onMiss = FaultAction.HoldLast, FaultAction onOverrun = FaultAction.Ignore,
        FaultAction onSource = FaultAction.HoldLast, int escalate = 3, int recover = 2) =>
        new(onMiss, onOverrun, FaultAction.SafeState, onSource, escalate, recover);

    [Fact]
    public void AHealthyFrameAppliesItsCommand()
    {
        var w = Make();
        Assert.Equal(FaultAction.Ignore, w.OnFrame(0, 0, 0));
        Assert.Equal(0, w.EventCount);
    }

    [Fact]
    public void ALateFrameTakesTheMissPolicyAndIsCounted()
    {
        var w = Make(onMiss: FaultAction.Skip);
        Assert.Equal(FaultAction.Skip, w.OnFrame(0, Late, 10));
        Assert.Equal(FaultAction.Ignore, w.OnFrame(1, 0, 20));
        Assert.Equal(1, w.FaultCount(FaultKind.DeadlineMiss));
        Assert.Equal(1, w.EventCount);
        Assert.Equal(FaultKind.DeadlineMiss, w.Events[0].Kind);
        Assert.Equal(FaultAction.Skip, w.Events[0].Action);
    }

    [Fact]
    public void ConsecutiveFaultsEscalateToTheSafeStateOnTheNthFrame()
    {
        var w = Make(escalate: 3);
        Assert.Equal(FaultAction.HoldLast, w.OnFrame(0, Late, 0));
        Assert.Equal(FaultAction.HoldLast, w.OnFrame(1, Late, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(2, Late, 0));
        Assert.True(w.InSafeState);
        Assert.Equal(1, w.Trips);
        Assert.Equal(1, w.SafeStateEntries);
    }

    [Fact]
    public void DifferentFaultKindsInARowEscalateTogether()
    {
        var w = Make(escalate: 3, onOverrun: FaultAction.HoldLast);
        w.OnFrame(0, Late, 0);
        w.OnFrame(1, Overrun, 0);
        Assert.Equal(FaultAction.SafeState, w.OnFrame(2, Source, 0));
        Assert.Equal(1, w.FaultCount(FaultKind.SourceFailure));
    }

    [Fact]
    public void TheSafeStateIsLeftOnlyAfterRecoverAfterHealthyFramesInARow()
    {
        var w = Make(onMiss: FaultAction.SafeState, recover: 3);
        Assert.Equal(FaultAction.SafeState, w.OnFrame(0, Late, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(1, 0, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(2, 0, 0));
        // A fault in between restarts the count (hysteresis).
        Assert.Equal(FaultAction.SafeState, w.OnFrame(3, Late, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(4, 0, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(5, 0, 0));
        Assert.Equal(FaultAction.Ignore, w.OnFrame(6, 0, 0));
        Assert.False(w.InSafeState);
        Assert.Equal(1, w.SafeStateEntries);
        var last = w.Events[w.Events.Length - 1];
        Assert.True(last.Recovery);
        Assert.Equal(6, last.Frame);
    }

    [Fact]
    public void TheStrongestActionOfSeveralFaultsWins()
    {
        var w = Make(onMiss: FaultAction.Skip, onOverrun: FaultAction.Fallback, escalate: 10);
        Assert.Equal(FaultAction.Fallback, w.OnFrame(0, Late | Overrun, 0));
        Assert.True(w.InFallback);
        // Fallback holds until recovery, even for a milder fault.
        Assert.Equal(FaultAction.Fallback, w.OnFrame(1, Late, 0));
        Assert.Equal(FaultAction.Fallback, w.OnFrame(2, 0, 0));
        Assert.Equal(FaultAction.Ignore, w.OnFrame(3, 0, 0));
        Assert.False(w.InFallback);
    }

    [Fact]
    public void IgnoredFaultsAreCountedButNeverEscalate()
    {
        var w = Make(onOverrun: FaultAction.Ignore, escalate: 2);
        for (int i = 0; i < 5; i++) Assert.Equal(FaultAction.Ignore, w.OnFrame(i, Overrun, 0));
        Assert.Equal(5, w.FaultCount(FaultKind.StageOverrun));
        Assert.False(w.InSafeState);
        Assert.Equal(0, w.EventCount);
        // An ignored fault does not interrupt a run of real faults either way: it is simply not one.
        Assert.Equal(FaultAction.HoldLast, w.OnFrame(5, Late | Overrun, 0));
        Assert.Equal(FaultAction.SafeState, w.OnFrame(6, Late, 0));
    }

    [Fact]
    public void AnExitFaultDrivesSafeAndNamesItsKind()
    {
        var w = Make(onSource: FaultAction.Exit);
        Assert.Equal(FaultAction.Exit, w.OnFrame(0, Source, 5));
        Assert.True(w.InSafeState);
        Assert.Equal(FaultKind.SourceFailure, w.ExitRequestedBy);
    }

    [Fact]
    public void AStallSeenOutsideAFrameEntersTheSafeState()
    {
        var w = Make();
        w.RecordExternal(7, 100, FaultKind.Stall, FaultAction.SafeState);
        Assert.True(w.InSafeState);
        Assert.Equal(1, w.FaultCount(FaultKind.Stall));
        Assert.Equal(FaultKind.Stall, w.Events[0].Kind);
    }

    [Fact]
    public void TheEventRingKeepsTheFirstEventsAndCountsTheRest()
    {
        var w = new LoopWatchdog(FaultAction.SafeState, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 1, 1, eventCapacity: 2);
        for (int i = 0; i < 6; i++) w.OnFrame(i, i % 2 == 0 ? Late : 0, i);
        Assert.Equal(6, w.EventCount);
        Assert.Equal(2, w.Events.Length);
        Assert.Equal(0, w.Events[0].Frame);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void ThresholdsBelowOneAreRefused(int escalate, int recover) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, escalate, recover));
}
