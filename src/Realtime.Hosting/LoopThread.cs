using System;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Hosting;

/// <summary>
/// The thread one loop runs on, in <c>rtapp run</c> (one per application when the host runs several):
/// the loop's scheduling applied first (policy, priority and cores from its profile's <c>threads.pipeline</c>,
/// which an <c>apps[]</c> entry sets), its stack prefaulted, then the loop to its end. Every loop thread the
/// host starts is set up here, so a scheduling policy is added in one place.
/// </summary>
public sealed class LoopThread
{
    private readonly BoardProfile _profile;
    private readonly IClosedLoop _loop;
    private readonly bool _realtime;
    private readonly Action<int>? _started;
    private readonly Thread _thread;
    private int _tid;
    private long _startNs;
    private SchedulingInfo _scheduling = new();
    private LoopOutcome _outcome = LoopOutcome.Faulted;

    /// <summary>
    /// Plans the thread of <paramref name="loop"/> (<paramref name="name"/> is the kernel's thread name, at
    /// most 15 characters kept) with <paramref name="profile"/>'s scheduling when <paramref name="realtime"/>;
    /// <paramref name="started"/> is told the thread's id on the thread, before its scheduling is applied.
    /// </summary>
    public LoopThread(string name, BoardProfile profile, IClosedLoop loop, bool realtime, Action<int>? started = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(loop);
        _profile = profile;
        _loop = loop;
        _realtime = realtime;
        _started = started;
        _thread = new Thread(Body, 1 << 20) { Name = name.Length > 15 ? name[..15] : name, IsBackground = true };
    }

    /// <summary>The kernel's id of the thread (0 before it started).</summary>
    public int Tid => Volatile.Read(ref _tid);
    /// <summary>The scheduling the thread really got (read once it has ended).</summary>
    public SchedulingInfo Scheduling => Volatile.Read(ref _scheduling);
    /// <summary>When the loop started on the thread, after its scheduling was applied (monotonic ns; 0 before).</summary>
    public long StartNs => Volatile.Read(ref _startNs);
    /// <summary>How the loop ended (<see cref="LoopOutcome.Faulted"/> until it has).</summary>
    public LoopOutcome Outcome => _outcome;
    /// <summary>Whether the thread is still running.</summary>
    public bool IsAlive => _thread.IsAlive;

    /// <summary>Starts the thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Waits for the thread at most <paramref name="milliseconds"/>; whether it has ended.</summary>
    public bool Join(int milliseconds) => _thread.Join(milliseconds);

    private void Body()
    {
        int tid = RealtimeScheduling.CurrentThreadId();
        Volatile.Write(ref _tid, tid);
        _started?.Invoke(tid);
        Volatile.Write(ref _scheduling, RealtimeScheduling.ApplyPipeline(_profile.Threads, _profile.Timing, _loop.Options.PeriodNs, _realtime, _loop.Options.DeadlineNs));
        RealtimeScheduling.PrefaultStack();
        Volatile.Write(ref _startNs, MonotonicClock.NowNs());
        _outcome = _loop.Run();
        // A pipelined loop's stage groups note their own rests (the first group runs on this thread).
        if (_loop is not Realtime.Core.Graph.GraphLoop { IsPipelined: true } && Realtime.Core.Scheduling.RealtimeBandwidthPacer.ForThisThread?.Note("pipeline") is string rests)
            _scheduling.Notes.Add(rests);
    }
}
