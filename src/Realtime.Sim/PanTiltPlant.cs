using System;
using System.Device.Pwm;
using Realtime.Gpio;

namespace Realtime.Sim;

/// <summary>
/// A pan/tilt mount on two hobby servos. Each step it reads the duty cycle on the two PWM
/// channels (what the loop wrote through System.Device.Gpio), converts it to the commanded angle
/// with the servo's calibration, and moves toward it no faster than the servo's slew rate, within
/// its range. The angles place the camera's window in the world.
/// </summary>
public sealed class PanTiltPlant
{
    private readonly PwmChannel _pan, _tilt;
    private readonly ServoCalibration _panCal, _tiltCal;
    private readonly double _rateDegPerS;

    /// <summary>Creates the mount at its start angles.</summary>
    public PanTiltPlant(PwmChannel pan, ServoCalibration panCal, PwmChannel tilt, ServoCalibration tiltCal,
        double servoRateDegPerS, double startPanDeg, double startTiltDeg)
    {
        if (servoRateDegPerS <= 0) throw new ArgumentOutOfRangeException(nameof(servoRateDegPerS));
        _pan = pan;
        _tilt = tilt;
        _panCal = panCal;
        _tiltCal = tiltCal;
        _rateDegPerS = servoRateDegPerS;
        PanDeg = Math.Clamp(startPanDeg, panCal.MinAngleDeg, panCal.MaxAngleDeg);
        TiltDeg = Math.Clamp(startTiltDeg, tiltCal.MinAngleDeg, tiltCal.MaxAngleDeg);
    }

    /// <summary>Pan angle now.</summary>
    public double PanDeg { get; private set; }
    /// <summary>Tilt angle now.</summary>
    public double TiltDeg { get; private set; }
    /// <summary>Simulated time, seconds.</summary>
    public double TimeS { get; private set; }

    /// <summary>Advances the mount to simulated time <paramref name="timeS"/>.</summary>
    public void AdvanceTo(double timeS)
    {
        double dt = timeS - TimeS;
        if (dt <= 0) return;
        TimeS = timeS;
        double maxStep = _rateDegPerS * dt;
        PanDeg = Step(PanDeg, _panCal.AngleFor(_pan.DutyCycle), maxStep);
        TiltDeg = Step(TiltDeg, _tiltCal.AngleFor(_tilt.DutyCycle), maxStep);
    }

    private static double Step(double now, double target, double maxStep) => now + Math.Clamp(target - now, -maxStep, maxStep);
}
