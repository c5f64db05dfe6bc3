using System;

namespace Realtime.Hosting.Telemetry;

/// <summary>What a <see cref="ResourceSampler"/> sample says about the machine over its interval, in the order a miss is given them as its cause.</summary>
[Flags]
public enum MachineConditions
{
    /// <summary>Nothing unusual (or not sampled).</summary>
    None = 0,
    /// <summary>The pipeline's core ran below <see cref="ResourceSampler.ThrottledBelow"/> of its maximum frequency, or counted a thermal throttle event.</summary>
    Throttled = 1,
    /// <summary>A thermal zone was at or above its lowest passive (or hot) trip point.</summary>
    Hot = 2,
    /// <summary>Some task waited for memory for at least <see cref="ResourceSampler.PressureAbove"/> of the interval.</summary>
    MemoryPressure = 4,
    /// <summary>Some task waited for I/O for at least <see cref="ResourceSampler.PressureAbove"/> of the interval.</summary>
    IoPressure = 8,
}
