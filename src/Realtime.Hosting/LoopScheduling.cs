using System;
using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Core.Scheduling;

namespace Realtime.Hosting;

/// <summary>
/// The profile's <c>scheduling</c> policy over the loops of one host (<c>apps[]</c>): each loop's
/// <c>threads.pipeline</c> set to what <see cref="SchedulingPlan"/> gives it (its own SCHED_FIFO priority under
/// manual, a deadline-monotonic one under fixed-priority, SCHED_DEADLINE with its measured worst case as the
/// runtime under edf), before admission judges the set and each <see cref="LoopThread"/> applies it.
/// </summary>
public static class LoopScheduling
{
    /// <summary>
    /// Applies <paramref name="composition"/>'s <c>scheduling</c> (nothing when it has none) over
    /// <paramref name="loops"/>' profiles and returns the policy's word (null: none). Under <c>edf</c> a loop's
    /// runtime is its frame's worst case in <paramref name="timing"/> (pWCET, else the maximum), else its
    /// <c>threads.pipeline.runtime_us</c>. What the policy cannot do is a <see cref="ProfileException"/> of
    /// <paramref name="source"/>, a line per problem naming the field, the loop and the numbers.
    /// </summary>
    public static string? Apply(BoardProfile composition, IReadOnlyList<AppLoop> loops, TimingFile? timing, string source)
    {
        ArgumentNullException.ThrowIfNull(composition);
        ArgumentNullException.ThrowIfNull(loops);
        if (composition.Scheduling is not { } s || SchedulingPlan.Parse(s.Policy) is not LoopPolicy policy) return null;
        var planned = new List<PlannedLoop>(loops.Count);
        foreach (var l in loops)
        {
            var o = LoopSettings.Options(l.Profile, null, l.Profile.App?.Loop);
            long runtime = timing?.Loop(l.Name) is { } t ? (long)Math.Ceiling(t.Frame.WorstUs * 1000)
                : l.Profile.Threads.Pipeline.RuntimeUs is long given ? given * 1000 : 0;
            planned.Add(new PlannedLoop(l.Name, o.PeriodNs, o.DeadlineNs, l.Profile.Threads.Pipeline.Cores, l.Profile.Threads.Pipeline.Priority, runtime, $"apps[{l.Index}]"));
        }
        var problems = new List<string>();
        var plan = SchedulingPlan.Plan(policy, planned, s.Priorities[0], s.Priorities[1], OnlineCpus.Count(), problems, out _);
        if (problems.Count > 0) throw new ProfileException(source, problems);
        for (int i = 0; i < loops.Count; i++)
        {
            var pipeline = loops[i].Profile.Threads.Pipeline;
            if (plan[i].Reservation is DeadlineReservation r)
            {
                pipeline.Policy = "deadline";
                pipeline.RuntimeUs = (r.RuntimeNs + 999) / 1000;
            }
            else
            {
                pipeline.Policy = "fifo";
                pipeline.Priority = plan[i].Priority;
            }
        }
        return SchedulingPlan.Name(policy);
    }
}
