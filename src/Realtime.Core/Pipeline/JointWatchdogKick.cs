using System;
using System.Threading;

namespace Realtime.Core.Pipeline;

/// <summary>
/// One process's watchdog kicks (systemd's WATCHDOG=1, a hardware watchdog) shared by several loops, each watched
/// by a watchdog thread of its own: the kicks go out only once every loop has made progress since they last went
/// out, so a host whose one loop has stalled or ended lets its service's watchdog fire. Allocates nothing per kick.
/// </summary>
public sealed class JointWatchdogKick
{
    private readonly IWatchdogKick[] _targets;
    private readonly int[] _kicked;
    private int _forwarding;
    private int _open;

    /// <summary>Kicks <paramref name="targets"/> once each of <paramref name="loops"/> loops has; disposes them when every loop's share is disposed.</summary>
    public JointWatchdogKick(IWatchdogKick[] targets, int loops)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(loops, 1);
        _targets = targets;
        _kicked = new int[loops];
        _open = loops;
    }

    /// <summary>Times the kicks went out.</summary>
    public long Forwarded => Volatile.Read(ref _forwarded);
    private long _forwarded;

    /// <summary>Loop <paramref name="loop"/>'s share, given to its watchdog thread.</summary>
    public IWatchdogKick For(int loop)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(loop);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(loop, _kicked.Length);
        return new Share(this, loop);
    }

    private void Kicked(int loop, long nowNs)
    {
        Volatile.Write(ref _kicked[loop], 1);
        for (int i = 0; i < _kicked.Length; i++)
            if (Volatile.Read(ref _kicked[i]) == 0) return;
        if (Interlocked.CompareExchange(ref _forwarding, 1, 0) != 0) return;
        try
        {
            // A loop's kick that lands between the check and this reset is lost: the next one goes out later, never early.
            for (int i = 0; i < _kicked.Length; i++) Volatile.Write(ref _kicked[i], 0);
            for (int i = 0; i < _targets.Length; i++) _targets[i].Kick(nowNs);
            Interlocked.Increment(ref _forwarded);
        }
        finally { Volatile.Write(ref _forwarding, 0); }
    }

    private void Closed()
    {
        if (Interlocked.Decrement(ref _open) != 0) return;
        foreach (var t in _targets) t.Dispose();
    }

    private sealed class Share(JointWatchdogKick joint, int loop) : IWatchdogKick
    {
        private int _disposed;
        public void Kick(long nowNs) => joint.Kicked(loop, nowNs);
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) joint.Closed();
        }
    }
}
