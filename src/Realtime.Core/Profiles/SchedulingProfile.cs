using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>
/// How the host schedules the loops of a profile with several applications (<c>apps[]</c>): <c>manual</c>
/// (each loop at the SCHED_FIFO priority written for it), <c>fixed-priority</c> (SCHED_FIFO, deadline-monotonic
/// priorities assigned by the host within <see cref="Priorities"/>) or <c>edf</c> (SCHED_DEADLINE: each loop's
/// runtime its measured worst case from the timing file, deadline and period its own).
/// </summary>
public sealed class SchedulingProfile
{
    /// <summary><c>manual</c>, <c>fixed-priority</c> or <c>edf</c>.</summary>
    public string Policy { get; set; } = "manual";
    /// <summary>The SCHED_FIFO range <c>fixed-priority</c> assigns from, [lowest, highest]: the shortest deadline gets the highest.</summary>
    public List<int> Priorities { get; set; } = new() { 50, 79 };
    /// <summary>How many inferences may run at once among loops that share a core (or, with <see cref="SharedAccelerator"/>, among all loops): the inference arbiter's slots.</summary>
    public int InferenceSlots { get; set; } = 1;
    /// <summary>Whether every loop's inference goes through one arbiter (an accelerator they all use), not only those of loops that share a core.</summary>
    public bool SharedAccelerator { get; set; }
}
