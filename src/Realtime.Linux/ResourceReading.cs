namespace Realtime.Linux;

/// <summary>
/// One reading of the machine and the process, as cumulative totals and instant values
/// (<see cref="ResourceReader"/>). A figure the machine does not have is -1 (counters) or NaN.
/// </summary>
public struct ResourceReading
{
    /// <summary>Monotonic time of the reading, ns.</summary>
    public long AtNs;
    /// <summary>Pressure stall information, "some" line: the 10 s average (percent), per resource (cpu, memory, io).</summary>
    public double CpuSomeAvg10, MemorySomeAvg10, IoSomeAvg10;
    /// <summary>Pressure stall information, "some" line: total stall time so far, µs.</summary>
    public long CpuSomeTotalUs, MemorySomeTotalUs, IoSomeTotalUs;
    /// <summary>The watched core's frequency now and its hardware maximum, kHz (cpufreq).</summary>
    public long FrequencyKhz, MaxFrequencyKhz;
    /// <summary>The watched core's thermal throttle events so far (x86's thermal_throttle).</summary>
    public long ThrottleEvents;
    /// <summary>The core watched (the pipeline thread's), -1 when unknown.</summary>
    public int Core;
    /// <summary>The hottest thermal zone, °C.</summary>
    public double TemperatureC;
    /// <summary>Thermal zones at or above their lowest passive (or hot) trip point.</summary>
    public int HotZones;
    /// <summary>The process's resident memory, bytes.</summary>
    public long RssBytes;
    /// <summary>The process's CPU time so far (user + system), clock ticks.</summary>
    public long ProcessTicks;
    /// <summary>The machine's CPU time so far (/proc/stat's first line): all of it, idle, and waiting for I/O, clock ticks.</summary>
    public long MachineTicks, MachineIdleTicks, MachineIoWaitTicks;
}
