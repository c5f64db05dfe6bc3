using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Scheduling;

/// <summary>
/// Keeps a real-time thread that works back to back under the kernel's real-time bandwidth limit.
/// Linux stops every real-time thread of a core that has run more than <c>sched_rt_runtime_us</c>
/// of a <c>sched_rt_period_us</c> for the rest of that period (by default 950 of 1,000 ms: a 50 ms
/// stop each second). A periodic loop never comes near it; a single-stream loop at SCHED_FIFO
/// (<c>rtapp bench</c>'s default, the model alone run back to back) does, and the stop lands inside
/// a frame: measured here, one 50 ms frame a second, a deadline miss the loop did not cause. So such
/// a thread rests between frames instead: after each <see cref="ChunkNs"/> of its frames' own time,
/// long enough to keep its share <see cref="Margin"/> below the kernel's limit. A rest is outside
/// every frame's latency; the run's notes say how many were taken and how long they were.
/// <para>
/// One pacer per thread: the host installs it where it gives a thread a real-time priority
/// (<see cref="Install"/>), and a loop running on that thread finds it in <see cref="ForThisThread"/>.
/// Several real-time threads on one core share that core's limit; each keeps only its own share.
/// </para>
/// </summary>
public sealed class RealtimeBandwidthPacer
{
    /// <summary>The most frames' time between rests, ns (less when the kernel's period is short: <see cref="ChunkNs"/>).</summary>
    public const long MaxChunkNs = 10_000_000;
    /// <summary>How far below the kernel's share a paced thread stays (a fraction of the period).</summary>
    public const double Margin = 0.03;

    [ThreadStatic] private static RealtimeBandwidthPacer? t_thread;

    private readonly double _restPerBusyNs;
    private long _busyNs;

    /// <summary>A pacer for a limit of <paramref name="runtimeUs"/> in each <paramref name="periodUs"/>.</summary>
    /// <param name="runtimeUs">The kernel's real-time runtime per period, µs (0 &lt; runtime &lt; period).</param>
    /// <param name="periodUs">The kernel's real-time period, µs.</param>
    public RealtimeBandwidthPacer(long runtimeUs, long periodUs)
    {
        if (periodUs <= 0 || runtimeUs <= 0 || runtimeUs >= periodUs)
            throw new ArgumentOutOfRangeException(nameof(runtimeUs), $"a real-time limit is 0 < runtime < period; got {runtimeUs} of {periodUs} µs");
        RuntimeUs = runtimeUs;
        PeriodUs = periodUs;
        double share = (double)runtimeUs / periodUs - Margin;
        // Below half the core (a limit the kernel's default is far from) the thread keeps half: a rest is never longer than the work before it.
        if (share < 0.5) share = 0.5;
        KeptShare = share;
        _restPerBusyNs = (1 - share) / share;
        // Several rests in every kernel period, so that no period holds more than its share of work.
        ChunkNs = Math.Min(MaxChunkNs, (long)(periodUs * 1000 * share / 10));
    }

    /// <summary>
    /// The pacer for the kernel's limit as read (<c>sched_rt_runtime_us</c>, <c>sched_rt_period_us</c>),
    /// or null when there is none to keep: no limit (-1), unreadable, or a runtime that is the whole period.
    /// </summary>
    public static RealtimeBandwidthPacer? ForLimit(long? runtimeUs, long? periodUs) =>
        runtimeUs is long r && periodUs is long p && r > 0 && p > 0 && r < p ? new RealtimeBandwidthPacer(r, p) : null;

    /// <summary>The calling thread's pacer, or null (not real-time, or the kernel sets no limit).</summary>
    public static RealtimeBandwidthPacer? ForThisThread => t_thread;

    /// <summary>Makes <paramref name="pacer"/> the calling thread's (null: none).</summary>
    public static void Install(RealtimeBandwidthPacer? pacer) => t_thread = pacer;

    /// <summary>The kernel's real-time runtime per period, µs.</summary>
    public long RuntimeUs { get; }
    /// <summary>The kernel's real-time period, µs.</summary>
    public long PeriodUs { get; }
    /// <summary>The frames' time between rests, ns: <see cref="MaxChunkNs"/>, or a tenth of the kernel period's share when that is less.</summary>
    public long ChunkNs { get; }
    /// <summary>The share of the core this thread keeps to (the kernel's, less <see cref="Margin"/>).</summary>
    public double KeptShare { get; }
    /// <summary>Rests taken.</summary>
    public long Rests { get; private set; }
    /// <summary>Time spent resting, ns.</summary>
    public long RestNs { get; private set; }

    /// <summary>
    /// Counts <paramref name="busyNs"/> of work (a frame's own time); once <see cref="ChunkNs"/> has been
    /// counted, how long to rest now to keep the share (0: go on). The caller rests (a loop through its own
    /// wait, which stays a sign of life and hears a stop) and says how long it did (<see cref="Rested"/>).
    /// Allocation-free.
    /// </summary>
    public long RestFor(long busyNs)
    {
        if (busyNs > 0) _busyNs += busyNs;
        if (_busyNs < ChunkNs) return 0;
        long rest = (long)(_busyNs * _restPerBusyNs);
        _busyNs = 0;
        return rest;
    }

    /// <summary>Counts a rest taken, <paramref name="ns"/> long.</summary>
    public void Rested(long ns)
    {
        Rests++;
        RestNs += ns;
    }

    /// <summary>Counts <paramref name="busyNs"/> of work and rests through <paramref name="waiter"/> when <see cref="RestFor"/> says so (work outside a loop: a bench's floor block).</summary>
    public void Worked(long busyNs, IPeriodicWaiter waiter, IClock clock)
    {
        long rest = RestFor(busyNs);
        if (rest == 0) return;
        long start = clock.NowNs();
        waiter.WaitUntil(start + rest);
        Rested(clock.NowNs() - start);
    }

    /// <summary>What the rests were, in words for a run's notes; null when none was taken.</summary>
    public string? Note(string thread) => Rests == 0 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"the {thread} thread ran back to back at real-time priority, so it rested between frames {Rests} times ({RestNs / 1e6:0.0} ms in all) to stay at {KeptShare * 100:0.#} % of its core: the kernel stops a real-time thread that runs more than {RuntimeUs / 1000} ms of each {PeriodUs / 1000} ms (sched_rt_runtime_us) for the rest of that period, inside a frame; the rests are outside every frame's latency");
}
