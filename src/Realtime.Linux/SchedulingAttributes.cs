namespace Realtime.Linux;

/// <summary>
/// A thread's scheduling as sched_getattr(2) returns it: the policy (its kernel name and number), the
/// SCHED_FIFO/RR priority, the nice value, the flags and, under SCHED_DEADLINE, the reservation (ns).
/// </summary>
public sealed record SchedulingAttributes(string Policy, int PolicyNumber, int Priority, int Nice, DeadlineFlags Flags, long RuntimeNs, long DeadlineNs, long PeriodNs);
