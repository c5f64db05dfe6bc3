namespace Realtime.Core.Scheduling;

/// <summary>
/// The processor-demand test's verdict for one core: <see cref="Schedulable"/> under EDF, the core's
/// utilisation, how far and at how many absolute deadlines the demand was checked, and where it first
/// exceeded the time available (<see cref="FailsAtNs"/>, with the demand there), or why nothing was decided.
/// </summary>
public sealed record DemandBound(int Core, bool Schedulable, double Utilisation, long CheckedUpToNs, int PointsChecked,
    long? FailsAtNs = null, long DemandAtFailNs = 0, string? Reason = null)
{
    /// <summary>The least slack found, t − dbf(t), over the points checked (ns; negative where the test fails).</summary>
    public long LeastSlackNs { get; init; }
}
