using System;
using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// What a path really is, asked of the kernel: its canonical form (every link, '.' and '..'
/// resolved, as realpath(3)) and its type. For paths that come from profiles and command lines,
/// checked before anything is read from or written to them.
/// </summary>
public static unsafe class FileNode
{
    /// <summary>The canonical path, or null with the reason (errno's words) when it does not resolve.</summary>
    public static string? RealPath(string path, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "an empty path or one with a NUL character";
            return null;
        }
        byte* buffer = stackalloc byte[Libc.PATH_MAX];
        if (Libc.realpath(path, buffer) is null)
        {
            problem = Libc.LastErrnoText();
            return null;
        }
        return Marshal.PtrToStringUTF8((nint)buffer);
    }

    /// <summary>Whether <paramref name="path"/> (links followed) is a regular file: not a device, FIFO, socket or folder.</summary>
    public static bool IsRegularFile(string path)
    {
        Libc.Statx st;
        return Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_TYPE, &st) == 0 && (st.Mode & Libc.S_IFMT) == Libc.S_IFREG;
    }

    /// <summary>Whether <paramref name="path"/> lies inside <paramref name="folder"/> (both canonical).</summary>
    public static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);
}
