using System;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// What the kernel counts for one thread, as cumulative totals: time on the CPU and time waiting
/// on a run queue (<c>/proc/thread-self/schedstat</c>), voluntary and involuntary context switches,
/// minor and major page faults (<c>getrusage(RUSAGE_THREAD)</c>). The difference of two readings
/// around a frame says why it was late: delayed on the run queue or preempted, faulting pages in.
/// </summary>
public struct ThreadCounters
{
    /// <summary>Time on the CPU, ns.</summary>
    public long RunNs;
    /// <summary>Time runnable but waiting for a CPU (scheduling delay), ns.</summary>
    public long RunQueueWaitNs;
    /// <summary>Times the thread was given a CPU.</summary>
    public long Timeslices;
    /// <summary>Context switches the thread asked for (it blocked or slept).</summary>
    public long VoluntarySwitches;
    /// <summary>Context switches forced on it (preempted).</summary>
    public long InvoluntarySwitches;
    /// <summary>Page faults served without I/O.</summary>
    public long MinorFaults;
    /// <summary>Page faults that waited for I/O.</summary>
    public long MajorFaults;

    /// <summary>This reading less <paramref name="earlier"/>: what happened between the two.</summary>
    public readonly ThreadCounters Since(in ThreadCounters earlier) => new()
    {
        RunNs = RunNs - earlier.RunNs,
        RunQueueWaitNs = RunQueueWaitNs - earlier.RunQueueWaitNs,
        Timeslices = Timeslices - earlier.Timeslices,
        VoluntarySwitches = VoluntarySwitches - earlier.VoluntarySwitches,
        InvoluntarySwitches = InvoluntarySwitches - earlier.InvoluntarySwitches,
        MinorFaults = MinorFaults - earlier.MinorFaults,
        MajorFaults = MajorFaults - earlier.MajorFaults,
    };
}

/// <summary>
/// Reads <see cref="ThreadCounters"/> for the thread that opened it, without allocating: the
/// schedstat file is opened once (on that thread: <c>thread-self</c> is resolved when it is opened)
/// and read again with pread into a stack buffer; getrusage fills a struct on the stack. Open it
/// on the pipeline thread, read it there (getrusage answers for the calling thread).
/// </summary>
public sealed unsafe class ThreadKernelCounters : IDisposable
{
    private int _schedstat;

    private ThreadKernelCounters(int schedstat) => _schedstat = schedstat;

    /// <summary>
    /// Opens the calling thread's counters; null with the reason when the kernel does not keep
    /// schedstat (built without CONFIG_SCHED_INFO) or /proc is not mounted.
    /// </summary>
    public static ThreadKernelCounters? OpenForThisThread(out string? problem)
    {
        int fd = Libc.open("/proc/thread-self/schedstat", Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            problem = $"/proc/thread-self/schedstat: {Libc.LastErrnoText()}";
            return null;
        }
        problem = null;
        return new ThreadKernelCounters(fd);
    }

    /// <summary>Reads the totals so far; false (and what could be read) when a read fails.</summary>
    public bool TryRead(out ThreadCounters counters)
    {
        counters = default;
        if (_schedstat < 0) return false;
        byte* buffer = stackalloc byte[96];
        nint n = Libc.pread(_schedstat, buffer, 96, 0);
        bool ok = n > 0;
        if (ok)
        {
            // "run_ns wait_ns timeslices\n"
            var text = new ReadOnlySpan<byte>(buffer, (int)n);
            ok = TakeNumber(ref text, out counters.RunNs) && TakeNumber(ref text, out counters.RunQueueWaitNs) && TakeNumber(ref text, out counters.Timeslices);
        }
        Libc.Rusage usage;
        if (Libc.getrusage(Libc.RUSAGE_THREAD, &usage) != 0) return false;
        counters.VoluntarySwitches = usage.VoluntarySwitches;
        counters.InvoluntarySwitches = usage.InvoluntarySwitches;
        counters.MinorFaults = usage.MinorFaults;
        counters.MajorFaults = usage.MajorFaults;
        return ok;
    }

    /// <summary>The next decimal number in <paramref name="text"/>, which is moved past it.</summary>
    internal static bool TakeNumber(ref ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && (text[i] == (byte)' ' || text[i] == (byte)'\n' || text[i] == (byte)'\t')) i++;
        int start = i;
        while (i < text.Length && text[i] >= (byte)'0' && text[i] <= (byte)'9' && i - start < 19)
        {
            value = value * 10 + (text[i] - '0');
            i++;
        }
        text = text[i..];
        return i > start;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_schedstat >= 0) Libc.close(_schedstat);
        _schedstat = -1;
    }
}
