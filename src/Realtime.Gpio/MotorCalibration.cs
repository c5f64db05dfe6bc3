using System;

namespace Realtime.Gpio;

/// <summary>
/// How a drive motor takes its speed on one PWM channel: an RC-style signal (an ESC, or a
/// continuous-rotation servo), a pulse of <see cref="StopPulseUs"/> for stop, <see cref="ForwardPulseUs"/>
/// for full forward and <see cref="ReversePulseUs"/> for full reverse, linear in between. One channel
/// per motor carries both direction and speed, so two PWM channels drive a differential robot.
/// </summary>
public readonly record struct MotorCalibration(int FrequencyHz, double ReversePulseUs, double StopPulseUs, double ForwardPulseUs) : IPwmCalibration
{
    /// <summary>Stopped.</summary>
    public double SafeValue => 0;

    /// <summary>Duty cycle (0..1) for a command in [-1, 1] (clamped); NaN (no valid command) stops the motor.</summary>
    public double DutyCycleFor(double command)
    {
        if (double.IsNaN(command)) command = 0;
        double c = Math.Clamp(command, -1, 1);
        double pulse = c >= 0 ? StopPulseUs + c * (ForwardPulseUs - StopPulseUs) : StopPulseUs + c * (StopPulseUs - ReversePulseUs);
        return pulse * FrequencyHz / 1e6;
    }

    /// <summary>The command in [-1, 1] a duty cycle gives (what the motor's electronics read), clamped.</summary>
    public double CommandFor(double dutyCycle)
    {
        double pulse = dutyCycle * 1e6 / FrequencyHz;
        double c = pulse >= StopPulseUs ? (pulse - StopPulseUs) / (ForwardPulseUs - StopPulseUs) : (pulse - StopPulseUs) / (StopPulseUs - ReversePulseUs);
        return Math.Clamp(c, -1, 1);
    }
}
