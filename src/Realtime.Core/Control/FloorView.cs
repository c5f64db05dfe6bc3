using System;

namespace Realtime.Core.Control;

/// <summary>
/// A camera looking straight down at the floor ahead of a ground robot: its image is a scaled copy
/// of a floor rectangle in the robot's frame. The image's top is ahead, its centre column is the
/// robot's axis; the bottom edge lies <see cref="NearCm"/> ahead of the wheel axle. Square pixels,
/// <see cref="PxPerCm"/> of them per centimetre. Coordinates are continuous: pixel (u, v) spans
/// [u, u+1) × [v, v+1).
/// </summary>
public readonly record struct FloorView(int WidthPx, int HeightPx, double ViewWidthCm, double NearCm)
{
    /// <summary>Image pixels per floor centimetre.</summary>
    public double PxPerCm => WidthPx / ViewWidthCm;
    /// <summary>How far ahead the image reaches: near edge plus the view's length, cm.</summary>
    public double FarCm => NearCm + HeightPx / PxPerCm;

    /// <summary>An image point as a floor point in the robot's frame: (ahead, left) in cm from the axle's centre.</summary>
    public (double ForwardCm, double LeftCm) ImageToRobot(double u, double v)
    {
        double p = PxPerCm;
        return (NearCm + (HeightPx - v) / p, (WidthPx * 0.5 - u) / p);
    }

    /// <summary>A floor point in the robot's frame as an image point.</summary>
    public (double U, double V) RobotToImage(double forwardCm, double leftCm)
    {
        double p = PxPerCm;
        return (WidthPx * 0.5 - leftCm * p, HeightPx - (forwardCm - NearCm) * p);
    }

    /// <summary>Checks the geometry; a message for each problem, or null.</summary>
    public string? Problem() =>
        WidthPx <= 0 || HeightPx <= 0 ? "image size must be positive"
        : !(ViewWidthCm > 0) ? "the view's width must be positive"
        : !(NearCm >= 0) ? "the view's near edge must not be behind the axle"
        : null;
}
