using System;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Control;

/// <summary>Settings of the line-following controller.</summary>
public readonly record struct LineSteeringSettings(
    double CruiseCmPerS,
    double MaxWheelCmPerS,
    double WheelBaseCm,
    double LookaheadCm,
    double GateCm,
    double MergeCm,
    int HoldFrames);

/// <summary>What the steering made of one frame (for tests and overlays).</summary>
public struct LineEstimate
{
    /// <summary>The line was found this frame.</summary>
    public bool Found;
    /// <summary>The pursuit target on the line, ahead of the axle, cm.</summary>
    public double ForwardCm;
    /// <summary>The target's left offset, cm (positive: the line is to the left).</summary>
    public double LeftCm;
    /// <summary>The path curvature commanded, 1/cm (positive: turning left).</summary>
    public double Curvature;
    /// <summary>Segments that voted for the target.</summary>
    public int Votes;
}

/// <summary>
/// Follows a line on the floor with pure pursuit. Each frame the M-LSD segments are mapped onto the
/// floor (the camera looks straight down, <see cref="FloorView"/>); each segment offers the point
/// where it crosses the lookahead circle around the axle (or its end nearest that circle). The
/// candidate nearest last frame's target wins (within a gate), else the one most nearly straight
/// ahead, and the candidates near it are averaged, weighted by length and score — the two edges of
/// a painted line land either side of its middle. The robot then drives the arc through that point
/// (curvature 2·left/distance²) at cruise speed; wheel speeds are scaled together when one would
/// exceed the motors' maximum. A lost line holds the last arc at half speed for a few frames, then
/// stops both motors (the safe command). Channel 0 is the left motor, 1 the right, in [-1, 1].
/// </summary>
public sealed class LineSteering : IController<LineSegments>
{
    private readonly FloorView _view;
    private readonly LineSteeringSettings _s;
    private readonly double[] _cf = new double[LineSegmentArray.Capacity];
    private readonly double[] _cl = new double[LineSegmentArray.Capacity];
    private readonly double[] _cw = new double[LineSegmentArray.Capacity];
    private bool _hasTarget;
    private double _lastForward, _lastLeft, _lastCurvature;
    private int _lost;

    /// <summary>A controller for a camera with the given view.</summary>
    public LineSteering(FloorView view, LineSteeringSettings settings)
    {
        if (view.Problem() is string p) throw new ArgumentException(p, nameof(view));
        if (!(settings.MaxWheelCmPerS > 0) || !(settings.WheelBaseCm > 0) || !(settings.LookaheadCm > 0) || !(settings.CruiseCmPerS >= 0))
            throw new ArgumentOutOfRangeException(nameof(settings), "speeds, wheel base and lookahead must be positive");
        _view = view;
        _s = settings;
    }

    /// <summary>The last frame's estimate.</summary>
    public LineEstimate Last { get; private set; }

    /// <inheritdoc/>
    public void Update(in LineSegments observation, in ActuatorCommand applied, ref ActuatorCommand next)
    {
        next.Count = 2;
        var e = new LineEstimate();
        if (Estimate(in observation, ref e))
        {
            _lost = 0;
            _hasTarget = true;
            _lastForward = e.ForwardCm;
            _lastLeft = e.LeftCm;
            double d2 = e.ForwardCm * e.ForwardCm + e.LeftCm * e.LeftCm;
            e.Curvature = 2 * e.LeftCm / d2;
            _lastCurvature = e.Curvature;
            Drive(_s.CruiseCmPerS, e.Curvature, ref next);
        }
        else if (++_lost <= _s.HoldFrames)
        {
            e.Curvature = _lastCurvature;
            Drive(_s.CruiseCmPerS * 0.5, _lastCurvature, ref next);
        }
        else
        {
            _hasTarget = false;
            next.Values[0] = 0;
            next.Values[1] = 0;
        }
        Last = e;
    }

    private void Drive(double speed, double curvature, ref ActuatorCommand next)
    {
        double omegaHalf = speed * curvature * _s.WheelBaseCm * 0.5;
        double left = (speed - omegaHalf) / _s.MaxWheelCmPerS, right = (speed + omegaHalf) / _s.MaxWheelCmPerS;
        double peak = Math.Max(Math.Abs(left), Math.Abs(right));
        if (peak > 1)
        {
            left /= peak;
            right /= peak;
        }
        next.Values[0] = (float)left;
        next.Values[1] = (float)right;
    }

    /// <summary>The pursuit target from the segments; false when none lies usefully on the floor ahead.</summary>
    public bool Estimate(in LineSegments observation, ref LineEstimate e)
    {
        double ld = _s.LookaheadCm;
        int n = 0;
        for (int i = 0; i < observation.Count; i++)
        {
            LineSegment seg = observation.Segments[i];
            var (f1, l1) = _view.ImageToRobot(seg.X1, seg.Y1);
            var (f2, l2) = _view.ImageToRobot(seg.X2, seg.Y2);
            if (!Crossing(f1, l1, f2, l2, ld, out double f, out double l)) continue;
            double lengthCm = Math.Sqrt((f2 - f1) * (f2 - f1) + (l2 - l1) * (l2 - l1));
            _cf[n] = f;
            _cl[n] = l;
            _cw[n] = lengthCm * seg.Score;
            n++;
        }
        if (n == 0) return false;

        // The seed: nearest to last frame's target inside the gate, else the most nearly straight ahead.
        int seed = -1;
        double best = double.MaxValue;
        if (_hasTarget)
        {
            for (int i = 0; i < n; i++)
            {
                double d = Math.Sqrt((_cf[i] - _lastForward) * (_cf[i] - _lastForward) + (_cl[i] - _lastLeft) * (_cl[i] - _lastLeft));
                if (d < best && d <= _s.GateCm) { best = d; seed = i; }
            }
        }
        if (seed < 0)
        {
            best = double.MaxValue;
            for (int i = 0; i < n; i++)
            {
                double a = Math.Abs(Math.Atan2(_cl[i], _cf[i]));
                if (a < best) { best = a; seed = i; }
            }
        }
        double wsum = 0, fs = 0, ls = 0;
        int votes = 0;
        for (int i = 0; i < n; i++)
        {
            double d = Math.Sqrt((_cf[i] - _cf[seed]) * (_cf[i] - _cf[seed]) + (_cl[i] - _cl[seed]) * (_cl[i] - _cl[seed]));
            if (d > _s.MergeCm) continue;
            wsum += _cw[i];
            fs += _cf[i] * _cw[i];
            ls += _cl[i] * _cw[i];
            votes++;
        }
        if (!(wsum > 0)) return false;
        e.Found = true;
        e.ForwardCm = fs / wsum;
        e.LeftCm = ls / wsum;
        e.Votes = votes;
        return true;
    }

    /// <summary>
    /// Where a floor segment meets the circle of radius <paramref name="r"/> around the axle: the
    /// crossing farthest ahead; a segment wholly inside offers its end nearest the circle, one wholly
    /// outside its point nearest the axle. Points behind the axle are no use.
    /// </summary>
    public static bool Crossing(double f1, double l1, double f2, double l2, double r, out double f, out double l)
    {
        double df = f2 - f1, dl = l2 - l1;
        double a = df * df + dl * dl;
        f = l = 0;
        if (a < 1e-9) return false;
        double b = 2 * (f1 * df + l1 * dl), c = f1 * f1 + l1 * l1 - r * r;
        double disc = b * b - 4 * a * c;
        bool found = false;
        if (disc >= 0)
        {
            double sq = Math.Sqrt(disc);
            double t1 = (-b - sq) / (2 * a), t2 = (-b + sq) / (2 * a);
            for (int k = 0; k < 2; k++)
            {
                double t = k == 0 ? t1 : t2;
                if (t < 0 || t > 1) continue;
                double ff = f1 + t * df;
                if (!found || ff > f) { f = ff; l = l1 + t * dl; found = true; }
            }
        }
        if (!found)
        {
            double d1 = Math.Sqrt(f1 * f1 + l1 * l1), d2 = Math.Sqrt(f2 * f2 + l2 * l2);
            if (d1 < r && d2 < r)
            {
                // Inside: the end nearer the circle.
                if (d1 >= d2) { f = f1; l = l1; } else { f = f2; l = l2; }
            }
            else
            {
                // Outside, not crossing: the point nearest the axle.
                double t = Math.Clamp(-(f1 * df + l1 * dl) / a, 0, 1);
                f = f1 + t * df;
                l = l1 + t * dl;
            }
            found = true;
        }
        return found && f > 0;
    }
}
