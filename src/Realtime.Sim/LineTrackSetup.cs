using System;
using System.Device.Pwm;
using Realtime.Core.Control;
using Realtime.Gpio;

namespace Realtime.Sim;

/// <summary>
/// The simulated line follower's world in plain numbers: the track, the robot, where it starts, and
/// where its camera looks (straight down at the floor ahead). Distances in centimetres. The
/// <c>line-track-camera</c> component reads them from its config; the bench renders track frames from them.
/// </summary>
public sealed record LineTrackSetup
{
    /// <summary>Camera image width, px.</summary>
    public int ImageWidthPx { get; init; } = 320;
    /// <summary>Camera image height, px.</summary>
    public int ImageHeightPx { get; init; } = 320;
    /// <summary>Floor width the camera sees, cm.</summary>
    public double ViewWidthCm { get; init; } = 40;
    /// <summary>Distance from the wheel axle to the view's near edge, cm.</summary>
    public double ViewNearCm { get; init; } = 6;
    /// <summary>Track centreline rectangle width, cm.</summary>
    public double TrackWidthCm { get; init; } = 220;
    /// <summary>Track centreline rectangle height, cm.</summary>
    public double TrackHeightCm { get; init; } = 140;
    /// <summary>Track corner radius, cm.</summary>
    public double CornerRadiusCm { get; init; } = 40;
    /// <summary>Painted line width, cm.</summary>
    public double LineWidthCm { get; init; } = 2.5;
    /// <summary>Floor image resolution, px per cm.</summary>
    public double WorldPxPerCm { get; init; } = 5;
    /// <summary>Wheel base, cm.</summary>
    public double WheelBaseCm { get; init; } = 12;
    /// <summary>Wheel speed at full command, cm/s.</summary>
    public double MaxWheelCmPerS { get; init; } = 40;
    /// <summary>Motor time constant (first-order lag), s.</summary>
    public double MotorTimeConstantS { get; init; } = 0.08;
    /// <summary>Start offset to the left of the start line, cm (a deliberate error to recover from).</summary>
    public double StartOffsetCm { get; init; }
    /// <summary>Start heading relative to the line, degrees (positive: turned left).</summary>
    public double StartHeadingDeg { get; init; }

    /// <summary>The camera's view of the floor.</summary>
    public FloorView View => new(ImageWidthPx, ImageHeightPx, ViewWidthCm, ViewNearCm);

    /// <summary>The track.</summary>
    public LineTrack NewTrack() => new(TrackWidthCm, TrackHeightCm, CornerRadiusCm, LineWidthCm);

    /// <summary>
    /// The robot at its start pose on <paramref name="track"/>, its motors read from the
    /// <paramref name="left"/> and <paramref name="right"/> channels (what the loop writes).
    /// </summary>
    public DifferentialDrivePlant NewRobot(LineTrack track, PwmChannel left, MotorCalibration leftCal, PwmChannel right, MotorCalibration rightCal)
    {
        ArgumentNullException.ThrowIfNull(track);
        var start = track.At(0);
        double heading = start.Heading + StartHeadingDeg * Math.PI / 180;
        // Left of the direction of travel is +90°.
        double sx = start.X - Math.Sin(start.Heading) * StartOffsetCm, sy = start.Y + Math.Cos(start.Heading) * StartOffsetCm;
        return new DifferentialDrivePlant(left, leftCal, right, rightCal, new DriveParameters(WheelBaseCm, MaxWheelCmPerS, MotorTimeConstantS), sx, sy, heading);
    }

    /// <summary>The floor of <paramref name="track"/> rendered once, far enough round it for the camera's view.</summary>
    public TrackWorld RenderWorld(LineTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        return track.Render(WorldPxPerCm, Math.Max(View.FarCm, ViewNearCm + ViewWidthCm) + 10);
    }

    /// <summary>The camera on <paramref name="robot"/> over a new rendering of <paramref name="track"/>; <paramref name="periodS"/> of simulated time per loop tick.</summary>
    public TrackCamera NewCamera(LineTrack track, DifferentialDrivePlant robot, double periodS) => new(track, RenderWorld(track), robot, View, periodS);
}
