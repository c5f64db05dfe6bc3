using System.Collections.Generic;

namespace Realtime.Linux.V4l2;

/// <summary>What a V4L2 node says about itself (VIDIOC_QUERYCAP and VIDIOC_ENUM_FMT).</summary>
public sealed class V4l2DeviceInfo
{
    /// <summary>Device node.</summary>
    public string Device { get; init; } = "";
    /// <summary>Driver name (uvcvideo, unicam …).</summary>
    public string Driver { get; init; } = "";
    /// <summary>The card's name.</summary>
    public string Card { get; init; } = "";
    /// <summary>Where it is attached (usb-…, platform:…).</summary>
    public string BusInfo { get; init; } = "";
    /// <summary>Single-planar video capture.</summary>
    public bool CanCapture { get; init; }
    /// <summary>Multi-planar video capture only (not supported by this capture).</summary>
    public bool MultiplanarOnly { get; init; }
    /// <summary>Streaming I/O (mmap buffers).</summary>
    public bool CanStream { get; init; }
    /// <summary>The formats it offers: fourcc and the driver's description.</summary>
    public IReadOnlyList<(string FourCc, string Description)> Formats { get; init; } = new List<(string, string)>();

    /// <summary>True when <paramref name="format"/> is among <see cref="Formats"/>.</summary>
    public bool Offers(CameraFormat format)
    {
        string want = CameraFormats.FourCc(format);
        foreach (var f in Formats) if (f.FourCc == want) return true;
        return false;
    }

    /// <summary>The offered formats in words: <c>YUYV (YUYV 4:2:2), MJPG (Motion-JPEG)</c>.</summary>
    public string FormatList()
    {
        if (Formats.Count == 0) return "no formats";
        var parts = new List<string>();
        foreach (var f in Formats) parts.Add($"{f.FourCc} ({f.Description})");
        return string.Join(", ", parts);
    }
}
