using System.Collections.Generic;
using Realtime.Core.Reporting;

namespace Realtime.Bench;

/// <summary><c>rtapp bench --apps</c>'s report: each policy's run, its loops' sections as <c>rtapp run</c> wrote them.</summary>
public sealed class AppsBenchReport
{
    /// <summary>The profile's name.</summary>
    public string Board { get; set; } = "";
    /// <summary>The apps[] entries run together.</summary>
    public List<string> Apps { get; set; } = new();
    /// <summary>Counted frames per loop per policy.</summary>
    public int Frames { get; set; }
    /// <summary>Whether stress-ng loaded the other cores.</summary>
    public bool Stress { get; set; }
    /// <summary>/proc/loadavg before the first run.</summary>
    public string? LoadAverageBefore { get; set; }
    /// <summary>/proc/loadavg after the last run.</summary>
    public string? LoadAverageAfter { get; set; }
    /// <summary>One run per policy.</summary>
    public List<AppsBenchRun> Runs { get; set; } = new();
}

/// <summary>One policy's run of the set.</summary>
public sealed class AppsBenchRun
{
    /// <summary>manual, fixed-priority or edf.</summary>
    public string Policy { get; set; } = "";
    /// <summary>Whether the loops' cores were left out for this run (edf).</summary>
    public bool Unpinned { get; set; }
    /// <summary>The cores stress-ng loaded (null: no stress).</summary>
    public int[]? StressCores { get; set; }
    /// <summary>rtapp run's exit code.</summary>
    public int ExitCode { get; set; }
    /// <summary>Its error line when it failed.</summary>
    public string? Error { get; set; }
    /// <summary>Its report: a section per loop with the kernel's read-back and admission's prediction.</summary>
    public RunReport? Report { get; set; }
}
