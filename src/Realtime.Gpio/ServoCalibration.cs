using System;

namespace Realtime.Gpio;

/// <summary>How a hobby servo maps angle to pulse width, and the PWM frame it sits in.</summary>
public readonly record struct ServoCalibration(int FrequencyHz, double MinPulseUs, double MaxPulseUs, double MinAngleDeg, double MaxAngleDeg, double SafeAngleDeg) : IPwmCalibration
{
    /// <inheritdoc/>
    public double SafeValue => SafeAngleDeg;

    /// <summary>Duty cycle (0..1) for an angle, clamped to the servo's range; NaN (no valid command) gives the safe angle.</summary>
    public double DutyCycleFor(double angleDeg)
    {
        if (double.IsNaN(angleDeg)) angleDeg = SafeAngleDeg;
        double a = Math.Clamp(angleDeg, MinAngleDeg, MaxAngleDeg);
        double pulse = MinPulseUs + (a - MinAngleDeg) / (MaxAngleDeg - MinAngleDeg) * (MaxPulseUs - MinPulseUs);
        return pulse * FrequencyHz / 1e6;
    }

    /// <summary>The angle a duty cycle commands, clamped to the range (what the servo's electronics do).</summary>
    public double AngleFor(double dutyCycle)
    {
        double pulse = dutyCycle * 1e6 / FrequencyHz;
        double a = MinAngleDeg + (pulse - MinPulseUs) / (MaxPulseUs - MinPulseUs) * (MaxAngleDeg - MinAngleDeg);
        return Math.Clamp(a, MinAngleDeg, MaxAngleDeg);
    }
}
