using System;
using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>
/// EDF's exact test for constrained-deadline periodic tasks on one processor (Baruah, Rosier and
/// Howell; Buttazzo, Hard Real-Time Computing Systems, §4.6): schedulable if and only if U ≤ 1 and
/// dbf(t) = Σ (⌊(t − Dᵢ)/Tᵢ⌋ + 1)·Cᵢ ≤ t at every absolute deadline t up to L, where L is the smaller of
/// the synchronous busy period and, when U &lt; 1, max(Dmax, Σ(Tᵢ − Dᵢ)Uᵢ/(1 − U)) (and at least Dmax, so every task's first deadline is checked). Each core is a set of its own.
/// </summary>
public static class DemandBoundTest
{
    /// <summary>More absolute deadlines than this before L (periods with a huge hyperperiod at U = 1): the test says it cannot decide.</summary>
    public const int MaxPoints = 1_000_000;

    /// <summary>The processor demand of <paramref name="tasks"/> in any interval of length <paramref name="t"/> (ns).</summary>
    public static long Demand(IReadOnlyList<PeriodicTask> tasks, long t)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        long demand = 0;
        foreach (var task in tasks)
            if (t >= task.DeadlineNs) demand += ((t - task.DeadlineNs) / task.PeriodNs + 1) * task.WcetNs;
        return demand;
    }

    /// <summary>Tests every core that <paramref name="tasks"/> use; one verdict per core, in ascending core order.</summary>
    public static DemandBound[] Test(IReadOnlyList<PeriodicTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        foreach (var t in tasks) t.Check();
        var cores = new SortedSet<int>();
        foreach (var t in tasks) cores.Add(t.Core);
        var verdicts = new List<DemandBound>();
        foreach (int core in cores)
        {
            var set = new List<PeriodicTask>();
            foreach (var t in tasks) if (t.Core == core) set.Add(t);
            verdicts.Add(TestCore(core, set));
        }
        return verdicts.ToArray();
    }

    private static DemandBound TestCore(int core, List<PeriodicTask> set)
    {
        double u = 0;
        long dMax = 0;
        foreach (var t in set) { u += t.Utilisation; dMax = Math.Max(dMax, t.DeadlineNs); }
        if (u > 1 + 1e-12)
            return new DemandBound(core, false, u, 0, 0, Reason: $"utilisation {u:0.####} is above 1");

        long busy = BusyPeriod(set);
        long bound = busy;
        if (u < 1 - 1e-12)
        {
            double sum = 0;
            foreach (var t in set) sum += (t.PeriodNs - t.DeadlineNs) * t.Utilisation;
            double la = Math.Max(dMax, sum / (1 - u));
            if (la < bound) bound = (long)Math.Ceiling(la);
        }
        // Checking further is harmless (dbf(t) ≤ t must hold at every t) and gives each task's first deadline a slack to report.
        if (bound >= 0) bound = Math.Max(bound, dMax);
        if (bound < 0)
            return new DemandBound(core, false, u, 0, 0, Reason: $"the busy period at utilisation {u:0.####} is too long to check (past {long.MaxValue / 2} ns)");

        long points = 0;
        foreach (var t in set) if (bound >= t.DeadlineNs) points += (bound - t.DeadlineNs) / t.PeriodNs + 1;
        if (points > MaxPoints)
            return new DemandBound(core, false, u, bound, 0, Reason: $"{points} absolute deadlines up to {bound} ns are more than the {MaxPoints} this test checks (periods with a long hyperperiod at full utilisation)");

        long? failsAt = null;
        long demandAtFail = 0, leastSlack = long.MaxValue;
        foreach (var t in set)
            for (long d = t.DeadlineNs; d <= bound; d += t.PeriodNs)
            {
                long demand = Demand(set, d);
                leastSlack = Math.Min(leastSlack, d - demand);
                if (demand > d && (failsAt is null || d < failsAt)) { failsAt = d; demandAtFail = demand; }
            }
        return new DemandBound(core, failsAt is null, u, bound, (int)points, failsAt, demandAtFail,
            failsAt is null ? null : $"the demand in the first {failsAt} ns is {demandAtFail} ns")
        { LeastSlackNs = leastSlack == long.MaxValue ? 0 : leastSlack };
    }

    // The synchronous busy period: w = Σ⌈w/Tᵢ⌉·Cᵢ from w = ΣCᵢ (converges for U ≤ 1); -1 when it runs past long.MaxValue / 2.
    private static long BusyPeriod(List<PeriodicTask> set)
    {
        long w = 0;
        foreach (var t in set) w += t.WcetNs;
        while (true)
        {
            long next = 0;
            foreach (var t in set) next += ResponseTimeAnalysis.CeilDiv(w, t.PeriodNs) * t.WcetNs;
            if (next == w) return w;
            if (next > long.MaxValue / 2) return -1;
            w = next;
        }
    }
}
