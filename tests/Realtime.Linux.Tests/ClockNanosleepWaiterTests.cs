using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>clock_nanosleep to an absolute CLOCK_MONOTONIC time never returns early (an ordering, not a duration).</summary>
public sealed class ClockNanosleepWaiterTests
{
    [Fact]
    public void WaitUntilReturnsNoEarlierThanTheTarget()
    {
        var w = new ClockNanosleepWaiter();
        for (int i = 0; i < 5; i++)
        {
            long target = MonotonicClock.NowNs() + 2_000_000;
            w.WaitUntil(target);
            long now = MonotonicClock.NowNs();
            Assert.True(now >= target, $"woke at {now}, before the target {target}");
        }
    }

    [Fact]
    public void WaitUntilATimeAlreadyPastReturns()
    {
        long past = MonotonicClock.NowNs() - 1_000_000;
        new ClockNanosleepWaiter().WaitUntil(past);
        Assert.True(MonotonicClock.NowNs() > past);
    }
}
