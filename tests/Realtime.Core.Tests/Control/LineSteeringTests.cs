using System;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Control;

/// <summary>The floor geometry, the lookahead crossing, and the steering's choices on known segments.</summary>
public sealed class LineSteeringTests
{
    private static readonly FloorView View = new(320, 320, 40, 6);
    private static readonly LineSteeringSettings Settings = new(20, 40, 12, 24, 8, 4, 2);

    /// <summary>A segment between two floor points (ahead, left) in cm, as image pixels.</summary>
    private static LineSegment Floor(double f1, double l1, double f2, double l2)
    {
        var (u1, v1) = View.RobotToImage(f1, l1);
        var (u2, v2) = View.RobotToImage(f2, l2);
        return new LineSegment { X1 = (float)u1, Y1 = (float)v1, X2 = (float)u2, Y2 = (float)v2, Score = 0.8f };
    }

    [Fact]
    public void TheViewMapsImageAndFloorBothWays()
    {
        Assert.Equal(8, View.PxPerCm);
        Assert.Equal(46, View.FarCm);
        Assert.Equal((6.0, 0.0), View.ImageToRobot(160, 320));   // bottom centre: on the axis, at the near edge
        Assert.Equal((46.0, 20.0), View.ImageToRobot(0, 0));     // top left: far, left
        var (u, v) = View.RobotToImage(30, -5);
        Assert.Equal((30.0, -5.0), View.ImageToRobot(u, v));
    }

    [Fact]
    public void ASegmentOffersItsCrossingOfTheLookaheadCircle()
    {
        // A line 6 cm to the left, straight ahead: it meets the 24 cm circle at ahead √(24² − 6²).
        Assert.True(LineSteering.Crossing(0, 6, 50, 6, 24, out double f, out double l));
        Assert.Equal(Math.Sqrt(24 * 24 - 36), f, 9);
        Assert.Equal(6, l, 9);
        // Wholly inside: its end nearer the circle.
        Assert.True(LineSteering.Crossing(5, 0, 10, 1, 24, out f, out l));
        Assert.Equal((10.0, 1.0), (f, l));
        // Wholly behind the axle: no use.
        Assert.False(LineSteering.Crossing(-10, 0, -5, 1, 24, out _, out _));
    }

    [Fact]
    public void ALineToTheLeftTurnsLeftAndItsTwoEdgesAverageToItsMiddle()
    {
        var steering = new LineSteering(View, Settings);
        var seen = new LineSegments { Count = 3 };
        seen.Segments[0] = Floor(8, 4, 45, 4);   // the line's two edges, 2 cm apart, 5 cm left
        seen.Segments[1] = Floor(8, 6, 45, 6);
        seen.Segments[2] = Floor(20, -15, 40, -15); // something else, far right
        var next = new ActuatorCommand();
        steering.Update(in seen, default, ref next);
        Assert.True(steering.Last.Found);
        Assert.Equal(2, steering.Last.Votes);
        Assert.Equal(5, steering.Last.LeftCm, 6);
        Assert.True(next.Values[1] > next.Values[0], "right wheel faster: turning left");
        // Pure pursuit: curvature 2·left/d² with d the target's distance (the lookahead, to within the
        // two edges' slightly different crossings).
        Assert.Equal(2 * 5 / (24.0 * 24.0), steering.Last.Curvature, 4);
        // Mean wheel command is the cruise speed over the top speed.
        Assert.Equal(0.5, (next.Values[0] + next.Values[1]) / 2, 5);
    }

    [Fact]
    public void TheTrackedLineWinsOverAStraighterDistractorAndALostLineEndsStopped()
    {
        var steering = new LineSteering(View, Settings);
        var next = new ActuatorCommand();
        var line = new LineSegments { Count = 1 };
        line.Segments[0] = Floor(8, 10, 45, 10);
        steering.Update(in line, default, ref next);
        Assert.Equal(10, steering.Last.LeftCm, 6);
        // Next frame a straighter segment appears on the axis; the line (moved a little) is still chosen.
        var both = new LineSegments { Count = 2 };
        both.Segments[0] = Floor(8, 0, 45, 0);
        both.Segments[1] = Floor(8, 9, 45, 9);
        steering.Update(in both, default, ref next);
        Assert.Equal(9, steering.Last.LeftCm, 6);
        // Lost: the arc is held (at half speed) for HoldFrames, then both motors stop.
        var none = new LineSegments();
        steering.Update(in none, default, ref next);
        Assert.False(steering.Last.Found);
        Assert.True(next.Values[1] > next.Values[0]);
        steering.Update(in none, default, ref next);
        steering.Update(in none, default, ref next);
        Assert.Equal(0, next.Values[0]);
        Assert.Equal(0, next.Values[1]);
    }
}
