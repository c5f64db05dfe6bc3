using System;
using System.IO;
using System.Text;
using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// The kernel watchdog device (/dev/watchdog): once opened, the board resets unless it is written
/// within the driver's timeout. Kicked from the watchdog thread only while the loop makes progress;
/// on a clean stop the magic 'V' disarms it so a deliberate exit does not reset the board.
/// Its path comes from a profile, so nothing is ever written before the node is proven to be a
/// watchdog: the canonical path (links, '.' and '..' resolved) lies under /dev, it is a character
/// device, sysfs files it under the watchdog class (or it is the misc watchdog, 10:130), and after
/// opening, the same node answers WDIOC_GETSUPPORT. A regular file, a disk or /dev/null is refused
/// untouched. Not exercised on a real watchdog in this repository's tests (none here).
/// </summary>
public sealed unsafe class HardwareWatchdog : IWatchdogKick
{
    // <linux/watchdog.h>: _IOR('W', 0, struct watchdog_info) and _IOR('W', 7, int); the same encoding on x86-64 and arm64.
    private const nuint WDIOC_GETSUPPORT = 0x80285700;
    private const nuint WDIOC_GETTIMEOUT = 0x80045707;
    // The misc device the watchdog core registers as /dev/watchdog (WATCHDOG_MINOR on MISC_MAJOR).
    private const uint MiscMajor = 10, WatchdogMinor = 130;

    private int _fd;
    private readonly long _intervalNs;
    private long _lastKickNs;

    private HardwareWatchdog(int fd, long intervalNs, string path, string identity, int timeoutS)
    {
        _fd = fd;
        _intervalNs = intervalNs;
        Path = path;
        Identity = identity;
        TimeoutS = timeoutS;
    }

    /// <summary>The canonical path that was opened.</summary>
    public string Path { get; }
    /// <summary>The driver's identity (struct watchdog_info).</summary>
    public string Identity { get; }
    /// <summary>The driver's timeout in seconds (0 when it does not say).</summary>
    public int TimeoutS { get; }

    /// <summary>
    /// Checks, without opening it, that <paramref name="device"/> is a watchdog device node. Returns
    /// null and the canonical path when it is, else the reason (one line, naming what it is instead).
    /// </summary>
    public static string? Check(string device, out string canonical)
    {
        canonical = device;
        if (string.IsNullOrEmpty(device) || device[0] != '/') return $"'{device}' is not an absolute path";
        if (FileNode.RealPath(device, out string? why) is not string real) return $"{device}: {why}";
        canonical = real;
        string shown = canonical == device ? device : $"{device} (really {canonical})";
        if (!canonical.StartsWith("/dev/", StringComparison.Ordinal)) return $"{shown} is not under /dev";
        Libc.Statx st;
        if (Libc.statx(Libc.AT_FDCWD, canonical, 0, Libc.STATX_TYPE | Libc.STATX_MODE, &st) != 0) return $"{shown}: {Libc.LastErrnoText()}";
        if ((st.Mode & Libc.S_IFMT) != Libc.S_IFCHR) return $"{shown} is {KindOf(st.Mode)}, not a watchdog character device";
        string? cls = DeviceClass(st.RdevMajor, st.RdevMinor, out string? name);
        bool watchdog = cls == "watchdog" || (st.RdevMajor == MiscMajor && st.RdevMinor == WatchdogMinor && name == "watchdog");
        if (!watchdog)
            return $"{shown} is character device {st.RdevMajor}:{st.RdevMinor}" +
                (cls is null ? " (sysfs does not say what it is)" : $" of class {cls}{(name is null ? "" : $" ({name})")}") + ", not a watchdog";
        return null;
    }

    /// <summary>
    /// Opens the watchdog after <see cref="Check"/>, then proves the opened node is the one checked and
    /// that it answers the watchdog ioctls. Null with the reason when it cannot; nothing is written
    /// to a node that fails. Kicks at <paramref name="kickIntervalNs"/>, or at half the driver's
    /// timeout when that is shorter.
    /// </summary>
    public static HardwareWatchdog? TryOpen(string device, long kickIntervalNs, out string? problem)
    {
        problem = Check(device, out string canonical);
        if (problem is not null) return null;
        Libc.Statx before;
        if (Libc.statx(Libc.AT_FDCWD, canonical, 0, Libc.STATX_TYPE | Libc.STATX_MODE, &before) != 0)
        {
            problem = $"{canonical}: {Libc.LastErrnoText()}";
            return null;
        }
        int fd = Libc.open(canonical, Libc.O_WRONLY | Libc.O_CLOEXEC | Libc.O_NOCTTY);
        if (fd < 0)
        {
            problem = $"could not open the hardware watchdog {canonical}: {Libc.LastErrnoText()}";
            return null;
        }
        // The node opened is the node checked (nothing swapped it in between), and it speaks the watchdog API.
        Libc.Statx after;
        if (Libc.statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_TYPE | Libc.STATX_MODE, &after) != 0
            || (after.Mode & Libc.S_IFMT) != Libc.S_IFCHR || after.RdevMajor != before.RdevMajor || after.RdevMinor != before.RdevMinor)
        {
            Libc.close(fd);
            problem = $"{canonical} changed while it was being opened: not written";
            return null;
        }
        byte* info = stackalloc byte[40];
        if (Libc.ioctl(fd, WDIOC_GETSUPPORT, info) != 0)
        {
            string why = Libc.LastErrnoText();
            Libc.close(fd);
            problem = $"{canonical} does not answer WDIOC_GETSUPPORT ({why}): not a watchdog, not written";
            return null;
        }
        string identity = Encoding.ASCII.GetString(new ReadOnlySpan<byte>(info + 8, 32)).TrimEnd('\0').Trim();
        int timeout = 0;
        if (Libc.ioctl(fd, WDIOC_GETTIMEOUT, &timeout) != 0 || timeout < 0) timeout = 0;
        long interval = timeout > 0 ? Math.Min(kickIntervalNs, timeout * 500_000_000L) : kickIntervalNs;
        return new HardwareWatchdog(fd, interval, canonical, identity, timeout);
    }

    /// <summary>The sysfs class of a character device and its kernel name, or null when sysfs does not say.</summary>
    private static string? DeviceClass(uint major, uint minor, out string? name)
    {
        name = null;
        string dir = $"/sys/dev/char/{major}:{minor}";
        try
        {
            foreach (string line in File.ReadAllLines(dir + "/uevent"))
                if (line.StartsWith("DEVNAME=", StringComparison.Ordinal)) name = line["DEVNAME=".Length..];
            var link = new DirectoryInfo(dir + "/subsystem").LinkTarget;
            return link is null ? null : System.IO.Path.GetFileName(link);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string KindOf(ushort mode) => (mode & Libc.S_IFMT) switch
    {
        Libc.S_IFREG => "a regular file",
        Libc.S_IFBLK => "a block device (a disk)",
        Libc.S_IFDIR => "a folder",
        Libc.S_IFIFO => "a FIFO",
        Libc.S_IFSOCK => "a socket",
        _ => "not a device",
    };

    /// <inheritdoc/>
    public void Kick(long nowNs)
    {
        if (_fd < 0 || nowNs - _lastKickNs < _intervalNs) return;
        _lastKickNs = nowNs;
        byte k = (byte)'k';
        Libc.write(_fd, &k, 1);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd < 0) return;
        byte v = (byte)'V';
        Libc.write(_fd, &v, 1);
        Libc.close(_fd);
        _fd = -1;
    }
}
