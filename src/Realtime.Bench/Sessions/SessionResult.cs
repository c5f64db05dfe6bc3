using Realtime.Core.Timing;

namespace Realtime.Bench.Sessions;

/// <summary>One session choice's figures: latency of the model's run, the CPU it cost, agreement with the default.</summary>
public sealed class SessionResult
{
    /// <summary>The choice's name.</summary>
    public string Name { get; set; } = "";
    /// <summary>What differs from the default.</summary>
    public string Description { get; set; } = "";
    /// <summary>The settings in ORT's terms (threads, spinning, level, memory pattern, arena, loaded file).</summary>
    public string Settings { get; set; } = "";
    /// <summary>Latency of one <c>Run</c> (inputs and outputs bound once), per counted frame.</summary>
    public LatencySummary Latency { get; set; } = new();
    /// <summary>Process CPU time per frame, µs: every thread (ONNX Runtime's pool included), over the run and the idle gap after it.</summary>
    public double CpuUsPerFrame { get; set; }
    /// <summary>Of <see cref="CpuUsPerFrame"/>, the CPU of threads other than the caller (a spinning pool shows here).</summary>
    public double OtherThreadsCpuUsPerFrame { get; set; }
    /// <summary>Process CPU time over wall time across the runs and gaps: 1 is one core busy the whole time.</summary>
    public double CoresBusy { get; set; }
    /// <summary>Session creation time, ms (saved models: load only; the save is done before).</summary>
    public double ModelLoadMs { get; set; }
    /// <summary>p50 latency over the default's p50 (1 for the default).</summary>
    public double P50Ratio { get; set; }
    /// <summary>p99 latency over the default's p99.</summary>
    public double P99Ratio { get; set; }
    /// <summary>CPU per frame over the default's.</summary>
    public double CpuRatio { get; set; }
    /// <summary>Largest absolute difference of any output value from the default's, on the same frames: the choice must not change the answer.</summary>
    public double MaxAbsDiffVsDefault { get; set; }
}
