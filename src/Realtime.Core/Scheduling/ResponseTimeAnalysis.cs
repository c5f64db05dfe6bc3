using System;
using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>
/// Fixed-priority response-time analysis (Joseph &amp; Pandya; Audsley et al.) with blocking from
/// non-preemptible sections: for each task i, R = Cᵢ + Bᵢ + Σ⌈R/Tⱼ⌉·Cⱼ over the higher-priority tasks j
/// on its core, iterated from Cᵢ + Bᵢ to a fixed point or past Dᵢ; Bᵢ is the longest non-preemptible
/// section of a lower-priority task on the core. Exact for constrained deadlines (D ≤ T) under
/// preemptive fixed priority with critical-instant release. Each core is a set of its own.
/// </summary>
public static class ResponseTimeAnalysis
{
    /// <summary>
    /// Deadline-monotonic priorities (optimal for constrained deadlines): the indices of
    /// <paramref name="tasks"/>, highest priority first; shorter deadline first, ties by shorter period,
    /// then by the order given.
    /// </summary>
    public static int[] DeadlineMonotonicOrder(IReadOnlyList<PeriodicTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var order = new int[tasks.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Insertion sort: stable, and sets are a handful of loops.
        for (int i = 1; i < order.Length; i++)
        {
            int k = order[i], j = i - 1;
            while (j >= 0 && Before(tasks[k], tasks[order[j]])) { order[j + 1] = order[j]; j--; }
            order[j + 1] = k;
        }
        return order;
    }

    private static bool Before(PeriodicTask a, PeriodicTask b) =>
        a.DeadlineNs < b.DeadlineNs || (a.DeadlineNs == b.DeadlineNs && a.PeriodNs < b.PeriodNs);

    /// <summary>
    /// Analyses <paramref name="tasks"/> with deadline-monotonic priorities, core by core; the results
    /// come back in the order of <paramref name="tasks"/>.
    /// </summary>
    public static ResponseTime[] Analyse(IReadOnlyList<PeriodicTask> tasks) => Analyse(tasks, DeadlineMonotonicOrder(tasks));

    /// <summary>
    /// Analyses <paramref name="tasks"/> under the priorities <paramref name="priorityOrder"/> gives
    /// (indices into <paramref name="tasks"/>, highest first; tasks on different cores do not interfere).
    /// The results come back in the order of <paramref name="tasks"/>.
    /// </summary>
    public static ResponseTime[] Analyse(IReadOnlyList<PeriodicTask> tasks, IReadOnlyList<int> priorityOrder)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(priorityOrder);
        if (priorityOrder.Count != tasks.Count) throw new ArgumentException($"the priority order names {priorityOrder.Count} tasks; there are {tasks.Count}");
        var seen = new bool[tasks.Count];
        foreach (int i in priorityOrder)
        {
            if (i < 0 || i >= tasks.Count || seen[i]) throw new ArgumentException("the priority order is not a permutation of the tasks");
            seen[i] = true;
        }
        foreach (var t in tasks) t.Check();

        var results = new ResponseTime[tasks.Count];
        for (int rank = 0; rank < priorityOrder.Count; rank++)
        {
            int i = priorityOrder[rank];
            var task = tasks[i];
            long blocking = 0;
            int coreRank = 0;
            for (int r = 0; r < priorityOrder.Count; r++)
            {
                var other = tasks[priorityOrder[r]];
                if (other.Core != task.Core) continue;
                if (r < rank) coreRank++;
                else if (r > rank) blocking = Math.Max(blocking, other.NonPreemptibleNs);
            }
            results[i] = new ResponseTime(task, WorstResponse(tasks, priorityOrder, rank, blocking), blocking, coreRank);
        }
        return results;
    }

    // R(k+1) = C + B + Σ⌈R(k)/Tj⌉·Cj; monotone non-decreasing, so it stops at a fixed point or once past D.
    private static long WorstResponse(IReadOnlyList<PeriodicTask> tasks, IReadOnlyList<int> order, int rank, long blocking)
    {
        var task = tasks[order[rank]];
        long r = task.WcetNs + blocking;
        while (r <= task.DeadlineNs)
        {
            long next = task.WcetNs + blocking;
            for (int h = 0; h < rank; h++)
            {
                var hp = tasks[order[h]];
                if (hp.Core != task.Core) continue;
                next += CeilDiv(r, hp.PeriodNs) * hp.WcetNs;
            }
            if (next == r) return r;
            r = next;
        }
        return r;
    }

    internal static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
