using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Core.Pipeline;

/// <summary>Sleeps until an absolute monotonic time (the pacing of a periodic loop).</summary>
public interface IPeriodicWaiter
{
    /// <summary>Returns at or after <paramref name="wakeNs"/> (monotonic ns). Must not allocate.</summary>
    void WaitUntil(long wakeNs);
}

/// <summary>
/// Portable waiter: sleeps to within a millisecond of the target, then spins. Used where
/// <c>clock_nanosleep</c> is not available; the Linux one is more precise and cheaper.
/// </summary>
public sealed class SleepSpinWaiter : IPeriodicWaiter
{
    /// <inheritdoc/>
    public void WaitUntil(long wakeNs)
    {
        while (true)
        {
            long left = wakeNs - MonotonicClock.NowNs();
            if (left <= 0) return;
            if (left > 2_000_000) Thread.Sleep((int)((left - 1_000_000) / 1_000_000));
            else Thread.SpinWait(20);
        }
    }
}

/// <summary>Told the loop's tick before each capture, so a simulated world can follow loop time.</summary>
public interface ITickListener
{
    /// <summary>The loop is about to capture the frame of tick <paramref name="tick"/> (period ticks since start, dropped ticks included).</summary>
    void OnTick(long tick);
}
