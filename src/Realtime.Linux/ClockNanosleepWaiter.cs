using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Paces a periodic loop the way cyclictest does: clock_nanosleep to an absolute CLOCK_MONOTONIC
/// time, so a late wake-up never shifts the following periods. The same clock as
/// <see cref="Realtime.Core.Timing.MonotonicClock"/>.
/// </summary>
public sealed unsafe class ClockNanosleepWaiter : IPeriodicWaiter
{
    /// <inheritdoc/>
    public void WaitUntil(long wakeNs)
    {
        Libc.Timespec ts;
        ts.Sec = wakeNs / 1_000_000_000;
        ts.Nsec = wakeNs % 1_000_000_000;
        // Restart on EINTR (a signal) with the same absolute time.
        while (Libc.clock_nanosleep(Libc.CLOCK_MONOTONIC, Libc.TIMER_ABSTIME, &ts, null) == Libc.EINTR) { }
    }
}
