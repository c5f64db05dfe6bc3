using System;
using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>
/// Turns a profile's scheduling policy and its loops into each loop thread's policy and priority (or
/// SCHED_DEADLINE reservation), and the priority order admission analyses; what the policy cannot do is a
/// problem naming the field, the loop and the numbers. Pure: the host applies the plan.
/// </summary>
public static class SchedulingPlan
{
    /// <summary>The profile's word for each policy.</summary>
    public static string Name(LoopPolicy policy) => policy switch
    {
        LoopPolicy.Manual => "manual",
        LoopPolicy.FixedPriority => "fixed-priority",
        _ => "edf",
    };

    /// <summary>The policy a profile word names, or null.</summary>
    public static LoopPolicy? Parse(string? word) => word switch
    {
        "manual" => LoopPolicy.Manual,
        "fixed-priority" => LoopPolicy.FixedPriority,
        "edf" => LoopPolicy.Edf,
        _ => null,
    };

    /// <summary>
    /// The plan for <paramref name="loops"/> under <paramref name="policy"/>: each loop's schedule (in the
    /// loops' order) and the priority order (indices, highest first; deadline-monotonic under EDF, which
    /// has no priorities, for the record). <paramref name="problems"/> gets one line per thing the policy
    /// cannot do, each starting with the field (<c>scheduling.policy</c>, a loop's own): under
    /// fixed priority (manual or assigned), two loops whose cores overlap without being the same cores
    /// (the analysis is per core: a loop's interference must be all on its cores or none); under EDF,
    /// a loop pinned narrower than the <paramref name="onlineCores"/> of the root domain (the kernel
    /// refuses SCHED_DEADLINE on such a thread), a loop with no measured worst case, and a runtime the
    /// kernel cannot take (above the period, …).
    /// </summary>
    public static LoopSchedule[] Plan(LoopPolicy policy, IReadOnlyList<PlannedLoop> loops, int lowestPriority, int highestPriority, int onlineCores, List<string> problems, out int[] priorityOrder)
    {
        ArgumentNullException.ThrowIfNull(loops);
        ArgumentNullException.ThrowIfNull(problems);
        var tasks = new List<PeriodicTask>(loops.Count);
        foreach (var l in loops) tasks.Add(new PeriodicTask(l.Name, Math.Max(1, l.MeasuredRuntimeNs), l.PeriodNs, l.DeadlineNs));
        var schedules = new LoopSchedule[loops.Count];
        string policyName = Name(policy);
        if (policy == LoopPolicy.Edf)
        {
            for (int i = 0; i < loops.Count; i++)
            {
                var l = loops[i];
                DeadlineReservation? reservation = null;
                if (l.Cores.Count > 0 && DistinctCount(l.Cores) < onlineCores)
                    problems.Add($"{l.Field}.cores: loop '{l.Name}' is pinned to cores [{string.Join(",", l.Cores)}], but scheduling.policy edf runs loops under SCHED_DEADLINE, which the kernel schedules across all {onlineCores} cores of the root domain and refuses on a thread pinned narrower: leave the cores out (or give the loops an exclusive cpuset)");
                if (l.MeasuredRuntimeNs <= 0)
                    problems.Add($"scheduling.policy: edf takes each loop's runtime from its measured worst case, and loop '{l.Name}' has none: a calibration run measures it");
                else
                {
                    var r = new DeadlineReservation(l.MeasuredRuntimeNs, l.DeadlineNs, l.PeriodNs);
                    if (r.Problem(l.Name) is string bad) problems.Add($"scheduling.policy: edf: {bad}");
                    else reservation = r;
                }
                schedules[i] = new LoopSchedule(l.Name, 0, reservation);
            }
            priorityOrder = ResponseTimeAnalysis.DeadlineMonotonicOrder(tasks);
            return schedules;
        }

        for (int i = 0; i < loops.Count; i++)
            for (int j = i + 1; j < loops.Count; j++)
                if (PartlyOverlap(loops[i].Cores, loops[j].Cores))
                    problems.Add($"{loops[j].Field}.cores: loops '{loops[i].Name}' (cores [{string.Join(",", loops[i].Cores)}]) and '{loops[j].Name}' (cores [{string.Join(",", loops[j].Cores)}]) share some cores but not all: scheduling.policy {policyName} analyses each core's loops together, so loops are on the same cores or apart");

        int[] priorities = new int[loops.Count];
        if (policy == LoopPolicy.Manual)
        {
            for (int i = 0; i < loops.Count; i++)
            {
                priorities[i] = loops[i].Priority;
                if (priorities[i] < PriorityAssignment.FifoMin || priorities[i] > PriorityAssignment.FifoMax)
                    problems.Add($"{loops[i].Field}.priority: scheduling.policy manual runs loop '{loops[i].Name}' at the priority written for it, SCHED_FIFO 1..99; got {priorities[i]}");
            }
        }
        else
        {
            try { priorities = PriorityAssignment.DeadlineMonotonic(tasks, lowestPriority, highestPriority); }
            catch (ArgumentException ex)
            {
                problems.Add($"scheduling.priorities: {ex.Message}");
                priorityOrder = ResponseTimeAnalysis.DeadlineMonotonicOrder(tasks);
                for (int i = 0; i < loops.Count; i++) schedules[i] = new LoopSchedule(loops[i].Name, 0, null);
                return schedules;
            }
        }
        for (int i = 0; i < loops.Count; i++) schedules[i] = new LoopSchedule(loops[i].Name, priorities[i], null);
        priorityOrder = PriorityAssignment.OrderOf(priorities);
        return schedules;
    }

    private static int DistinctCount(IReadOnlyList<int> cores)
    {
        var seen = new HashSet<int>(cores);
        return seen.Count;
    }

    // Neither the same set nor disjoint (an empty list is every core: it overlaps any pinned loop partly).
    private static bool PartlyOverlap(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count == 0 && b.Count == 0) return false;
        if (a.Count == 0 || b.Count == 0) return true;
        var sa = new HashSet<int>(a);
        var sb = new HashSet<int>(b);
        if (sa.SetEquals(sb)) return false;
        return sa.Overlaps(sb);
    }
}
