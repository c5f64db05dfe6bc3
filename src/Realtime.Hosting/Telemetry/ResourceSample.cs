using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>One <see cref="ResourceSampler"/> sample: the reading, and the interval since the one before in ratios.</summary>
public struct ResourceSample
{
    /// <summary>What was read (totals and instant values).</summary>
    public ResourceReading Reading;
    /// <summary>The interval's length, s.</summary>
    public double Seconds;
    /// <summary>Share of the interval some task waited for a CPU, memory, I/O (PSI "some" totals); NaN when not on this machine.</summary>
    public double CpuPressure, MemoryPressure, IoPressure;
    /// <summary>The process's CPU use over the interval, cores.</summary>
    public double ProcessCpu;
    /// <summary>Share of the machine's CPU time waiting for I/O, and busy (neither idle nor waiting), over the interval; NaN when unknown.</summary>
    public double IoWait, MachineBusy;
    /// <summary>The watched core's frequency as a share of its maximum; NaN without cpufreq.</summary>
    public double FrequencyRatio;
    /// <summary>What the interval's figures say (thresholds on <see cref="ResourceSampler"/>).</summary>
    public MachineConditions Conditions;
}
