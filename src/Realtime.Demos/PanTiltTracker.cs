using System;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;

namespace Realtime.Demos;

/// <summary>
/// Keeps a detected face at the image centre with a pan/tilt mount. The pixel error is turned into
/// degrees with the camera's field of view; one PID per axis gives an angle step that is added to the
/// command now on the outputs (channel 0 pan, channel 1 tilt), clamped to the mount's range. With no
/// face the command is held and the PIDs reset.
/// </summary>
public sealed class PanTiltTracker : IController<FaceDetection>
{
    private Pid _pan;
    private Pid _tilt;
    private readonly double _degPerPxX;
    private readonly double _degPerPxY;
    private readonly double _dt;

    /// <summary>Plans the controller.</summary>
    /// <param name="gains">PID gains per axis, in degrees of step per degree of error.</param>
    /// <param name="horizontalFovDeg">Camera horizontal field of view.</param>
    /// <param name="imageWidth">Image width in pixels.</param>
    /// <param name="imageHeight">Image height in pixels.</param>
    /// <param name="periodSeconds">Control period.</param>
    /// <param name="panRange">Pan limits in degrees.</param>
    /// <param name="tiltRange">Tilt limits in degrees.</param>
    public PanTiltTracker(PidGains gains, double horizontalFovDeg, int imageWidth, int imageHeight, double periodSeconds,
        (double Min, double Max) panRange, (double Min, double Max) tiltRange)
    {
        if (horizontalFovDeg <= 0 || imageWidth <= 0 || imageHeight <= 0) throw new ArgumentOutOfRangeException(nameof(horizontalFovDeg));
        _pan = new Pid(gains);
        _tilt = new Pid(gains);
        // Square pixels: the same angle per pixel on both axes.
        _degPerPxX = horizontalFovDeg / imageWidth;
        _degPerPxY = _degPerPxX;
        _dt = periodSeconds;
        PanRange = panRange;
        TiltRange = tiltRange;
    }

    /// <summary>Pan limits.</summary>
    public (double Min, double Max) PanRange { get; }
    /// <summary>Tilt limits.</summary>
    public (double Min, double Max) TiltRange { get; }

    /// <inheritdoc/>
    public void Update(in FaceDetection observation, in ActuatorCommand applied, ref ActuatorCommand next)
    {
        next = applied;
        next.Count = 2;
        if (observation.Count == 0)
        {
            _pan.Reset();
            _tilt.Reset();
            return;
        }
        double ex = (observation.Best.CenterX - observation.FrameWidth * 0.5) * _degPerPxX;
        double ey = (observation.Best.CenterY - observation.FrameHeight * 0.5) * _degPerPxY;
        next.Values[0] = (float)Math.Clamp(applied.Values[0] + _pan.Update(ex, _dt), PanRange.Min, PanRange.Max);
        next.Values[1] = (float)Math.Clamp(applied.Values[1] + _tilt.Update(ey, _dt), TiltRange.Min, TiltRange.Max);
    }
}

/// <summary>Tracking error: distance of the face from the image centre, in pixels (the pan-tilt node's frame metric).</summary>
public static class CenteringError
{
    /// <summary>The distance of (<paramref name="x"/>, <paramref name="y"/>) from the centre of a <paramref name="width"/>×<paramref name="height"/> image, pixels.</summary>
    public static float Of(float x, float y, int width, int height)
    {
        float dx = x - width * 0.5f;
        float dy = y - height * 0.5f;
        return MathF.Sqrt(dx * dx + dy * dy);
    }
}
