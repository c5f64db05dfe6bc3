using System;
using System.Device.Pwm;
using Realtime.Gpio;

namespace Realtime.Sim;

/// <summary>Physical figures of a small differential-drive robot.</summary>
public readonly record struct DriveParameters(double WheelBaseCm, double MaxWheelCmPerS, double MotorTimeConstantS);

/// <summary>
/// A differential-drive robot. Each step it reads the duty cycle on the left and right motor PWM
/// channels (what the loop wrote through System.Device.Gpio), turns it into the commanded wheel
/// speed with the motor's calibration, lets each wheel approach it as a first-order lag (the motor's
/// time constant), and integrates the unicycle kinematics exactly over 1 ms sub-steps: forward speed
/// (vL+vR)/2, turn rate (vR−vL)/wheel base. World centimetres, y up, heading in radians from +x.
/// </summary>
public sealed class DifferentialDrivePlant
{
    private const double SubStepS = 0.001;
    private readonly PwmChannel _left, _right;
    private readonly MotorCalibration _leftCal, _rightCal;
    private readonly DriveParameters _p;

    /// <summary>Places the robot, wheels at rest.</summary>
    public DifferentialDrivePlant(PwmChannel left, MotorCalibration leftCal, PwmChannel right, MotorCalibration rightCal,
        DriveParameters parameters, double x, double y, double heading)
    {
        if (!(parameters.WheelBaseCm > 0) || !(parameters.MaxWheelCmPerS > 0) || !(parameters.MotorTimeConstantS >= 0))
            throw new ArgumentOutOfRangeException(nameof(parameters), "wheel base and top speed must be positive, the time constant not negative");
        _left = left;
        _right = right;
        _leftCal = leftCal;
        _rightCal = rightCal;
        _p = parameters;
        X = x;
        Y = y;
        Heading = heading;
    }

    /// <summary>Position x, cm.</summary>
    public double X { get; private set; }
    /// <summary>Position y, cm.</summary>
    public double Y { get; private set; }
    /// <summary>Heading, radians (0 = +x, counter-clockwise positive), wrapped to (−π, π].</summary>
    public double Heading { get; private set; }
    /// <summary>Left wheel speed now, cm/s.</summary>
    public double LeftCmPerS { get; private set; }
    /// <summary>Right wheel speed now, cm/s.</summary>
    public double RightCmPerS { get; private set; }
    /// <summary>Distance driven (path length of the axle's centre), cm.</summary>
    public double OdometerCm { get; private set; }
    /// <summary>Simulated time, seconds.</summary>
    public double TimeS { get; private set; }

    /// <summary>Puts the robot at a pose, wheels at rest (tests, and the camera's placed poses: <see cref="TrackCamera.PlaceAt"/>; a driven run never calls it).</summary>
    public void Place(double x, double y, double heading)
    {
        X = x;
        Y = y;
        Heading = Math.Atan2(Math.Sin(heading), Math.Cos(heading));
        LeftCmPerS = RightCmPerS = 0;
    }

    /// <summary>Advances the robot to simulated time <paramref name="timeS"/> under the commands now on the channels.</summary>
    public void AdvanceTo(double timeS)
    {
        double dt = timeS - TimeS;
        if (dt <= 0) return;
        double targetL = _leftCal.CommandFor(_left.DutyCycle) * _p.MaxWheelCmPerS;
        double targetR = _rightCal.CommandFor(_right.DutyCycle) * _p.MaxWheelCmPerS;
        int steps = Math.Max(1, (int)Math.Ceiling(dt / SubStepS));
        double h = dt / steps;
        double tau = _p.MotorTimeConstantS;
        double keep = tau > 0 ? Math.Exp(-h / tau) : 0;
        double meanKeep = tau > 0 ? tau / h * (1 - keep) : 0; // mean of e^(−t/τ) over the sub-step
        double vl = LeftCmPerS, vr = RightCmPerS, x = X, y = Y, th = Heading, odo = OdometerCm;
        // The heading's sine and cosine carry from one sub-step's end to the next one's start.
        double sinTh = Math.Sin(th), cosTh = Math.Cos(th);
        for (int i = 0; i < steps; i++)
        {
            // Wheel speeds over the sub-step: their exact mean under the lag, then an exact arc.
            double nl = targetL + (vl - targetL) * keep, nr = targetR + (vr - targetR) * keep;
            double ml = targetL + (vl - targetL) * meanKeep, mr = targetR + (vr - targetR) * meanKeep;
            vl = nl;
            vr = nr;
            double v = (ml + mr) * 0.5, w = (mr - ml) / _p.WheelBaseCm;
            if (Math.Abs(w * h) < 1e-9)
            {
                x += v * h * cosTh;
                y += v * h * sinTh;
            }
            else
            {
                double th2 = th + w * h;
                double sin2 = Math.Sin(th2), cos2 = Math.Cos(th2);
                x += v / w * (sin2 - sinTh);
                y -= v / w * (cos2 - cosTh);
                th = th2;
                sinTh = sin2;
                cosTh = cos2;
            }
            odo += Math.Abs(v) * h;
        }
        X = x;
        Y = y;
        Heading = Math.Atan2(sinTh, cosTh);
        LeftCmPerS = vl;
        RightCmPerS = vr;
        OdometerCm = odo;
        TimeS = timeS;
    }
}
