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
}
