using System.Collections.Generic;
using Realtime.Core.Profiles;
using Realtime.Linux.V4l2;

namespace Realtime.Hosting;

/// <summary>A profile's <c>v4l2</c> camera as capture options: what <c>check</c> probes and an application opens.</summary>
public static class V4l2CameraProfile
{
    /// <summary>The capture options the profile asks for (format, size, rate, buffers, capture thread).</summary>
    public static V4l2CaptureOptions Options(BoardProfile p)
    {
        var c = p.Camera;
        return new V4l2CaptureOptions
        {
            Device = c.Device!,
            Width = c.Width,
            Height = c.Height,
            Format = CameraFormats.Parse(c.Format ?? "yuyv") ?? CameraFormat.Yuyv,
            RateHz = c.RateHz ?? p.Timing.RateHz,
            Buffers = c.Buffers ?? 4,
            CapturePriority = p.Threads.Capture?.Priority ?? 0,
            CaptureCores = p.Threads.Capture?.Cores ?? new List<int>(),
        };
    }
}
