using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// sd_notify without libsystemd: datagrams to $NOTIFY_SOCKET ("READY=1" after warm-up,
/// "WATCHDOG=1" every half of $WATCHDOG_USEC while the loop makes progress, "STOPPING=1" at the
/// end). The address and messages are built once; a kick is one sendto and allocates nothing.
/// </summary>
public sealed unsafe class SystemdNotifier : IWatchdogKick
{
    private readonly int _fd;
    private readonly byte[] _addr;
    private readonly uint _addrLen;
    private readonly long _intervalNs;
    private long _lastKickNs;
    private static readonly byte[] WatchdogMsg = Encoding.ASCII.GetBytes("WATCHDOG=1");

    private SystemdNotifier(int fd, byte[] addr, uint addrLen, long intervalNs)
    {
        _fd = fd;
        _addr = addr;
        _addrLen = addrLen;
        _intervalNs = intervalNs;
    }

    /// <summary>Whether systemd asked for watchdog pings (WATCHDOG_USEC set).</summary>
    public bool WatchdogEnabled => _intervalNs > 0;

    /// <summary>The notifier for $NOTIFY_SOCKET, or null when the process was not started by systemd with Type=notify.</summary>
    public static SystemdNotifier? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path)) return null;
        // struct sockaddr_un: sa_family_t (2 bytes) + path; '@' is the abstract namespace (a leading NUL).
        byte[] name = Encoding.UTF8.GetBytes(path);
        if (name.Length > 107) return null;
        var addr = new byte[110];
        addr[0] = Libc.AF_UNIX;
        name.CopyTo(addr, 2);
        if (name[0] == (byte)'@') addr[2] = 0;
        uint len = (uint)(2 + name.Length + (name[0] == (byte)'@' ? 0 : 1));
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) return null;
        long interval = 0;
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long usec) && usec > 0)
            interval = usec * 1000 / 2;
        return new SystemdNotifier(fd, addr, len, interval);
    }

    /// <summary>Sends one notification (set-up and shutdown messages; allocates).</summary>
    public bool Notify(string message) => Send(Encoding.UTF8.GetBytes(message));

    private bool Send(byte[] msg)
    {
        fixed (byte* m = msg)
        fixed (byte* a = _addr)
            // Never block the watchdog thread on a full socket queue: a dropped ping is systemd's to judge.
            return Libc.sendto(_fd, m, (nuint)msg.Length, Libc.MSG_NOSIGNAL | Libc.MSG_DONTWAIT, a, _addrLen) == msg.Length;
    }

    /// <inheritdoc/>
    public void Kick(long nowNs)
    {
        if (_intervalNs <= 0 || nowNs - _lastKickNs < _intervalNs) return;
        _lastKickNs = nowNs;
        Send(WatchdogMsg);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Notify("STOPPING=1");
        Libc.close(_fd);
    }
}
