using System;

namespace Realtime.Linux;

/// <summary>sched_attr.sched_flags for a SCHED_DEADLINE thread (the kernel's SCHED_FLAG_* values).</summary>
[Flags]
public enum DeadlineFlags : ulong
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>Children of a fork start at SCHED_OTHER (a deadline thread's fork is refused otherwise).</summary>
    ResetOnFork = 1,
    /// <summary>Reclaim bandwidth other deadline threads leave unused (GRUB).</summary>
    Reclaim = 2,
    /// <summary>SIGXCPU when the thread overruns its runtime.</summary>
    Overrun = 4,
}
