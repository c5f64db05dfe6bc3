using System;
using System.Collections.Generic;

namespace Realtime.Linux.V4l2;

/// <summary>What to ask of a V4L2 camera, and how its capture thread runs.</summary>
public sealed class V4l2CaptureOptions
{
    /// <summary>Device node, e.g. /dev/video0.</summary>
    public string Device { get; set; } = "/dev/video0";
    /// <summary>Frame width; the device must offer exactly this size.</summary>
    public int Width { get; set; } = 320;
    /// <summary>Frame height; the device must offer exactly this size.</summary>
    public int Height { get; set; } = 240;
    /// <summary>Format to negotiate.</summary>
    public CameraFormat Format { get; set; } = CameraFormat.Yuyv;
    /// <summary>Frame rate to ask for (VIDIOC_S_PARM); 0 leaves the device's own.</summary>
    public double RateHz { get; set; }
    /// <summary>Driver buffers to map (the kernel may grant fewer; at least 2 are needed).</summary>
    public int Buffers { get; set; } = 4;
    /// <summary>SCHED_FIFO priority of the capture thread (0: SCHED_OTHER).</summary>
    public int CapturePriority { get; set; }
    /// <summary>Cores the capture thread is pinned to (empty: any).</summary>
    public IReadOnlyList<int> CaptureCores { get; set; } = Array.Empty<int>();
    /// <summary>How long <see cref="V4l2Capture.Capture"/> waits for a frame newer than the last one, ms (0: three frame periods, at least 50 ms).</summary>
    public int FrameWaitMs { get; set; }
    /// <summary>Frames the capture thread lets pass before it measures its own allocations.</summary>
    public int WarmupFrames { get; set; } = 30;

    internal int EffectiveFrameWaitMs => FrameWaitMs > 0 ? FrameWaitMs : RateHz > 0 ? Math.Max(50, (int)Math.Ceiling(3000 / RateHz)) : 200;
}
