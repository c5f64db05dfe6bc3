namespace Realtime.Core.Scheduling;

/// <summary>How the host schedules the loops of a profile (its <c>scheduling.policy</c>).</summary>
public enum LoopPolicy
{
    /// <summary><c>manual</c>: each loop's thread at the SCHED_FIFO priority the profile writes for it.</summary>
    Manual,
    /// <summary><c>fixed-priority</c>: SCHED_FIFO, priorities assigned by the host, deadline-monotonic, within the profile's range.</summary>
    FixedPriority,
    /// <summary><c>edf</c>: SCHED_DEADLINE, runtime the loop's measured worst case, deadline and period the profile's.</summary>
    Edf,
}
