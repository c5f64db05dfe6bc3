namespace Realtime.Core.Scheduling;

/// <summary>
/// One task's result of the response-time analysis: its worst response <see cref="ResponseNs"/> (the
/// fixed point of the recurrence, or the first iterate past the deadline when there is none within
/// it), the blocking it was charged and its priority rank on its core (0 = highest).
/// </summary>
public sealed record ResponseTime(PeriodicTask Task, long ResponseNs, long BlockingNs, int PriorityRank)
{
    /// <summary>Whether the worst response is within the deadline.</summary>
    public bool Schedulable => ResponseNs <= Task.DeadlineNs;

    /// <summary>Deadline minus worst response (negative when the deadline can be missed).</summary>
    public long MarginNs => Task.DeadlineNs - ResponseNs;
}
