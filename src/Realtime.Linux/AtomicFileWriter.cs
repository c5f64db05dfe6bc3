using System;
using System.IO;
using System.Text;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Replaces files in one folder atomically, as <see cref="ReportFile.WriteAtomically"/> does (a
/// temporary file beside it, flushed to the disk, renamed over it), but from bytes and names the
/// caller already holds, with the kernel's calls directly: nothing is allocated unless a call fails.
/// For a thread of a process whose pipeline must see no garbage collection (a service's interval
/// reports): a GC stops every managed thread, the pipeline's too.
/// </summary>
public sealed unsafe class AtomicFileWriter
{
    // Linux's PATH_MAX: a longer path cannot be opened anyway.
    private const int PathMax = 4096;
    private readonly byte[] _path = new byte[PathMax], _tmp = new byte[PathMax];
    private readonly int _folderLength;
    private readonly byte[] _tmpSuffix;

    /// <summary>Files go into <paramref name="folder"/> (which must exist).</summary>
    public AtomicFileWriter(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = Path.GetFullPath(folder);
        byte[] dir = Encoding.UTF8.GetBytes(Folder.EndsWith('/') ? Folder : Folder + "/");
        if (dir.Length + 1 >= PathMax / 2) throw new PathTooLongException($"'{Folder}' is too long for a report folder");
        dir.CopyTo(_path, 0);
        dir.CopyTo(_tmp, 0);
        _folderLength = dir.Length;
        _tmpSuffix = Encoding.UTF8.GetBytes($".{Environment.ProcessId}.tmp");
    }

    /// <summary>The folder, absolute.</summary>
    public string Folder { get; }

    /// <summary>
    /// Writes <paramref name="content"/> as the file <paramref name="name"/> (UTF-8, no '/'), replacing
    /// it atomically. On failure the temporary file is removed, the old file is untouched, and an
    /// <see cref="IOException"/> with the kernel's reason (its HResult the errno) is thrown.
    /// </summary>
    public void Write(ReadOnlySpan<byte> name, ReadOnlySpan<byte> content)
    {
        SetName(_path, name, default);
        // The temporary name: ".NAME.PID.tmp", as ReportFile names its own.
        SetName(_tmp, name, _tmpSuffix, dot: true);
        int fd;
        fixed (byte* tmp = _tmp) fd = Libc.open(tmp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0) throw Failure("create", _tmp);
        int errno = 0;
        string? step = null;
        fixed (byte* data = content)
        {
            nuint done = 0, length = (nuint)content.Length;
            while (done < length)
            {
                nint n = Libc.write(fd, data + done, length - done);
                if (n < 0)
                {
                    errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == 4 /* EINTR */) { errno = 0; continue; }
                    step = "write";
                    break;
                }
                done += (nuint)n;
            }
        }
        if (step is null && Libc.fsync(fd) != 0) { errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError(); step = "flush"; }
        Libc.close(fd);
        if (step is null)
        {
            fixed (byte* tmp = _tmp, path = _path)
            {
                if (Libc.rename(tmp, path) == 0) return;
            }
            errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            step = "rename";
        }
        fixed (byte* tmp = _tmp) Libc.unlink(tmp);
        throw Failure(step, _tmp, errno);
    }

    /// <summary>Removes the file <paramref name="name"/>; false when it could not be (gone already, or not allowed).</summary>
    public bool Delete(ReadOnlySpan<byte> name)
    {
        SetName(_path, name, default);
        fixed (byte* path = _path) return Libc.unlink(path) == 0;
    }

    private void SetName(byte[] buffer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> suffix, bool dot = false)
    {
        int at = _folderLength;
        if (name.IsEmpty || name.IndexOf((byte)'/') >= 0 || name.IndexOf((byte)0) >= 0 || at + name.Length + suffix.Length + 2 > PathMax)
            throw new ArgumentException($"'{Encoding.UTF8.GetString(name)}' is not a file name for a report folder", nameof(name));
        if (dot) buffer[at++] = (byte)'.';
        name.CopyTo(buffer.AsSpan(at));
        at += name.Length;
        suffix.CopyTo(buffer.AsSpan(at));
        buffer[at + suffix.Length] = 0;
    }

    private static IOException Failure(string step, byte[] path, int errno = -1)
    {
        if (errno < 0) errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        int end = Array.IndexOf(path, (byte)0);
        return new IOException($"could not {step} '{Encoding.UTF8.GetString(path, 0, end < 0 ? path.Length : end)}': {Libc.ErrnoText(errno)}", errno);
    }
}
