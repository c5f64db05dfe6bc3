using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Vision;

namespace Realtime.Sim;

/// <summary>
/// A camera on the simulated pan/tilt mount. The world is a video played at its own rate in
/// simulated time; the camera sees a window of it whose position follows the mount's angles
/// (the same pixels per degree as the camera's field of view), so the loop is closed through the
/// actuator. Simulated time advances one nominal period per loop tick, so a run is the same
/// whether it is paced in real time or not. The capture timestamp is taken when the window is in
/// the slot: the moment a real sensor would have latched it. The window covers
/// <c>scale</c> world pixels per camera pixel (sampled nearest, as a sensor's optics would), so a
/// face that fills much of the world still fits the camera.
/// </summary>
public sealed class PanTiltCamera : IFrameSource, ITickListener
{
    private readonly IVideoFrames _world;
    private readonly PanTiltPlant _plant;
    private readonly double _pxPerDeg;
    private readonly double _periodS;
    private readonly int[] _colOffset; // byte offset in a world row, per camera column
    private readonly int[] _rowOffset; // world row offset, per camera row
    private readonly int _spanX, _spanY; // window size in world pixels
    private long _worldFrame;
    private long _sequence;

    /// <summary>Plans the camera.</summary>
    /// <param name="world">The video the camera looks into (owned).</param>
    /// <param name="plant">The mount.</param>
    /// <param name="width">Window width.</param>
    /// <param name="height">Window height.</param>
    /// <param name="hfovDeg">Horizontal field of view of the window.</param>
    /// <param name="periodS">Simulated time per loop tick.</param>
    /// <param name="scale">World pixels per camera pixel (1 = a plain crop).</param>
    public PanTiltCamera(IVideoFrames world, PanTiltPlant plant, int width, int height, double hfovDeg, double periodS, double scale = 1)
    {
        if (!(scale >= 1)) throw new ArgumentOutOfRangeException(nameof(scale), "the world scale must be at least 1");
        _spanX = (int)Math.Round(width * scale);
        _spanY = (int)Math.Round(height * scale);
        if (_spanX > world.Width || _spanY > world.Height)
            throw new ArgumentException($"the camera window {width}x{height} at scale {scale} covers {_spanX}x{_spanY} world pixels, more than the world video {world.Width}x{world.Height} ({world.Path})");
        _world = world;
        _plant = plant;
        Width = width;
        Height = height;
        _pxPerDeg = width * scale / hfovDeg;
        _periodS = periodS;
        _colOffset = new int[width];
        for (int c = 0; c < width; c++) _colOffset[c] = Math.Min(_spanX - 1, (int)((c + 0.5) * scale)) * 3;
        _rowOffset = new int[height];
        for (int r = 0; r < height; r++) _rowOffset[r] = Math.Min(_spanY - 1, (int)((r + 0.5) * scale));
    }

    /// <inheritdoc/>
    public int Width { get; }
    /// <inheritdoc/>
    public int Height { get; }
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Bgr24;
    /// <summary>The mount.</summary>
    public PanTiltPlant Plant => _plant;
    /// <summary>The world video.</summary>
    public IVideoFrames World => _world;
    /// <summary>Window width in world pixels.</summary>
    public int SpanX => _spanX;
    /// <summary>Window height in world pixels.</summary>
    public int SpanY => _spanY;
    /// <summary>Left edge of the last window in world pixels.</summary>
    public int WindowX { get; private set; }
    /// <summary>Top edge of the last window in world pixels.</summary>
    public int WindowY { get; private set; }

    /// <inheritdoc/>
    public void OnTick(long tick)
    {
        double t = tick * _periodS;
        _plant.AdvanceTo(t);
        // Play the world at its own frame rate in simulated time.
        long wanted = (long)(t * _world.Fps);
        while (_worldFrame < wanted)
        {
            _world.Advance();
            _worldFrame++;
        }
    }

    /// <inheritdoc/>
    public unsafe CaptureStatus Capture(FrameBuffer slot)
    {
        if (slot.Width != Width || slot.Height != Height) return CaptureStatus.Failed;
        // A world frame that failed to decode (corrupt, or the file truncated under the reader) is a
        // failed capture for the watchdog's policy; its pixels must not be read.
        if (!_world.HasFrame) return CaptureStatus.Failed;
        // Window centre moves with the angles; positive pan looks right, positive tilt looks down.
        double cx = _world.Width * 0.5 + _plant.PanDeg * _pxPerDeg;
        double cy = _world.Height * 0.5 + _plant.TiltDeg * _pxPerDeg;
        int x = Math.Clamp((int)Math.Round(cx - _spanX * 0.5), 0, _world.Width - _spanX);
        int y = Math.Clamp((int)Math.Round(cy - _spanY * 0.5), 0, _world.Height - _spanY);
        WindowX = x;
        WindowY = y;
        byte* src = (byte*)_world.FrameData;
        long srcStride = _world.FrameStride;
        int rowBytes = Width * 3;
        fixed (byte* dst = slot.Pixels)
        {
            if (_spanX == Width && _spanY == Height)
            {
                for (int r = 0; r < Height; r++)
                    Buffer.MemoryCopy(src + (y + r) * srcStride + x * 3, dst + r * slot.Stride, rowBytes, rowBytes);
            }
            else
            {
                for (int r = 0; r < Height; r++)
                {
                    byte* s = src + (y + _rowOffset[r]) * srcStride + x * 3;
                    byte* d = dst + r * slot.Stride;
                    for (int c = 0; c < Width; c++)
                    {
                        byte* p = s + _colOffset[c];
                        d[0] = p[0];
                        d[1] = p[1];
                        d[2] = p[2];
                        d += 3;
                    }
                }
            }
        }
        slot.Sequence = _sequence++;
        slot.CaptureNs = MonotonicClock.NowNs();
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public void Dispose() => _world.Dispose();
}
