namespace Realtime.Core.Scheduling;

/// <summary>
/// The calibrated times a build's model ladders take their rungs' expected times from: the host puts
/// the loop's entry of the timing file (<c>rtapp bench --calibrate</c> writes it) in the build's
/// shared objects; a build without one, or a ladder the entry does not cover, measures at start.
/// </summary>
/// <param name="Loop">The loop's entry of the timing file, or null.</param>
/// <param name="Source">The timing file, for messages and the report.</param>
public sealed record LadderTimings(LoopTiming? Loop, string Source)
{
    /// <summary>No timing file.</summary>
    public static LadderTimings None { get; } = new(null, "");
}
