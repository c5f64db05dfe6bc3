using System;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>The ladder's selector: down at once, up only after a run of frames with margin, the slowdown scaling every rung, the cheapest when nothing fits.</summary>
public sealed class LadderSelectorTests
{
    // Rungs of 10, 4 and 1 ms; a 0.5 ms guard; three frames of margin to step up.
    private static LadderSelector Ladder() => new(new long[] { 10_000_000, 4_000_000, 1_000_000 }, 500_000, 3);

    [Fact]
    public void ItStaysOnTheMostAccurateRungWhileItFits()
    {
        var s = Ladder();
        for (int i = 0; i < 5; i++) Assert.Equal(0, s.Select(12_000_000, 1));
        Assert.Equal(0, s.Switches);
    }

    [Fact]
    public void ItStepsDownAtOnceToTheMostAccurateRungThatFits()
    {
        var s = Ladder();
        Assert.Equal(1, s.Select(9_999_999, 1));
        Assert.Equal(2, s.Select(3_000_000, 1));
        Assert.Equal(2, s.Switches);
        // Two rungs at once when the time left says so.
        var t = Ladder();
        Assert.Equal(2, t.Select(2_000_000, 1));
        Assert.Equal(1, t.Switches);
    }

    [Fact]
    public void NothingFitsTakesTheCheapest()
    {
        var s = Ladder();
        Assert.Equal(2, s.Select(500_000, 1));
        Assert.Equal(2, s.Select(-5_000_000, 1));
    }

    [Fact]
    public void ItStepsUpOneRungOnlyAfterEnoughFramesInARowWithTheGuardToSpare()
    {
        var s = Ladder();
        Assert.Equal(2, s.Select(2_000_000, 1));
        // Rung 1 fits exactly but not with the guard: never up.
        for (int i = 0; i < 10; i++) Assert.Equal(2, s.Select(4_000_000, 1));
        // With the guard: up on the third frame.
        Assert.Equal(2, s.Select(4_500_000, 1));
        Assert.Equal(2, s.Select(4_500_000, 1));
        Assert.Equal(1, s.Select(4_500_000, 1));
        // A frame without margin starts the count again: no flapping on a time that hovers at the edge.
        Assert.Equal(1, s.Select(50_000_000, 1));
        Assert.Equal(1, s.Select(50_000_000, 1));
        Assert.Equal(1, s.Select(9_000_000, 1));
        Assert.Equal(1, s.Select(50_000_000, 1));
        Assert.Equal(1, s.Select(50_000_000, 1));
        Assert.Equal(0, s.Select(50_000_000, 1));
        Assert.Equal(3, s.Switches);
    }

    [Fact]
    public void AHoveringTimeDoesNotFlap()
    {
        var s = Ladder();
        // Time left alternating around rung 0's p99: down once, and it stays down (up needs three frames in a row with margin).
        int switches = 0, last = 0;
        for (int i = 0; i < 100; i++)
        {
            int r = s.Select(i % 2 == 0 ? 9_900_000 : 10_600_000, 1);
            if (r != last) switches++;
            last = r;
        }
        Assert.Equal(1, switches);
        Assert.Equal(1, s.Switches);
    }

    [Fact]
    public void TheSlowdownScalesEveryRungsExpectedTime()
    {
        var s = Ladder();
        Assert.Equal(0, s.Select(12_000_000, 1));
        // Half the frequency: 20, 8 and 2 ms expected.
        Assert.Equal(1, s.Select(12_000_000, 2));
        Assert.Equal(2, s.Select(7_000_000, 2));
        // Below 1 or NaN counts as full speed; an absurd one is capped rather than overflowing.
        var t = Ladder();
        Assert.Equal(0, t.Select(12_000_000, 0.5));
        Assert.Equal(0, t.Select(12_000_000, double.NaN));
        Assert.Equal(0, t.Select(long.MaxValue / 2, double.PositiveInfinity));
        Assert.Equal(2, t.Select(300_000_000, double.PositiveInfinity));
    }

    [Fact]
    public void MachineSpeedTurnsTheTelemetrysReadingIntoASlowdown()
    {
        var m = new MachineSpeed();
        Assert.Equal(1, m.Slowdown(85, 1.5));
        m.Publish(0.5, double.NaN);
        Assert.Equal(2, m.Slowdown(85, 1.5));
        m.Publish(1, 90);
        Assert.Equal(1.5, m.Slowdown(85, 1.5));
        m.Publish(0.5, 90);
        Assert.Equal(3, m.Slowdown(85, 1.5));
        m.Publish(double.NaN, 84.9);
        Assert.Equal(1, m.Slowdown(85, 1.5));
    }

    [Fact]
    public void ABadLadderIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LadderSelector(Array.Empty<long>(), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LadderSelector(new long[] { 1, 0 }, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LadderSelector(new long[] { 1 }, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LadderSelector(new long[] { 1 }, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LadderSelector(new long[LadderSelector.MaxRungs + 1], 0, 1));
    }

    [Fact]
    public void SelectingAllocatesNothing()
    {
        var s = Ladder();
        int i = 0;
        // Every path: stepping down, holding, stepping up, each scale. The least of three windows, so the
        // runtime's one-off work on this thread (CI once counted 4,032 bytes in one window) is not taken for the selector's.
        Assert.Equal(0, ThreadAllocations.Least(() => { s.Select(i * 1000L, 1 + (i % 3)); i++; }, n: 10_000, warm: 1));
        Assert.True(s.Switches > 0);
    }
}
