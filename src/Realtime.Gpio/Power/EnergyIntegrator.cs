namespace Realtime.Gpio.Power;

/// <summary>
/// Energy from power samples at monotonic times: the trapezoid rule between consecutive samples
/// (power taken to change linearly between two readings). A failed reading ends a stretch: no
/// energy is assumed across a gap.
/// </summary>
public struct EnergyIntegrator
{
    private long _lastNs;
    private double _lastW;
    private bool _open;

    /// <summary>Joules so far.</summary>
    public double EnergyJ { get; private set; }
    /// <summary>Seconds covered by consecutive good samples.</summary>
    public double Seconds { get; private set; }
    /// <summary>Good samples so far.</summary>
    public long Samples { get; private set; }

    /// <summary>Adds a reading of <paramref name="watts"/> taken at <paramref name="timeNs"/> (non-decreasing).</summary>
    public void Add(long timeNs, double watts)
    {
        if (_open && timeNs >= _lastNs)
        {
            double dt = (timeNs - _lastNs) / 1e9;
            EnergyJ += (watts + _lastW) / 2 * dt;
            Seconds += dt;
        }
        _lastNs = timeNs;
        _lastW = watts;
        _open = true;
        Samples++;
    }

    /// <summary>A reading failed: the next good sample starts a new stretch.</summary>
    public void Gap() => _open = false;

    /// <summary>Mean power over the covered time, W (0 before two samples).</summary>
    public readonly double MeanW => Seconds > 0 ? EnergyJ / Seconds : 0;
}
