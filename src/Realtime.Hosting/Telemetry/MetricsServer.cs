using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// The <c>/metrics</c> (Prometheus text) and <c>/healthz</c> endpoints, served by one thread of its
/// own (the telemetry thread, on the housekeeping cores) over a plain socket: one request per
/// connection, read with a size limit and a time limit, answered and closed, so a slow or hostile
/// client holds the thread for at most <see cref="ClientTimeout"/> and never the pipeline. What it
/// serves comes from the callbacks, which read lock-free snapshots. Connections are the kernel's
/// descriptors (<see cref="ConnectionCalls"/>) and the answer is written into reused buffers, so a
/// <c>/metrics</c> scrape allocates nothing once the buffers have grown: scrapes for months never
/// start a garbage collection, which would pause the pipeline thread as well.
/// </summary>
public sealed class MetricsServer : IDisposable
{
    /// <summary>The longest request head read (bytes); a longer one is answered 431.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    private readonly Socket _listener;
    private readonly Func<ReadOnlyMemory<char>> _metrics;
    // The scrape's body is encoded into this buffer, kept from one scrape to the next (grown when a
    // bigger one comes): a scrape every 100 ms must not leave a large string and byte array each
    // time for the GC's large-object heap, which only a full collection returns.
    private byte[] _body = new byte[64 * 1024];
    private readonly byte[] _head = new byte[512];
    private readonly Func<(bool Healthy, ReadOnlyMemory<char> Text)> _health;
    private readonly byte[] _healthBody = new byte[1024];
    private readonly Thread _thread;
    private readonly byte[] _request = new byte[MaxRequestBytes];
    private volatile bool _stopping;
    private long _scrapes, _rejected;

    private MetricsServer(Socket listener, Func<ReadOnlyMemory<char>> metrics, Func<(bool, ReadOnlyMemory<char>)> health, TimeSpan clientTimeout, Action? onThreadStart)
    {
        _listener = listener;
        _metrics = metrics;
        _health = health;
        ClientTimeout = clientTimeout;
        _thread = new Thread(() => { onThreadStart?.Invoke(); Serve(); }) { IsBackground = true, Name = "rtapp-telemetry" };
    }

    /// <summary>Where it listens (the port the kernel chose when asked for 0).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;
    /// <summary>How long one client may take to send its request and read the answer.</summary>
    public TimeSpan ClientTimeout { get; }
    /// <summary><c>/metrics</c> requests answered.</summary>
    public long Scrapes => Interlocked.Read(ref _scrapes);
    /// <summary>Requests answered with an error (bad method, path, size, or too slow).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Parses <paramref name="listen"/> (<c>HOST:PORT</c>, <c>[V6]:PORT</c> or <c>:PORT</c> for every
    /// address); null with the problem in words when it is not an address and a port.
    /// </summary>
    public static IPEndPoint? ParseListen(string listen, out string? problem)
    {
        problem = null;
        int colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            problem = $"'{listen}' is not HOST:PORT (e.g. 127.0.0.1:9464, or :9464 for every address)";
            return null;
        }
        string host = listen[..colon];
        if (host.Length == 0) return new IPEndPoint(IPAddress.Any, port);
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out IPAddress? address))
        {
            problem = $"'{host}' is not an IP address (name one of this machine's addresses, or localhost)";
            return null;
        }
        return new IPEndPoint(address, port);
    }

    /// <summary>
    /// Binds <paramref name="endpoint"/> and starts the thread. A port in use or an address this
    /// machine does not have is an <see cref="InvalidOperationException"/> that says so.
    /// </summary>
    public static MetricsServer Start(IPEndPoint endpoint, Func<string> metrics, Func<(bool Healthy, string Text)> health,
        TimeSpan? clientTimeout = null, Action? onThreadStart = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(health);
        return Start(endpoint, () => metrics().AsMemory(), () => { var (healthy, text) = health(); return (healthy, text.AsMemory()); }, clientTimeout, onThreadStart);
    }

    /// <summary>
    /// As <see cref="Start(IPEndPoint, Func{string}, Func{ValueTuple{bool, string}}, TimeSpan?, Action)"/>, with
    /// the bodies rendered into buffers the caller keeps (<see cref="PrometheusText.Text"/>; the health
    /// line, up to 1,023 bytes): a scrape or a health check then allocates nothing.
    /// </summary>
    public static MetricsServer Start(IPEndPoint endpoint, Func<ReadOnlyMemory<char>> metrics, Func<(bool Healthy, ReadOnlyMemory<char> Text)> health,
        TimeSpan? clientTimeout = null, Action? onThreadStart = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(health);
        var socket = Listen(endpoint);
        var server = new MetricsServer(socket, metrics, health, clientTimeout ?? TimeSpan.FromSeconds(2), onThreadStart);
        server._thread.Start();
        return server;
    }

    /// <summary>
    /// A socket bound to <paramref name="endpoint"/> and listening. A port in use or an address this
    /// machine does not have is an <see cref="InvalidOperationException"/> that says so (the metrics
    /// endpoint and <c>rtapp serve</c> word it the same way).
    /// </summary>
    internal static Socket Listen(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(16);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            string why = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is in use (another rtapp, or another service)",
                SocketError.AddressNotAvailable => "this machine has no such address",
                SocketError.AccessDenied => "not allowed (a port under 1024 needs privileges)",
                _ => ex.Message,
            };
            throw new InvalidOperationException($"cannot listen on {endpoint}: {why}", ex);
        }
        return socket;
    }

    private void Serve()
    {
        nint listener = _listener.Handle;
        while (!_stopping)
        {
            int client = ConnectionCalls.Accept(listener);
            if (client < 0) { if (_stopping) return; Thread.Sleep(10); continue; }
            try { Answer(client); }
            finally { ConnectionCalls.Close(client); }
        }
    }

    private void Answer(int client)
    {
        int timeoutMs = (int)ClientTimeout.TotalMilliseconds;
        ConnectionCalls.SetTimeouts(client, timeoutMs);
        long deadline = Environment.TickCount64 + timeoutMs;
        int length = 0, end = -1;
        while (end < 0)
        {
            if (length == _request.Length) { Reply(client, 431, "Request Header Fields Too Large", "text/plain", "request too large\n"u8); return; }
            if (Environment.TickCount64 > deadline) { Reply(client, 408, "Request Timeout", "text/plain", "too slow\n"u8); return; }
            int n = ConnectionCalls.Receive(client, _request.AsSpan(length));
            if (n < 0 && ConnectionCalls.IsTimeout(-n)) { Reply(client, 408, "Request Timeout", "text/plain", "too slow\n"u8); return; }
            if (n <= 0) { Interlocked.Increment(ref _rejected); return; }
            length += n;
            end = _request.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
        }
        ReadOnlySpan<byte> head = _request.AsSpan(0, end);
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = lineEnd < 0 ? head : head[..lineEnd];
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0) { Reply(client, 400, "Bad Request", "text/plain", "bad request line\n"u8); return; }
        ReadOnlySpan<byte> method = line[..sp1];
        ReadOnlySpan<byte> target = line.Slice(sp1 + 1, sp2);
        int query = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = query < 0 ? target : target[..query];
        bool head_ = method.SequenceEqual("HEAD"u8);
        if (!head_ && !method.SequenceEqual("GET"u8)) { Reply(client, 405, "Method Not Allowed", "text/plain", "GET or HEAD\n"u8, allow: true); return; }
        if (path.SequenceEqual("/metrics"u8))
        {
            Interlocked.Increment(ref _scrapes);
            ReadOnlySpan<char> text = _metrics().Span;
            int size = Encoding.UTF8.GetByteCount(text);
            if (size > _body.Length) _body = new byte[Math.Max(size, _body.Length * 2)];
            int at = Encoding.UTF8.GetBytes(text, _body);
            Reply(client, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", _body.AsSpan(0, at), bodyless: head_, counted: false);
        }
        else if (path.SequenceEqual("/healthz"u8))
        {
            var (healthy, text) = _health();
            ReadOnlySpan<char> status = text.Span;
            // A line too long for the buffer is cut: it is a status for a person or a probe, not data.
            if (Encoding.UTF8.GetMaxByteCount(status.Length) >= _healthBody.Length) status = status[..Math.Min(status.Length, (_healthBody.Length - 1) / 3 - 1)];
            int size = Encoding.UTF8.GetBytes(status, _healthBody);
            _healthBody[size++] = (byte)'\n';
            Reply(client, healthy ? 200 : 503, healthy ? "OK" : "Service Unavailable", "text/plain; charset=utf-8", _healthBody.AsSpan(0, size), bodyless: head_, counted: false);
        }
        else if (path.SequenceEqual("/"u8))
            Reply(client, 200, "OK", "text/plain; charset=utf-8", "rtapp: /metrics (Prometheus), /healthz\n"u8, bodyless: head_, counted: false);
        else Reply(client, 404, "Not Found", "text/plain", "only /metrics and /healthz\n"u8);
    }

    // The status line and headers are written into a reused buffer (ASCII throughout).
    private void Reply(int client, int status, string reason, string type, ReadOnlySpan<byte> content, bool bodyless = false, bool allow = false, bool counted = true)
    {
        if (counted) Interlocked.Increment(ref _rejected);
        Span<byte> h = _head;
        int at = 0;
        at += Ascii("HTTP/1.1 ", h[at..]);
        status.TryFormat(h[at..], out int n, provider: CultureInfo.InvariantCulture); at += n;
        at += Ascii(" ", h[at..]);
        at += Ascii(reason, h[at..]);
        at += Ascii("\r\nContent-Type: ", h[at..]);
        at += Ascii(type, h[at..]);
        at += Ascii("\r\nContent-Length: ", h[at..]);
        content.Length.TryFormat(h[at..], out n, provider: CultureInfo.InvariantCulture); at += n;
        at += Ascii("\r\nConnection: close\r\n", h[at..]);
        if (allow) at += Ascii("Allow: GET, HEAD\r\n", h[at..]);
        at += Ascii("\r\n", h[at..]);
        if (ConnectionCalls.SendAll(client, h[..at]) != 0) { Interlocked.Increment(ref _rejected); return; }
        if (!bodyless && ConnectionCalls.SendAll(client, content) != 0) Interlocked.Increment(ref _rejected);
    }

    private static int Ascii(string s, Span<byte> into) => Encoding.ASCII.GetBytes(s, into);

    /// <summary>Stops listening and waits for the thread.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        try { _listener.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
