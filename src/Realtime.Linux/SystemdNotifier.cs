using System;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Realtime.Linux;

/// <summary>
/// systemd's notify protocol (sd_notify(3)) without libsystemd: one datagram per message to the
/// socket named by <c>$NOTIFY_SOCKET</c>. A service unit with <c>Type=notify</c> waits for
/// <c>READY=1</c>; with <c>WatchdogSec=</c> it expects <c>WATCHDOG=1</c> at least that often and
/// restarts the service (<c>Restart=on-failure</c>) when the keep-alives stop. The keep-alive thread
/// sends one only when the loop has made progress since the last one, so a stalled loop is restarted
/// while a slow start is not. Not under systemd (no <c>NOTIFY_SOCKET</c>), <see cref="FromEnvironment"/>
/// returns null.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly ManualResetEventSlim _stop = new(false);
    private Thread? _keepAlive;

    private SystemdNotifier(string path, TimeSpan? watchdog)
    {
        // An abstract socket is written with a leading '@'; on the wire it starts with a NUL byte.
        _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        // Never wait on systemd: a full socket queue drops the message (Send returns false).
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        WatchdogInterval = watchdog;
    }

    /// <summary>The notifier for this process, or null when systemd did not start it with a notify socket.</summary>
    public static SystemdNotifier? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || (path[0] != '/' && path[0] != '@')) return null;
        return new SystemdNotifier(path, WatchdogFromEnvironment());
    }

    /// <summary>A notifier for the socket at <paramref name="path"/> ('@' for an abstract name), with the given keep-alive interval (null: none).</summary>
    public static SystemdNotifier Connect(string path, TimeSpan? watchdogInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new SystemdNotifier(path, watchdogInterval);
    }

    /// <summary>
    /// How often systemd expects a keep-alive (<c>$WATCHDOG_USEC</c>), or null when the unit has no
    /// watchdog or <c>$WATCHDOG_PID</c> names another process.
    /// </summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>Keep-alives sent so far.</summary>
    public int KeepAlivesSent => Volatile.Read(ref _keepAlivesSent);
    private int _keepAlivesSent;

    private static TimeSpan? WatchdogFromEnvironment()
    {
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)) return null;
        string? usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (usec is null || !long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long us) || us <= 0) return null;
        return TimeSpan.FromMicroseconds(us);
    }

    /// <summary>Sends one message (e.g. <c>READY=1</c>, <c>STATUS=…</c>, <c>STOPPING=1</c>); false when the socket refused it.</summary>
    public bool Send(string state)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endPoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts the keep-alive thread (when the unit has a watchdog): every half interval it sends
    /// <c>WATCHDOG=1</c> if <paramref name="progress"/> moved since the last look. The first look
    /// always sends one (the loop is just starting).
    /// </summary>
    public void StartKeepAlive(Func<long> progress)
    {
        if (WatchdogInterval is not TimeSpan interval || _keepAlive is not null) return;
        TimeSpan half = interval / 2;
        _keepAlive = new Thread(() =>
        {
            long last = long.MinValue;
            do
            {
                long now = progress();
                if (now != last && Send("WATCHDOG=1")) Interlocked.Increment(ref _keepAlivesSent);
                last = now;
            }
            while (!_stop.Wait(half));
        })
        { IsBackground = true, Name = "sd-watchdog" };
        _keepAlive.Start();
    }

    /// <summary>Stops the keep-alive thread, then says <c>STOPPING=1</c>: nothing follows it.</summary>
    public void Stopping()
    {
        StopKeepAlive();
        Send("STOPPING=1");
    }

    private void StopKeepAlive()
    {
        _stop.Set();
        _keepAlive?.Join();
    }

    /// <summary>Stops the keep-alive thread and closes the socket.</summary>
    public void Dispose()
    {
        StopKeepAlive();
        _socket.Dispose();
        _stop.Dispose();
    }
}
