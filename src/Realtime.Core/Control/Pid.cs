using System;

namespace Realtime.Core.Control;

/// <summary>Gains and limits of a PID controller.</summary>
public readonly record struct PidGains(double Kp, double Ki, double Kd, double IntegralLimit, double OutputLimit);

/// <summary>
/// A discrete PID controller with a clamped integral (anti-windup) and derivative on the
/// measurement's error; time step supplied per update so a held frame does not skew it.
/// </summary>
public struct Pid
{
    private readonly PidGains _g;
    private double _integral;
    private double _lastError;
    private bool _hasLast;

    /// <summary>A controller with the given gains.</summary>
    public Pid(PidGains gains)
    {
        _g = gains;
        _integral = 0;
        _lastError = 0;
        _hasLast = false;
    }

    /// <summary>The output for error <paramref name="error"/> over step <paramref name="dt"/> seconds.</summary>
    public double Update(double error, double dt)
    {
        if (dt <= 0) dt = 1e-3;
        _integral = Math.Clamp(_integral + error * dt, -_g.IntegralLimit, _g.IntegralLimit);
        double derivative = _hasLast ? (error - _lastError) / dt : 0;
        _lastError = error;
        _hasLast = true;
        return Math.Clamp(_g.Kp * error + _g.Ki * _integral + _g.Kd * derivative, -_g.OutputLimit, _g.OutputLimit);
    }

    /// <summary>Forgets the integral and derivative history (target lost).</summary>
    public void Reset()
    {
        _integral = 0;
        _lastError = 0;
        _hasLast = false;
    }
}
