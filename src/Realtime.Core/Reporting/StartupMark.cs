namespace Realtime.Core.Reporting;

/// <summary>One start-up milestone in a report: its name and when it was reached, ms after process start.</summary>
public sealed class StartupMark
{
    /// <summary>The milestone (see <see cref="StartupTimeline"/> for the names).</summary>
    public string Phase { get; set; } = "";
    /// <summary>Milliseconds from process start (exec) to the milestone.</summary>
    public double AtMs { get; set; }
}
