using System;
using System.Globalization;
using System.Text;
using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// systemd's notify protocol (sd_notify(3)) without libsystemd: datagrams to <c>$NOTIFY_SOCKET</c>.
/// A unit with <c>Type=notify</c> waits for <c>READY=1</c> (sent after warm-up); with
/// <c>WatchdogSec=</c> it expects <c>WATCHDOG=1</c> at least that often and restarts the service
/// when they stop. The pings are kicks of the <see cref="WatchdogThread"/>, which gives them only
/// while the loop makes progress, at most every half interval; <c>STOPPING=1</c> is the last word.
/// The address and ping are built once and sends never block, so a kick allocates nothing and a
/// full socket queue drops a message rather than stalling the watchdog thread.
/// </summary>
public sealed unsafe class SystemdNotifier : IWatchdogKick
{
    private readonly int _fd;
    private readonly byte[] _addr;
    private readonly uint _addrLen;
    private readonly long _intervalNs;
    private long _lastKickNs;
    private bool _disposed;
    private static readonly byte[] WatchdogMsg = Encoding.ASCII.GetBytes("WATCHDOG=1");

    private SystemdNotifier(int fd, byte[] addr, uint addrLen, TimeSpan? watchdog)
    {
        _fd = fd;
        _addr = addr;
        _addrLen = addrLen;
        WatchdogInterval = watchdog;
        _intervalNs = watchdog is TimeSpan w ? (long)(w.TotalMilliseconds * 1e6 / 2) : 0;
    }

    /// <summary>How often systemd expects a ping, or null when the unit has no watchdog (or it is another process's).</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>Pings sent so far.</summary>
    public int KeepAlivesSent { get; private set; }

    /// <summary>The notifier for this process, or null when systemd did not start it with a notify socket.</summary>
    public static SystemdNotifier? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || (path[0] != '/' && path[0] != '@')) return null;
        TimeSpan? watchdog = null;
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        bool ours = string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (ours && long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0)
            watchdog = TimeSpan.FromMicroseconds(usec);
        return Connect(path, watchdog);
    }

    /// <summary>A notifier for the socket at <paramref name="path"/> ('@' for an abstract name), with the given ping interval (null: none).</summary>
    public static SystemdNotifier Connect(string path, TimeSpan? watchdogInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // struct sockaddr_un: sa_family_t (2 bytes) + path; '@' is the abstract namespace (a leading NUL).
        byte[] name = Encoding.UTF8.GetBytes(path);
        if (name.Length > 107) throw new ArgumentException($"socket path too long: {path}", nameof(path));
        bool isAbstract = name[0] == (byte)'@';
        var addr = new byte[110];
        addr[0] = Libc.AF_UNIX;
        name.CopyTo(addr, 2);
        if (isAbstract) addr[2] = 0;
        uint len = (uint)(2 + name.Length + (isAbstract ? 0 : 1));
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new InvalidOperationException($"cannot create a socket for {path}");
        return new SystemdNotifier(fd, addr, len, watchdogInterval);
    }

    /// <summary>Sends one message (READY=1, STATUS=…, STOPPING=1); false when the socket refused it or its queue is full.</summary>
    public bool Send(string message) => !_disposed && Send(Encoding.UTF8.GetBytes(message));

    private bool Send(byte[] msg)
    {
        fixed (byte* m = msg)
        fixed (byte* a = _addr)
            return Libc.sendto(_fd, m, (nuint)msg.Length, Libc.MSG_NOSIGNAL | Libc.MSG_DONTWAIT, a, _addrLen) == msg.Length;
    }

    /// <inheritdoc/>
    public void Kick(long nowNs)
    {
        if (_intervalNs <= 0 || _disposed || nowNs - _lastKickNs < _intervalNs) return;
        _lastKickNs = nowNs;
        if (Send(WatchdogMsg)) KeepAlivesSent++;
    }

    /// <summary>Sends STOPPING=1 (the last message) and closes the socket.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Send("STOPPING=1");
        _disposed = true;
        Libc.close(_fd);
    }
}
