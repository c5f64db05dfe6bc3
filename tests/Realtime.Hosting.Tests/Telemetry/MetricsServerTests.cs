using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Realtime.Hosting.Telemetry;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// The telemetry thread's endpoints over a real socket: /metrics and /healthz answered, anything
/// else refused with the right status, a request too large or too slow cut off without stopping the
/// next scrape, a port in use named, and the thread gone after Dispose.
/// </summary>
public sealed class MetricsServerTests
{
    private static int _healthy = 1;

    private static MetricsServer Start(TimeSpan? timeout = null) =>
        MetricsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () => "rtapp_up 1\n",
            () => Volatile.Read(ref _healthy) == 1 ? (true, "running") : (false, "outputs safe: watchdog tripped"), timeout);

    private static string Raw(IPEndPoint at, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
        socket.Connect(at);
        if (request.Length > 0) socket.Send(request);
        var buffer = new byte[64 * 1024];
        int length = 0, n;
        try { while ((n = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None)) > 0) length += n; }
        catch (SocketException) { } // reset after the answer to an oversized request
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Fact]
    public async System.Threading.Tasks.Task MetricsAndHealthAreServedAndEverythingElseIsRefusedWithItsStatus()
    {
        using MetricsServer server = Start();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}") };
        HttpResponseMessage metrics = await http.GetAsync("/metrics?x=1");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Equal("rtapp_up 1\n", await metrics.Content.ReadAsStringAsync());
        Assert.Equal("running\n", await http.GetStringAsync("/healthz"));
        Volatile.Write(ref _healthy, 0);
        try { Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz")).StatusCode); }
        finally { Volatile.Write(ref _healthy, 1); }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/etc/passwd")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/metrics", new StringContent("x"))).StatusCode);
        Assert.StartsWith("HTTP/1.1 400 ", Raw(server.Endpoint, "garbage\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.Equal(1, server.Scrapes);
        Assert.Equal(3, server.Rejected); // 404, 405 and 400; an unhealthy answer is the health, not a bad request
    }

    [Fact]
    public void ARequestTooLargeOrTooSlowIsCutOffAndTheNextScrapeIsStillAnswered()
    {
        using MetricsServer server = Start(TimeSpan.FromMilliseconds(300));
        var huge = Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nX-Filler: " + new string('a', 3 * MetricsServer.MaxRequestBytes) + "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", Raw(server.Endpoint, huge), StringComparison.Ordinal);
        // A client that connects and says nothing holds the thread for the timeout only.
        string silent = Raw(server.Endpoint, Array.Empty<byte>());
        Assert.True(silent.Length == 0 || silent.StartsWith("HTTP/1.1 408 ", StringComparison.Ordinal), silent);
        Assert.Contains("rtapp_up 1", Raw(server.Endpoint, "GET /metrics HTTP/1.0\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.Equal(1, server.Scrapes);
    }

    [Fact]
    public void APortInUseAndAnAddressThatIsNotOneAreNamed()
    {
        using MetricsServer first = Start();
        var ex = Assert.Throws<InvalidOperationException>(() => MetricsServer.Start(first.Endpoint, () => "", () => (true, "")));
        Assert.Contains("the port is in use", ex.Message, StringComparison.Ordinal);
        Assert.Contains(first.Endpoint.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Null(MetricsServer.ParseListen("9464", out string? problem));
        Assert.Contains("HOST:PORT", problem, StringComparison.Ordinal);
        Assert.Null(MetricsServer.ParseListen("board.local:9464", out problem));
        Assert.Contains("not an IP address", problem, StringComparison.Ordinal);
        Assert.Null(MetricsServer.ParseListen("127.0.0.1:70000", out _));
        Assert.Equal(new IPEndPoint(IPAddress.Any, 9464), MetricsServer.ParseListen(":9464", out _));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9464), MetricsServer.ParseListen("[::1]:9464", out _));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9464), MetricsServer.ParseListen("localhost:9464", out _));
    }

    [Fact]
    public void DisposeStopsTheThreadAndFreesThePort()
    {
        MetricsServer server = Start();
        IPEndPoint at = server.Endpoint;
        server.Dispose();
        using MetricsServer again = MetricsServer.Start(at, () => "x\n", () => (true, ""));
        Assert.Equal(at.Port, again.Endpoint.Port);
    }

    [Fact]
    public void AScrapeOrAHealthProbeAllocatesNothingOnTheTelemetryThreadOnceItsBuffersHaveGrown()
    {
        // A scrape every 100 ms for months must never start a garbage collection: a GC stops the
        // pipeline thread too. Everything one scrape does on the server's thread (accept, read the
        // request, render a histogram and counters, encode, send, close) is counted between two of
        // the callback's own readings, 100 scrapes apart.
        var h = new Realtime.Core.Timing.LatencyHistogram();
        for (long v = 500_000; v < 5_000_000; v += 997) h.Record(v);
        var snapshot = new Realtime.Core.Timing.HistogramSnapshot();
        var text = new PrometheusText();
        string labels = PrometheusText.Labels(("application", "face-tracker"));
        var allocated = new long[200];
        char[] health = "running and more".ToCharArray();
        int calls = 0;
        using MetricsServer server = MetricsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), () =>
        {
            allocated[calls++] = GC.GetAllocatedBytesForCurrentThread();
            text.Clear();
            text.Counter("rtapp_frames_total", "Frames run after warm-up.", calls, labels);
            text.Gauge("rtapp_deadline_seconds", "The loop's end-to-end deadline.", 0.033, labels);
            h.CopyTo(snapshot);
            text.Histogram("rtapp_end_to_end_latency_seconds", "Capture to actuation, per frame.", snapshot, labels);
            return text.Text;
        }, () => (true, health.AsMemory(0, 7)));
        string first = "";
        for (int i = 0; i < 130; i++)
        {
            string answer = Raw(server.Endpoint, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
            if (i == 0) first = answer;
            // A health probe between two scrapes is counted with them.
            Assert.EndsWith("\r\n\r\nrunning\n", Raw(server.Endpoint, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        }
        Assert.Contains("rtapp_end_to_end_latency_seconds_count{application=\"face-tracker\"} ", first, StringComparison.Ordinal);
        Assert.Contains("rtapp_deadline_seconds{application=\"face-tracker\"} 0.033\n", first, StringComparison.Ordinal);
        Assert.Equal(130, server.Scrapes);
        long bytes = allocated[129] - allocated[29];
        Assert.True(bytes == 0, $"100 scrapes and 100 health probes allocated {bytes} B on the telemetry thread");
    }
}
