using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Core.Profiles;
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
    /// nothing but a read-back when not <paramref name="realtime"/>; SCHED_DEADLINE (runtime
    /// <c>threads.pipeline.runtime_us</c>, else the sum of the stage budgets, else the deadline) when
    /// <c>threads.pipeline.policy</c> is deadline
    /// and the loop is periodic (<paramref name="periodNs"/> &gt; 0); otherwise SCHED_FIFO at the
    /// profile's priority. Cores and memory locking as the profile says.
    /// </summary>
    /// <param name="threads">The profile's threads.</param>
    /// <param name="timing">The profile's timing: its budgets (and deadline, unless <paramref name="deadlineNs"/> is given).</param>
    /// <param name="periodNs">The loop's period (0: not periodic).</param>
    /// <param name="realtime">Whether real-time scheduling is asked for.</param>
    /// <param name="deadlineNs">The loop's own deadline (an application's <c>app.loop</c>, an <c>apps[]</c> entry's); 0: <c>timing.deadline_us</c>.</param>
    public static SchedulingInfo ApplyPipeline(Realtime.Core.Profiles.ThreadsProfile threads, Realtime.Core.Profiles.TimingProfile timing, long periodNs, bool realtime, long deadlineNs = 0)
    {
        if (!realtime)
        {
            var read = ReadCurrentThread();
            read.Notes.Add("real-time scheduling not requested");
            return read;
        }
        bool reserve = threads.Pipeline.Policy == "deadline" && periodNs > 0;
        var scheduling = ApplyToCurrentThread(reserve ? 0 : threads.Pipeline.Priority, threads.Pipeline.Cores, threads.LockMemory);
        if (threads.Pipeline.Policy == "deadline" && !reserve)
            scheduling.Notes.Add($"threads.pipeline.policy deadline applies to periodic loops; this one is not periodic, so it runs SCHED_FIFO priority {threads.Pipeline.Priority}");
        if (!reserve) return scheduling;
        long deadline = deadlineNs > 0 ? deadlineNs : timing.DeadlineUs * 1000;
        long runtime = 0;
        if (threads.Pipeline.RuntimeUs is long given) runtime = given * 1000;
        else foreach (long b in timing.BudgetsUs.Values) runtime += b * 1000;
        if (runtime == 0) runtime = deadline;
        if (TrySetDeadline(runtime, deadline, periodNs) is string problem) scheduling.Notes.Add(problem);
        var now = ReadCurrentThread();
        scheduling.Policy = now.Policy;
        scheduling.Priority = now.Priority;
        scheduling.RuntimeUs = now.RuntimeUs;
        scheduling.DeadlineUs = now.DeadlineUs;
        scheduling.PeriodUs = now.PeriodUs;
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
            {
                int errno = Marshal.GetLastPInvokeError();
                notes.Add($"could not pin the {thread} thread to cores [{string.Join(",", cores)}]: {Libc.ErrnoText(errno)}" +
                    (errno == Libc.EBUSY && Libc.sched_getscheduler(0) == Libc.SCHED_DEADLINE
                        ? " (a SCHED_DEADLINE thread may not be pinned narrower than its root domain: give it an exclusive cpuset instead)" : ""));
            }
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
            if (LockMemoryEarly()) locked = true;
            else notes.Add($"could not lock memory (mlockall): {Libc.LastErrnoText()} (needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK); page faults may add latency");
        }
        var info = ReadCurrentThread();
        info.Mlockall = locked;
        info.Notes = notes;
        // A real-time thread that works back to back keeps under the kernel's real-time bandwidth (a loop finds the pacer on its thread).
        Realtime.Core.Scheduling.RealtimeBandwidthPacer.Install(info.Policy is "SCHED_FIFO" or "SCHED_RR"
            ? Realtime.Core.Scheduling.RealtimeBandwidthPacer.ForLimit(MachineFacts.ReadLong("/proc/sys/kernel/sched_rt_runtime_us"), MachineFacts.ReadLong("/proc/sys/kernel/sched_rt_period_us"))
            : null);
        return info;
    }

    /// <summary>
    /// Puts the calling thread under SCHED_DEADLINE (sched_setattr): the kernel guarantees
    /// <paramref name="runtimeNs"/> of CPU within <paramref name="deadlineNs"/> of each period.
    /// Returns null on success, else the reason as a sentence naming <paramref name="loop"/> and the numbers:
    /// a reservation the kernel cannot take (runtime above the period, …), the kernel's own admission
    /// refusing it (EBUSY: the root domain's deadline bandwidth, sched_rt_runtime_us of each core, is
    /// taken), or a thread pinned narrower than its root domain (EPERM: the kernel's global EDF needs the
    /// thread free to run on every core of the domain; pin deadline threads with an exclusive cpuset, which
    /// makes a root domain of its own, not with sched_setaffinity).
    /// </summary>
    public static string? TrySetDeadline(long runtimeNs, long deadlineNs, long periodNs, DeadlineFlags flags = DeadlineFlags.None, string loop = "pipeline")
    {
        var reservation = new Realtime.Core.Scheduling.DeadlineReservation(runtimeNs, deadlineNs, periodNs);
        if (reservation.Problem(loop) is string bad) return bad;
        long nr = Libc.SysSchedSetattr;
        if (nr < 0) return "SCHED_DEADLINE: sched_setattr is not known on this architecture";
        var attr = new Libc.SchedAttr
        {
            Size = (uint)sizeof(Libc.SchedAttr),
            Policy = Libc.SCHED_DEADLINE,
            Flags = (ulong)flags,
            Runtime = (ulong)runtimeNs,
            Deadline = (ulong)deadlineNs,
            Period = (ulong)periodNs,
        };
        if (Libc.syscall(nr, 0, (long)&attr, 0) == 0) return null;
        int errno = Marshal.GetLastPInvokeError();
        string asked = string.Create(CultureInfo.InvariantCulture,
            $"loop '{loop}': could not set SCHED_DEADLINE (runtime {runtimeNs / 1000.0:0.###} µs, deadline {deadlineNs / 1000.0:0.###} µs, period {periodNs / 1000.0:0.###} µs, bandwidth {reservation.Bandwidth:0.###} of a core)");
        if (errno == Libc.EBUSY)
            return asked + string.Create(CultureInfo.InvariantCulture,
                $": the kernel's deadline admission refused it (EBUSY): with it, the deadline threads of this root domain would reserve more than {AdmissionLimitText()}");
        if (errno == Libc.EPERM && ReadThread(0).Affinity is { Length: > 0 } affinity && affinity.Length < OnlineCpus.Count())
            return asked + $": {Libc.ErrnoText(errno)}: the thread is pinned to cores [{string.Join(",", affinity)}], narrower than its root domain ({OnlineCpus.Count()} cores); a SCHED_DEADLINE thread must be free to run on every core of its root domain (give it an exclusive cpuset, which is a root domain of its own, instead of pinning it)";
        if (errno == Libc.EPERM)
            return asked + $": {Libc.ErrnoText(errno)} (needs CAP_SYS_NICE, and deadline bandwidth in this root domain: {AdmissionLimitText()})";
        return asked + $": {Libc.ErrnoText(errno)}";
    }

    /// <summary>The kernel's limit on real-time and deadline bandwidth per core, in words (from /proc/sys/kernel/sched_rt_runtime_us and sched_rt_period_us).</summary>
    public static string AdmissionLimitText()
    {
        long? runtime = ReadProcNumber("/proc/sys/kernel/sched_rt_runtime_us"), period = ReadProcNumber("/proc/sys/kernel/sched_rt_period_us");
        if (runtime is null || period is null) return "the kernel's sched_rt_runtime_us/sched_rt_period_us of each core (unreadable here)";
        if (runtime < 0) return "each core (sched_rt_runtime_us is -1: no limit)";
        return string.Create(CultureInfo.InvariantCulture, $"sched_rt_runtime_us/sched_rt_period_us = {runtime}/{period} = {(double)runtime / period.Value:0.###} of each of its {OnlineCpus.Count()} cores");
    }

    private static long? ReadProcNumber(string path)
    {
        try { return long.TryParse(System.IO.File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null; }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// A thread's scheduling as sched_getattr(2) returns it (0 = the calling thread): policy, priority,
    /// nice, flags and the SCHED_DEADLINE reservation; null where the call is not available.
    /// </summary>
    public static SchedulingAttributes? ReadAttributes(int tid)
    {
        long nr = Libc.SysSchedGetattr;
        if (!OperatingSystem.IsLinux() || nr < 0) return null;
        var attr = new Libc.SchedAttr();
        if (Libc.syscall4(nr, tid, (long)&attr, sizeof(Libc.SchedAttr), 0) != 0) return null;
        return new SchedulingAttributes(PolicyName((int)attr.Policy), (int)attr.Policy, (int)attr.Priority, attr.Nice, (DeadlineFlags)attr.Flags,
            (long)attr.Runtime, (long)attr.Deadline, (long)attr.Period);
    }

    /// <summary>
    /// The process's memory lock, taken early in start-up (once the outputs are safe, before ONNX
    /// Runtime and the model are mapped): mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) marks every
    /// page already resident as locked, a walk that costs what is resident. Taken here it walks a
    /// few MB; taken by the pipeline thread after the model loaded it walked ~60 MB and cost ~1.5 ms
    /// on the way to the first frame. Whatever is mapped later is locked as it is touched, so the
    /// pipeline thread's own call (<see cref="ApplyPipeline"/>, which reports the lock) then finds
    /// nothing left to walk. False when refused (the pipeline thread's call reports why). Every
    /// lock of the process goes through here, so one place says which flags it locks with.
    /// </summary>
    public static bool LockMemoryEarly() =>
        OperatingSystem.IsLinux() && Libc.mlockall(Libc.MCL_CURRENT | Libc.MCL_FUTURE | Libc.MCL_ONFAULT) == 0;

    /// <summary>
    /// Lets the C heap grow in steps of <paramref name="bytes"/> (mallopt M_TOP_PAD) instead of
    /// 128 KiB. ONNX Runtime's start makes ~6.5 MB of small allocations (its operator schemas), then
    /// the session more, on threads of their own, whose malloc arenas grew by one mprotect per
    /// 128 KiB: ~50 address-space changes, each serialised against every other thread's page faults.
    /// Measured on a thread (this 2-vCPU VM): environment 15.2 → 12.8 ms, session 7.2 → 6.2 ms.
    /// The pages are only reserved: what is never touched costs no memory (and mlockall's
    /// MCL_ONFAULT locks only what is touched). Not under strict overcommit
    /// (vm.overcommit_memory 2), where a reservation is charged as if it were used: a small board
    /// would run out of commit for memory it never touches. Call before other threads allocate.
    /// </summary>
    public static void GrowNativeHeapInLargeSteps(int bytes = 32 << 20)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (File.ReadAllText("/proc/sys/vm/overcommit_memory").Trim() == "2") return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        Libc.mallopt(Libc.M_TOP_PAD, bytes);
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
        // sched_getscheduler ORs SCHED_RESET_ON_FORK into the policy of a thread that has it.
        int policy = Libc.sched_getscheduler(tid) & ~Libc.SCHED_RESET_ON_FORK;
        int param = 0;
        Libc.sched_getparam(tid, &param);
        info.Policy = PolicyName(policy);
        info.Priority = param;
        // A deadline thread's reservation is only in sched_getattr: read it back so a report shows what the kernel took.
        if (policy == Libc.SCHED_DEADLINE && ReadAttributes(tid) is { } attr)
        {
            info.RuntimeUs = attr.RuntimeNs / 1000;
            info.DeadlineUs = attr.DeadlineNs / 1000;
            info.PeriodUs = attr.PeriodNs / 1000;
        }
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

    /// <summary>A scheduling policy's kernel name (SCHED_FIFO, SCHED_DEADLINE, …).</summary>
    public static string PolicyName(int policy) => policy switch
    {
        Libc.SCHED_FIFO => "SCHED_FIFO",
        Libc.SCHED_RR => "SCHED_RR",
        Libc.SCHED_OTHER => "SCHED_OTHER",
        3 => "SCHED_BATCH",
        5 => "SCHED_IDLE",
        Libc.SCHED_DEADLINE => "SCHED_DEADLINE",
        _ => $"policy {policy}",
    };

    /// <summary>The kernel thread id of the calling thread.</summary>
    public static int CurrentThreadId() => Libc.gettid();
}
