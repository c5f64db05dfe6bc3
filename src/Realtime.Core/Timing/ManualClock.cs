using System;
using System.Threading;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Timing;

/// <summary>
/// Time that moves only when told: a hand-ticked loop's clock and its period waiter in one, so a
/// test of pacing, deadlines and the watchdog is exact and never depends on the machine's load.
/// Waiting until a time jumps the clock there; a stage that "takes" time calls <see cref="Advance"/>.
/// Safe to read from another thread (a watchdog thread's checks).
/// </summary>
public sealed class ManualClock : IClock, IPeriodicWaiter
{
    private long _now;

    /// <summary>A clock that starts at <paramref name="startNs"/> (not 0: a loop takes 0 as "never").</summary>
    public ManualClock(long startNs = 1_000_000_000)
    {
        if (startNs <= 0) throw new ArgumentOutOfRangeException(nameof(startNs), "start after 0 (0 means never)");
        _now = startNs;
    }

    /// <summary>Waits (sleeps or spins) this clock has done so far, a count for tests.</summary>
    public int Waits { get; private set; }

    /// <inheritdoc/>
    public long NowNs() => Volatile.Read(ref _now);

    /// <summary>Moves time on by <paramref name="ns"/> (never back).</summary>
    public void Advance(long ns)
    {
        if (ns < 0) throw new ArgumentOutOfRangeException(nameof(ns), "time does not go back");
        Interlocked.Add(ref _now, ns);
    }

    /// <summary>Jumps to <paramref name="wakeNs"/> when it is later than now.</summary>
    public void WaitUntil(long wakeNs)
    {
        Waits++;
        long now = Volatile.Read(ref _now);
        if (wakeNs > now) Interlocked.CompareExchange(ref _now, wakeNs, now);
    }
}
