using System;
using Realtime.Core.Profiles;

namespace Realtime.Linux.V4l2;

/// <summary>The camera formats the capture negotiates (a <c>v4l2-camera</c> node's <c>config.format</c>).</summary>
public enum CameraFormat
{
    /// <summary>YUV 4:2:2 packed (V4L2 YUYV), what nearly every UVC camera offers.</summary>
    Yuyv,
    /// <summary>YUV 4:2:0 semi-planar (V4L2 NV12), common on CSI camera pipelines.</summary>
    Nv12,
    /// <summary>8-bit grey (V4L2 GREY), monochrome sensors.</summary>
    Grey,
    /// <summary>Motion-JPEG (V4L2 MJPG), decoded to BGR24 on the capture thread.</summary>
    Mjpeg,
}

/// <summary>Names, fourccs and frame formats of <see cref="CameraFormat"/>.</summary>
public static class CameraFormats
{
    /// <summary>Parses a profile name (<see cref="ProfileLoader.CameraFormatNames"/>, in enum order); null when unknown.</summary>
    public static CameraFormat? Parse(string? name) =>
        Array.IndexOf(ProfileLoader.CameraFormatNames, name) is int i and >= 0 ? (CameraFormat)i : null;

    /// <summary>The V4L2 fourcc as four characters (YUYV, NV12, GREY, MJPG).</summary>
    public static string FourCc(CameraFormat format) => V4l2Api.FourCc(Code(format));

    internal static uint Code(CameraFormat format) => format switch
    {
        CameraFormat.Yuyv => V4l2Api.PixFmtYuyv,
        CameraFormat.Nv12 => V4l2Api.PixFmtNv12,
        CameraFormat.Grey => V4l2Api.PixFmtGrey,
        CameraFormat.Mjpeg => V4l2Api.PixFmtMjpeg,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The pixel format of the frames the pipeline gets (MJPEG arrives decoded, as BGR24).</summary>
    public static Core.Pipeline.PixelFormat FrameFormat(CameraFormat format) => format switch
    {
        CameraFormat.Yuyv => Core.Pipeline.PixelFormat.Yuyv,
        CameraFormat.Nv12 => Core.Pipeline.PixelFormat.Nv12,
        CameraFormat.Grey => Core.Pipeline.PixelFormat.Grey8,
        CameraFormat.Mjpeg => Core.Pipeline.PixelFormat.Bgr24,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
