using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// One periodic loop as the schedulability tests see it (all times in ns): its worst-case execution
/// <see cref="WcetNs"/> per release, released every <see cref="PeriodNs"/>, due <see cref="DeadlineNs"/>
/// after release (constrained: at most the period), on <see cref="Core"/>. <see cref="NonPreemptibleNs"/>
/// is its longest section another loop on the same core cannot preempt (an ONNX Runtime call runs to
/// its end on its thread): what it makes a higher-priority loop wait at most.
/// </summary>
public sealed record PeriodicTask(string Name, long WcetNs, long PeriodNs, long DeadlineNs, int Core = 0, long NonPreemptibleNs = 0)
{
    /// <summary>The share of its core this task takes (C/T).</summary>
    public double Utilisation => (double)WcetNs / PeriodNs;

    /// <summary>What is wrong with this task for the analyses (a sentence naming it), or null.</summary>
    public string? Problem()
    {
        if (PeriodNs <= 0) return $"loop '{Name}': period {PeriodNs} ns is not positive";
        if (DeadlineNs <= 0) return $"loop '{Name}': deadline {DeadlineNs} ns is not positive";
        if (WcetNs <= 0) return $"loop '{Name}': execution time {WcetNs} ns is not positive";
        if (NonPreemptibleNs < 0 || NonPreemptibleNs > WcetNs) return $"loop '{Name}': its non-preemptible section ({NonPreemptibleNs} ns) is not within its execution time ({WcetNs} ns)";
        if (DeadlineNs > PeriodNs) return $"loop '{Name}': deadline {DeadlineNs} ns is above its period {PeriodNs} ns (only constrained deadlines, at most the period, are analysed)";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Problem"/> when there is one.</summary>
    internal void Check()
    {
        if (Problem() is string problem) throw new ArgumentException(problem);
    }
}
