using System.Collections.Generic;

namespace Realtime.Core.Reporting;

/// <summary>
/// The machine and the process over the run, sampled by the telemetry side once a period: pressure
/// stall information, the pipeline core's frequency, the hottest thermal zone, the process's memory
/// and CPU, the machine's I/O wait. A figure this machine does not have is left out (null).
/// </summary>
public sealed class ResourceReport
{
    /// <summary>Seconds between samples.</summary>
    public double PeriodS { get; set; }
    /// <summary>Samples taken in the run.</summary>
    public long Samples { get; set; }
    /// <summary>How many the trace can hold (the most recent are kept).</summary>
    public int Kept { get; set; }
    /// <summary>What this machine does not expose (pressure, cpufreq, thermal), so is not sampled.</summary>
    public List<string> Absent { get; set; } = new();
    /// <summary>The whole run (the samples kept).</summary>
    public ResourceSummary Summary { get; set; } = new();
    /// <summary>Every sample kept, oldest first.</summary>
    public List<ResourcePoint> Trace { get; set; } = new();
}

/// <summary>A span of samples in a few figures (a ratio is of the sample's interval; null: not on this machine).</summary>
public sealed class ResourceSummary
{
    /// <summary>Samples summarised.</summary>
    public int Samples { get; set; }
    /// <summary>Highest share of an interval in which some task waited for a CPU (PSI cpu "some").</summary>
    public double? CpuPressureMax { get; set; }
    /// <summary>Highest share of an interval in which some task waited for memory (PSI memory "some").</summary>
    public double? MemoryPressureMax { get; set; }
    /// <summary>Highest share of an interval in which some task waited for I/O (PSI io "some").</summary>
    public double? IoPressureMax { get; set; }
    /// <summary>Lowest frequency of the pipeline's core as a share of its maximum.</summary>
    public double? FrequencyRatioMin { get; set; }
    /// <summary>Lowest frequency of the pipeline's core, MHz.</summary>
    public double? FrequencyMhzMin { get; set; }
    /// <summary>Hottest thermal zone, °C.</summary>
    public double? TemperatureMaxC { get; set; }
    /// <summary>Highest resident memory, MB.</summary>
    public double RssMaxMb { get; set; }
    /// <summary>Resident memory at the last sample less at the first, MB.</summary>
    public double RssGrowthMb { get; set; }
    /// <summary>The process's CPU use, mean and highest, in cores.</summary>
    public double ProcessCpuMean { get; set; }
    /// <summary>The process's highest CPU use in one interval, cores.</summary>
    public double ProcessCpuMax { get; set; }
    /// <summary>Highest share of the machine's CPU time spent waiting for I/O.</summary>
    public double? IoWaitMax { get; set; }
    /// <summary>Samples with the pipeline's core throttled (below the margin of its maximum frequency, or a throttle event).</summary>
    public int ThrottledSamples { get; set; }
    /// <summary>Samples with a thermal zone at its trip point.</summary>
    public int HotSamples { get; set; }
    /// <summary>Samples with memory pressure over the threshold.</summary>
    public int MemoryPressureSamples { get; set; }
    /// <summary>Samples with I/O pressure over the threshold.</summary>
    public int IoPressureSamples { get; set; }
}

/// <summary>One sample: the interval before it (ratios) and the moment it was taken (memory, temperature).</summary>
public sealed class ResourcePoint
{
    /// <summary>When it was taken, ms from the run's first frame (negative: before it).</summary>
    public double AtMs { get; set; }
    /// <summary>The process's CPU use over the interval, cores.</summary>
    public double ProcessCpu { get; set; }
    /// <summary>Resident memory, MB.</summary>
    public double RssMb { get; set; }
    /// <summary>Share of the machine's CPU time waiting for I/O over the interval.</summary>
    public double? IoWait { get; set; }
    /// <summary>Share of the interval some task waited for a CPU.</summary>
    public double? CpuPressure { get; set; }
    /// <summary>Share of the interval some task waited for memory.</summary>
    public double? MemoryPressure { get; set; }
    /// <summary>Share of the interval some task waited for I/O.</summary>
    public double? IoPressure { get; set; }
    /// <summary>Hottest thermal zone, °C.</summary>
    public double? TemperatureC { get; set; }
    /// <summary>The pipeline's core's frequency as a share of its maximum.</summary>
    public double? FrequencyRatio { get; set; }
    /// <summary>The conditions a miss in this interval is given as its cause (throttled, hot, memory_pressure, io_pressure), null when none.</summary>
    public string? Conditions { get; set; }
}
