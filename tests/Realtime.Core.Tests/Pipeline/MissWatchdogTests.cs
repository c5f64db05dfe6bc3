using System;
using Realtime.Core.Pipeline;
using Decision = Realtime.Core.Pipeline.MissWatchdog.Decision;

namespace Realtime.Core.Tests.Pipeline;

/// <summary>The in-loop watchdog: one decision per frame, escalation to the safe state, and hysteresis out of it.</summary>
public sealed class MissWatchdogTests
{
    [Fact]
    public void HoldLastHoldsALateFrameAndAppliesAnOnTimeOne()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, safeAfterConsecutiveMisses: 3, recoverAfterGoodFrames: 2);
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        Assert.Equal(Decision.Hold, w.OnFrame(late: true));
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        Assert.False(w.InSafeState);
        Assert.Equal(0, w.Trips);
        Assert.Equal(0, w.SafeStateEntries);
    }

    [Fact]
    public void SkipAppliesALateFrameAnyway()
    {
        var w = new MissWatchdog(MissPolicy.Skip, 3, 2);
        Assert.Equal(Decision.Apply, w.OnFrame(late: true));
        Assert.Equal(Decision.Apply, w.OnFrame(late: true));
        Assert.False(w.InSafeState);
    }

    [Fact]
    public void IsolatedLateFramesNeverEscalateWhenOnTimeFramesSeparateThem()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, 3, 2);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(Decision.Hold, w.OnFrame(late: true));
            Assert.Equal(Decision.Hold, w.OnFrame(late: true));
            Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        }
        Assert.Equal(0, w.Trips);
        Assert.False(w.InSafeState);
    }

    [Fact]
    public void SafeStatePolicyGoesSafeOnTheFirstLateFrameAndStaysUntilEnoughGoodFramesInARow()
    {
        var w = new MissWatchdog(MissPolicy.SafeState, safeAfterConsecutiveMisses: 5, recoverAfterGoodFrames: 3);
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.True(w.InSafeState);
        Assert.Equal(1, w.SafeStateEntries);
        Assert.Equal(0, w.Trips); // one late frame is the policy, not an escalation
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Apply, w.OnFrame(late: false)); // third good frame in a row leaves
        Assert.False(w.InSafeState);
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        Assert.Equal(1, w.SafeStateEntries);
    }

    [Fact]
    public void ALateFrameDuringRecoveryRestartsTheGoodFrameCount()
    {
        var w = new MissWatchdog(MissPolicy.SafeState, safeAfterConsecutiveMisses: 5, recoverAfterGoodFrames: 3);
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Safe, w.OnFrame(late: true)); // two good, then late: count restarts
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.True(w.InSafeState);
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        Assert.False(w.InSafeState);
        Assert.Equal(1, w.SafeStateEntries); // still the one entry
    }

    [Fact]
    public void HoldLastEscalatesToSafeOnTheThirdConsecutiveMissAndCountsOneTrip()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, safeAfterConsecutiveMisses: 3, recoverAfterGoodFrames: 4);
        Assert.Equal(Decision.Hold, w.OnFrame(late: true));
        Assert.Equal(Decision.Hold, w.OnFrame(late: true));
        Assert.Equal(0, w.Trips);
        Assert.False(w.InSafeState);
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.True(w.InSafeState);
        Assert.Equal(1, w.Trips);
        Assert.Equal(1, w.SafeStateEntries);
        // More misses while safe stay safe and do not trip again.
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.Equal(1, w.Trips);
        Assert.Equal(1, w.SafeStateEntries);
    }

    [Fact]
    public void AfterEscalationRecoveryTakesExactlyRecoverAfterGoodFramesOnTimeFrames()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, safeAfterConsecutiveMisses: 3, recoverAfterGoodFrames: 4);
        for (int i = 0; i < 3; i++) w.OnFrame(late: true);
        Assert.True(w.InSafeState);
        for (int i = 0; i < 3; i++) Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
        Assert.False(w.InSafeState);
        // Back to normal: a late frame is held again, and a fresh run of three misses trips a second time.
        Assert.Equal(Decision.Hold, w.OnFrame(late: true));
        Assert.Equal(Decision.Hold, w.OnFrame(late: true));
        Assert.Equal(Decision.Safe, w.OnFrame(late: true));
        Assert.Equal(2, w.Trips);
        Assert.Equal(2, w.SafeStateEntries);
    }

    [Fact]
    public void EnterSafeForcesTheSafeStateOnceAndRecoveryStillNeedsGoodFrames()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, 3, 2);
        w.EnterSafe();
        w.EnterSafe(); // already safe: not a second entry
        Assert.True(w.InSafeState);
        Assert.Equal(1, w.SafeStateEntries);
        Assert.Equal(0, w.Trips);
        Assert.Equal(Decision.Safe, w.OnFrame(late: false));
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-1, 5)]
    public void ConstructorRejectsThresholdsBelowOne(int safeAfter, int recoverAfter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MissWatchdog(MissPolicy.HoldLast, safeAfter, recoverAfter));
    }

    [Fact]
    public void ThresholdsOfOneAreAccepted()
    {
        var w = new MissWatchdog(MissPolicy.HoldLast, 1, 1);
        Assert.Equal(Decision.Safe, w.OnFrame(late: true)); // one miss already escalates
        Assert.Equal(1, w.Trips);
        Assert.Equal(Decision.Apply, w.OnFrame(late: false));
    }
}
