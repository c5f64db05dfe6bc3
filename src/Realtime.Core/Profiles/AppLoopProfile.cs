using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>An application loop's timing; a field left out takes the board's <c>timing</c> value.</summary>
public sealed class AppLoopProfile
{
    /// <summary>Loop rate.</summary>
    public double? RateHz { get; set; }
    /// <summary>Deadline after capture, µs.</summary>
    public long? DeadlineUs { get; set; }
    /// <summary>Per-stage budgets in µs (capture, preprocess, infer, decode, control, actuate).</summary>
    public Dictionary<string, long>? BudgetsUs { get; set; }
}
