using System;
using System.Threading;

namespace Realtime.Core.Timing;

/// <summary>
/// What the telemetry thread last read of the machine's speed (the pipeline core's frequency as a
/// fraction of its maximum, the hottest thermal zone), published for the hot path: one writer
/// (the sampler), any number of readers, no lock. A model ladder scales its rungs' expected times
/// by <see cref="Slowdown"/> so it moves down ahead of misses. <see cref="Process"/> is the one the
/// host's sampler publishes to; a test gives its own sampler and its own instance.
/// </summary>
public sealed class MachineSpeed
{
    private double _frequencyRatio = double.NaN;
    private double _temperatureC = double.NaN;

    /// <summary>The process's: what <c>rtapp run</c>'s and the bench's samplers publish and a ladder reads unless given another.</summary>
    public static MachineSpeed Process { get; } = new();

    /// <summary>The core's frequency over its maximum (NaN: not known, no cpufreq).</summary>
    public double FrequencyRatio => Volatile.Read(ref _frequencyRatio);
    /// <summary>The hottest thermal zone, °C (NaN: no thermal zones).</summary>
    public double TemperatureC => Volatile.Read(ref _temperatureC);

    /// <summary>Publishes a reading (NaN for what the machine does not report). The telemetry thread's.</summary>
    public void Publish(double frequencyRatio, double temperatureC)
    {
        Volatile.Write(ref _frequencyRatio, frequencyRatio);
        Volatile.Write(ref _temperatureC, temperatureC);
    }

    /// <summary>
    /// How much longer than calibrated the work is expected to take now: the maximum frequency over
    /// the current one, times <paramref name="hotScale"/> at or above <paramref name="hotC"/> °C; 1 when
    /// the machine reports neither. Allocation-free (the hot path calls it every frame).
    /// </summary>
    public double Slowdown(double hotC, double hotScale)
    {
        double scale = 1;
        double ratio = FrequencyRatio;
        if (ratio > 0 && ratio < 1) scale = 1 / ratio;
        if (TemperatureC >= hotC) scale *= Math.Max(1, hotScale);
        return scale;
    }
}
