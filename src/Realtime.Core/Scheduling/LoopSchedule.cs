namespace Realtime.Core.Scheduling;

/// <summary>
/// What one loop's thread is given: SCHED_FIFO at <see cref="Priority"/>, or SCHED_DEADLINE with
/// <see cref="Reservation"/> (then <see cref="Priority"/> is 0).
/// </summary>
public sealed record LoopSchedule(string Name, int Priority, DeadlineReservation? Reservation)
{
    /// <summary>Whether the loop runs under SCHED_DEADLINE.</summary>
    public bool Deadline => Reservation is not null;
}
