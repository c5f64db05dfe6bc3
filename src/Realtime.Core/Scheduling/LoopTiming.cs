using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>One loop's calibration in a timing file: what it was run at, and its frame's and each stage's times.</summary>
public sealed class LoopTiming
{
    /// <summary>The application (loop) name, as the profile chooses it.</summary>
    public string Name { get; set; } = "";
    /// <summary>The rate it was calibrated at.</summary>
    public double RateHz { get; set; }
    /// <summary>Its deadline then, µs.</summary>
    public long DeadlineUs { get; set; }
    /// <summary>Release to actuation of each frame: the loop's execution (and wake-up) time, what admission charges per period.</summary>
    public StageTiming Frame { get; set; } = new();
    /// <summary>Each stage's times, in pipeline order.</summary>
    public List<StageTiming> Stages { get; set; } = new();
    /// <summary>Each model ladder rung's inference times, named <c>node/rung</c> (null: the loop has no ladder).</summary>
    public List<StageTiming>? Variants { get; set; }

    /// <summary>The times of rung <paramref name="rung"/> of model node <paramref name="node"/>'s ladder, or null.</summary>
    public StageTiming? Variant(string node, string rung)
    {
        if (Variants is null) return null;
        foreach (var v in Variants) if (v is not null && v.Name == VariantName(node, rung)) return v;
        return null;
    }

    /// <summary>How a ladder rung's entry is named: <c>node/rung</c>.</summary>
    public static string VariantName(string node, string rung) => node + "/" + rung;
}
