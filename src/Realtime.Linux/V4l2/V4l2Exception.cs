using System;
using System.IO;

namespace Realtime.Linux.V4l2;

/// <summary>A camera that cannot be opened or used as asked, with the reason and the fix in words.</summary>
public sealed class V4l2Exception : IOException
{
    /// <summary>Creates the error.</summary>
    public V4l2Exception(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the error with the errno that caused it.</summary>
    public V4l2Exception(string message, int errno) : base(message) { Errno = errno; }

    /// <summary>The errno behind the failure, or 0.</summary>
    public int Errno { get; }

    /// <summary>Which setting the problem is about (the device, the format, or the size), for naming the profile field.</summary>
    public V4l2Setting Setting { get; init; }
}

/// <summary>What a <see cref="V4l2Exception"/> is about.</summary>
public enum V4l2Setting
{
    /// <summary>The device itself (missing, busy, not a camera, an I/O error).</summary>
    Device,
    /// <summary>The pixel format.</summary>
    Format,
    /// <summary>The frame size.</summary>
    Size,
}
