using System;
using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>
/// SCHED_FIFO priorities for a set of loops, assigned by the host: deadline-monotonic (shorter deadline,
/// higher priority; the optimal fixed-priority order for constrained deadlines), one distinct level per
/// loop from the top of a configured range down, ties broken as <see cref="ResponseTimeAnalysis.DeadlineMonotonicOrder"/>
/// breaks them (shorter period, then the order given), so the priorities are the order admission analysed.
/// </summary>
public static class PriorityAssignment
{
    /// <summary>SCHED_FIFO's lowest priority.</summary>
    public const int FifoMin = 1;
    /// <summary>SCHED_FIFO's highest priority.</summary>
    public const int FifoMax = 99;

    /// <summary>
    /// The priority of each of <paramref name="tasks"/> (in their order): the first in deadline-monotonic
    /// order gets <paramref name="highest"/>, the next one less, down to at least <paramref name="lowest"/>.
    /// A range that is not within 1..99, or narrower than the set, is an <see cref="ArgumentException"/>
    /// naming the range and the count.
    /// </summary>
    public static int[] DeadlineMonotonic(IReadOnlyList<PeriodicTask> tasks, int lowest, int highest)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (lowest < FifoMin || highest > FifoMax || lowest > highest)
            throw new ArgumentException($"priority range {lowest}..{highest} is not within SCHED_FIFO's {FifoMin}..{FifoMax} (lowest first)");
        if (tasks.Count > highest - lowest + 1)
            throw new ArgumentException($"priority range {lowest}..{highest} has {highest - lowest + 1} level(s) for {tasks.Count} loops: each loop needs a level of its own");
        var order = ResponseTimeAnalysis.DeadlineMonotonicOrder(tasks);
        var priorities = new int[tasks.Count];
        for (int rank = 0; rank < order.Length; rank++) priorities[order[rank]] = highest - rank;
        return priorities;
    }

    /// <summary>
    /// The order <paramref name="priorities"/> stand in (indices, highest first; equal priorities in the
    /// order given): what <see cref="ResponseTimeAnalysis.Analyse(IReadOnlyList{PeriodicTask}, IReadOnlyList{int})"/>
    /// takes for hand-set priorities.
    /// </summary>
    public static int[] OrderOf(IReadOnlyList<int> priorities)
    {
        ArgumentNullException.ThrowIfNull(priorities);
        var order = new int[priorities.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Insertion sort: stable, and sets are a handful of loops.
        for (int i = 1; i < order.Length; i++)
        {
            int k = order[i], j = i - 1;
            while (j >= 0 && priorities[k] > priorities[order[j]]) { order[j + 1] = order[j]; j--; }
            order[j + 1] = k;
        }
        return order;
    }
}
