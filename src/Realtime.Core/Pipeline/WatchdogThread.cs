using System;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Core.Pipeline;

/// <summary>Something the watchdog thread tells that the loop is alive (a hardware watchdog, systemd).</summary>
public interface IWatchdogKick : IDisposable
{
    /// <summary>The loop made progress; called from the watchdog thread, at most every check. Must not allocate.</summary>
    void Kick(long nowNs);
}

/// <summary>What the watchdog thread watches: the loop's last sign of life and a way to force its outputs safe.</summary>
public interface ILoopHeartbeat
{
    /// <summary>Monotonic time of the loop's last progress, ns (0 before the first frame).</summary>
    long LastProgressNs { get; }
    /// <summary>Frames completed so far: the index of the frame in flight.</summary>
    int FramesRun { get; }
    /// <summary>
    /// A stall: latch the outputs safe from any thread (never while the pipeline's own write is in
    /// flight: it then applies the safe state itself); the pipeline takes the latch over if it resumes.
    /// </summary>
    void LatchOutputsSafe();
    /// <summary>Drive the outputs safe from any thread and latch them for good (a shutdown).</summary>
    void ShutdownOutputs();
}

/// <summary>
/// The watchdog's own thread (run at the highest priority): every check period it looks at the
/// loop's heartbeat. No progress for <see cref="StallTimeoutNs"/> is a stall: the outputs are
/// latched safe (or the run is asked to exit), once per stall; the kicks (hardware watchdog,
/// systemd) stop while the loop is stalled so that the supervisor can act. It allocates nothing
/// after start.
/// </summary>
public sealed class WatchdogThread : IDisposable
{
    private readonly ILoopHeartbeat _loop;
    private readonly IWatchdogKick[] _kicks;
    private readonly Action? _onStart;
    private readonly Thread _thread;
    private volatile bool _stop;
    private volatile bool _exitRequested;
    private readonly WatchdogEvent[] _events;
    private int _stalls;
    private long _firstStallNs;

    /// <summary>Plans the thread; <see cref="Start"/> starts it.</summary>
    /// <param name="loop">What to watch.</param>
    /// <param name="stallTimeoutNs">No progress for this long is a stall.</param>
    /// <param name="checkPeriodNs">How often to look.</param>
    /// <param name="onStall">ignore, safe-state or exit.</param>
    /// <param name="kicks">Told of progress.</param>
    /// <param name="onStart">Runs first on the new thread (to apply its scheduling).</param>
    /// <param name="eventCapacity">Stall events kept (the first ones; <see cref="Stalls"/> counts them all).</param>
    public WatchdogThread(ILoopHeartbeat loop, long stallTimeoutNs, long checkPeriodNs, FaultAction onStall, IWatchdogKick[] kicks, Action? onStart = null, int eventCapacity = 256)
    {
        if (stallTimeoutNs <= 0) throw new ArgumentOutOfRangeException(nameof(stallTimeoutNs));
        if (checkPeriodNs <= 0) throw new ArgumentOutOfRangeException(nameof(checkPeriodNs));
        _loop = loop;
        StallTimeoutNs = stallTimeoutNs;
        CheckPeriod = TimeSpan.FromTicks(Math.Max(1, checkPeriodNs / 100));
        OnStall = onStall;
        _kicks = kicks;
        _onStart = onStart;
        _events = new WatchdogEvent[Math.Max(1, eventCapacity)];
        _thread = new Thread(Loop, 256 * 1024) { Name = "rt-watchdog", IsBackground = true };
    }

    /// <summary>Stall timeout, ns.</summary>
    public long StallTimeoutNs { get; }
    /// <summary>Time between checks.</summary>
    public TimeSpan CheckPeriod { get; }
    /// <summary>What a stall does.</summary>
    public FaultAction OnStall { get; }
    /// <summary>Stalls seen.</summary>
    public int Stalls => Volatile.Read(ref _stalls);
    /// <summary>When the first stall was seen (monotonic ns), 0 when none.</summary>
    public long FirstStallNs => Volatile.Read(ref _firstStallNs);
    /// <summary>
    /// The stalls this thread latched, each with the frame in flight and the time it latched the
    /// outputs (not when the loop came back); read after the thread has stopped, or up to <see cref="Stalls"/>.
    /// </summary>
    public ReadOnlySpan<WatchdogEvent> Events => _events.AsSpan(0, Math.Min(Stalls, _events.Length));
    /// <summary>A stall with the exit policy happened: the run should end now.</summary>
    public bool ExitRequested => _exitRequested;

    /// <summary>Starts the thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>One check, as the thread does it (tests call it by hand with their own time).</summary>
    public void Check(long nowNs, ref bool inStall)
    {
        long last = _loop.LastProgressNs;
        if (last != 0 && nowNs - last > StallTimeoutNs)
        {
            if (inStall) return;
            inStall = true;
            // Act first, then publish: whoever sees the stall counted also sees the outputs safe.
            if (OnStall >= FaultAction.SafeState) _loop.LatchOutputsSafe();
            // The event goes into this thread's own preallocated ring (no lock, no allocation);
            // the increment publishes it.
            int n = _stalls;
            if (n < _events.Length)
                _events[n] = new WatchdogEvent { Frame = _loop.FramesRun, TimeNs = nowNs, Kind = FaultKind.Stall, Action = OnStall };
            if (Interlocked.Increment(ref _stalls) == 1) Volatile.Write(ref _firstStallNs, nowNs);
            if (OnStall == FaultAction.Exit) _exitRequested = true;
            return;
        }
        inStall = false;
        for (int i = 0; i < _kicks.Length; i++) _kicks[i].Kick(nowNs);
    }

    private void Loop()
    {
        _onStart?.Invoke();
        bool inStall = false;
        while (!_stop)
        {
            Check(MonotonicClock.NowNs(), ref inStall);
            Thread.Sleep(CheckPeriod);
        }
    }

    /// <summary>Stops the thread and disposes the kicks (a hardware watchdog gets its magic close).</summary>
    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(2));
        foreach (var k in _kicks) k.Dispose();
    }
}
