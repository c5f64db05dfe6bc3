using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A systemd notify socket for a launched rtapp: bound in a folder, drained as systemd drains it (the
/// kernel queues only a few datagrams), every message kept in the order it came.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = new();
    private readonly Thread _reader;
    private bool _done;

    /// <summary>Binds the socket at <paramref name="dir"/>/notify and starts draining it.</summary>
    public NotifySocket(string dir)
    {
        Path = System.IO.Path.Combine(dir, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _reader = new Thread(() =>
        {
            var buffer = new byte[4096];
            while (!Volatile.Read(ref _done) || _socket.Available > 0)
                if (_socket.Poll(50_000, SelectMode.SelectRead)) lock (_messages) _messages.Add(Encoding.UTF8.GetString(buffer, 0, _socket.Receive(buffer)));
        });
        _reader.Start();
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>The environment systemd gives a service with this socket and a watchdog of <paramref name="watchdogUsec"/> µs.</summary>
    public Dictionary<string, string> Environment(int watchdogUsec) =>
        new() { ["NOTIFY_SOCKET"] = Path, ["WATCHDOG_USEC"] = watchdogUsec.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Stops draining once what is queued is read, and returns every message received.</summary>
    public List<string> Messages()
    {
        Volatile.Write(ref _done, true);
        Assert.True(_reader.Join(TimeSpan.FromSeconds(30)), "the notify socket's reader did not end");
        lock (_messages) return new List<string>(_messages);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Volatile.Write(ref _done, true);
        _reader.Join(TimeSpan.FromSeconds(30));
        _socket.Dispose();
    }
}
