using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Realtime.Core.Reporting;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Applies a profile's scheduling to the calling thread: SCHED_FIFO at a priority, CPU affinity,
/// locked memory. A refused setting is not fatal: it is noted in words and the thread runs with
/// what it got, read back from the kernel.
/// </summary>
public static unsafe class RealtimeScheduling
{
    private const int MaskWords = 16; // 1024 CPUs

    /// <summary>
    /// The pipeline thread's scheduling from the profile, as <c>rtapp run</c> and the bench apply it:
    /// nothing but a read-back when not <paramref name="realtime"/>; SCHED_DEADLINE (runtime = the
    /// sum of the stage budgets, else the deadline) when <c>threads.pipeline.policy</c> is deadline
    /// and the loop is periodic (<paramref name="periodNs"/> &gt; 0); otherwise SCHED_FIFO at the
    /// profile's priority. Cores and memory locking as the profile says.
    /// </summary>
    public static SchedulingInfo ApplyPipeline(Realtime.Core.Profiles.ThreadsProfile threads, Realtime.Core.Profiles.TimingProfile timing, long periodNs, bool realtime)
    {
        if (!realtime)
        {
            var read = ReadCurrentThread();
            read.Notes.Add("real-time scheduling not requested");
            return read;
        }
        bool deadline = threads.Pipeline.Policy == "deadline" && periodNs > 0;
        var scheduling = ApplyToCurrentThread(deadline ? 0 : threads.Pipeline.Priority, threads.Pipeline.Cores, threads.LockMemory);
        if (threads.Pipeline.Policy == "deadline" && !deadline)
            scheduling.Notes.Add($"threads.pipeline.policy deadline applies to periodic loops; this one is not periodic, so it runs SCHED_FIFO priority {threads.Pipeline.Priority}");
        if (!deadline) return scheduling;
        long runtime = 0;
        foreach (long b in timing.BudgetsUs.Values) runtime += b * 1000;
        if (runtime == 0) runtime = timing.DeadlineUs * 1000;
        if (TrySetDeadline(runtime, timing.DeadlineUs * 1000, periodNs) is string problem) scheduling.Notes.Add(problem);
        var now = ReadCurrentThread();
        scheduling.Policy = now.Policy;
        scheduling.Priority = now.Priority;
        return scheduling;
    }

    /// <summary>
    /// A housekeeping thread (telemetry, resources, power monitor) at SCHED_OTHER on the profile's
    /// <c>threads.telemetry</c> cores, when real-time settings apply and there are some; else left alone.
    /// </summary>
    public static void ApplyHousekeeping(IReadOnlyList<int>? cores, bool rt, string thread)
    {
        if (rt && cores is { Count: > 0 }) ApplyToCurrentThread(0, cores, lockMemory: false, thread);
    }

    /// <summary>Applies what was asked; returns what the kernel now says the thread has.</summary>
    /// <param name="priority">SCHED_FIFO priority 1..99, or 0 for SCHED_OTHER (a real-time policy the thread inherited is dropped).</param>
    /// <param name="cores">Cores to pin to; empty leaves the affinity alone.</param>
    /// <param name="lockMemory">Call mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT).</param>
    /// <param name="thread">The thread's role, as the notes name it.</param>
    public static SchedulingInfo ApplyToCurrentThread(int priority, IReadOnlyList<int> cores, bool lockMemory, string thread = "pipeline")
    {
        var notes = new List<string>();
        bool locked = false;
        if (!OperatingSystem.IsLinux())
        {
            notes.Add("not Linux: real-time scheduling is not available, running with the default scheduler");
            return new SchedulingInfo { Notes = notes };
        }
        if (cores.Count > 0)
        {
            ulong* mask = stackalloc ulong[MaskWords];
            foreach (int c in cores)
                if (c >= 0 && c < MaskWords * 64) mask[c / 64] |= 1UL << (c % 64);
            if (Libc.sched_setaffinity(0, (nuint)(MaskWords * sizeof(ulong)), mask) != 0)
                notes.Add($"could not pin the {thread} thread to cores [{string.Join(",", cores)}]: {Libc.LastErrnoText()}");
        }
        if (priority > 0)
        {
            int param = priority;
            if (Libc.sched_setscheduler(0, Libc.SCHED_FIFO, &param) != 0)
                notes.Add($"could not set SCHED_FIFO priority {priority}: {Libc.LastErrnoText()} (needs CAP_SYS_NICE or an RLIMIT_RTPRIO of {priority}); running SCHED_OTHER");
        }
        else if (Libc.sched_getscheduler(0) != Libc.SCHED_OTHER)
        {
            // Priority 0 means SCHED_OTHER, even for a thread that inherited a real-time policy.
            int param = 0;
            if (Libc.sched_setscheduler(0, Libc.SCHED_OTHER, &param) != 0)
                notes.Add($"could not return the thread to SCHED_OTHER: {Libc.LastErrnoText()}");
        }
        if (lockMemory)
        {
            // MCL_ONFAULT: lock pages as they are touched instead of faulting in every mapped library
            // (ORT, OpenCV) at once, which costs tens of ms of cold start; the warm-up frames touch
            // everything the hot path uses, and from then on it stays resident.
            if (Libc.mlockall(Libc.MCL_CURRENT | Libc.MCL_FUTURE | Libc.MCL_ONFAULT) == 0) locked = true;
            else notes.Add($"could not lock memory (mlockall): {Libc.LastErrnoText()} (needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK); page faults may add latency");
        }
        var info = ReadCurrentThread();
        info.Mlockall = locked;
        info.Notes = notes;
        return info;
    }

    /// <summary>
    /// Puts the calling thread under SCHED_DEADLINE (sched_setattr): the kernel guarantees
    /// <paramref name="runtimeNs"/> of CPU within <paramref name="deadlineNs"/> of each period.
    /// Returns null on success, else the reason. (The kernel refuses it for a thread whose affinity is
    /// narrower than its root domain: pin deadline threads with cpusets, not sched_setaffinity.)
    /// </summary>
    public static string? TrySetDeadline(long runtimeNs, long deadlineNs, long periodNs)
    {
        long nr = Libc.SysSchedSetattr;
        if (nr < 0) return "SCHED_DEADLINE: sched_setattr is not known on this architecture";
        var attr = new Libc.SchedAttr
        {
            Size = (uint)sizeof(Libc.SchedAttr),
            Policy = Libc.SCHED_DEADLINE,
            Runtime = (ulong)runtimeNs,
            Deadline = (ulong)deadlineNs,
            Period = (ulong)periodNs,
        };
        if (Libc.syscall(nr, 0, (long)&attr, 0) == 0) return null;
        return $"could not set SCHED_DEADLINE (runtime {runtimeNs / 1000} µs, deadline {deadlineNs / 1000} µs, period {periodNs / 1000} µs): {Libc.LastErrnoText()}";
    }

    /// <summary>Touches <paramref name="bytes"/> of the calling thread's stack so its pages are resident (and locked under mlockall) before the loop runs.</summary>
    public static void PrefaultStack(int bytes = 128 * 1024)
    {
        byte* p = stackalloc byte[bytes];
        for (int i = 0; i < bytes; i += 4096) p[i] = 1;
        System.Threading.Volatile.Write(ref *p, p[bytes - 1]);
    }

    /// <summary>The calling thread's policy, priority and affinity, as the kernel reports them.</summary>
    public static SchedulingInfo ReadCurrentThread() => ReadThread(0);

    /// <summary>A thread's policy, priority and affinity (0 = the calling thread).</summary>
    public static SchedulingInfo ReadThread(int tid)
    {
        var info = new SchedulingInfo();
        if (!OperatingSystem.IsLinux()) return info;
        int policy = Libc.sched_getscheduler(tid);
        int param = 0;
        Libc.sched_getparam(tid, &param);
        info.Policy = policy switch
        {
            Libc.SCHED_FIFO => "SCHED_FIFO",
            Libc.SCHED_RR => "SCHED_RR",
            Libc.SCHED_OTHER => "SCHED_OTHER",
            3 => "SCHED_BATCH",
            5 => "SCHED_IDLE",
            6 => "SCHED_DEADLINE",
            _ => $"policy {policy}",
        };
        info.Priority = param;
        ulong* mask = stackalloc ulong[MaskWords];
        if (Libc.sched_getaffinity(tid, (nuint)(MaskWords * sizeof(ulong)), mask) == 0)
        {
            var list = new List<int>();
            for (int c = 0; c < MaskWords * 64; c++)
                if ((mask[c / 64] & (1UL << (c % 64))) != 0) list.Add(c);
            info.Affinity = list.ToArray();
        }
        return info;
    }

    /// <summary>The kernel thread id of the calling thread.</summary>
    public static int CurrentThreadId() => Libc.gettid();
}
