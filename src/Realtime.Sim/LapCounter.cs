using System;

namespace Realtime.Sim;

/// <summary>
/// Counts progress round a closed track from the centreline progress of each step: the change is
/// taken the short way round (so crossing the start line is +a little, not −a lap), summed, and a
/// lap is complete when the sum first reaches the track's length — driving backwards takes progress
/// away, and cutting a corner cannot count twice.
/// </summary>
public sealed class LapCounter
{
    private readonly double _length;
    private double _last, _lastTimeS;
    private bool _started;

    /// <summary>A counter for a track of the given length.</summary>
    public LapCounter(double trackLength)
    {
        if (!(trackLength > 0)) throw new ArgumentOutOfRangeException(nameof(trackLength));
        _length = trackLength;
    }

    /// <summary>Net progress since the first update, cm.</summary>
    public double ProgressCm { get; private set; }
    /// <summary>Whether a whole lap has been driven.</summary>
    public bool LapCompleted { get; private set; }
    /// <summary>Time from the first update to the lap's completion, s (NaN until then).</summary>
    public double LapTimeS { get; private set; } = double.NaN;
    /// <summary>Time of the first update, s.</summary>
    public double StartTimeS { get; private set; }

    /// <summary>Takes the progress along the centreline (0..length) at time <paramref name="timeS"/>.</summary>
    public void Update(double progress, double timeS)
    {
        if (!_started)
        {
            _started = true;
            _last = progress;
            _lastTimeS = timeS;
            StartTimeS = timeS;
            return;
        }
        double d = progress - _last;
        double previousTime = _lastTimeS;
        if (d > _length / 2) d -= _length;
        else if (d < -_length / 2) d += _length;
        _last = progress;
        _lastTimeS = timeS;
        double before = ProgressCm;
        ProgressCm += d;
        if (!LapCompleted && ProgressCm >= _length)
        {
            LapCompleted = true;
            // The crossing lies inside this step: interpolate, assuming the step's progress was even.
            double frac = (_length - before) / d;
            LapTimeS = previousTime + frac * (timeS - previousTime) - StartTimeS;
        }
    }
}
