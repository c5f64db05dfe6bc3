using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Hosting;
using Realtime.Hosting.Serving;
using Realtime.Onnx;
using Realtime.Onnx.Components;
using Realtime.Onnx.Offload;
using Realtime.Tests;
using Xunit.Abstractions;

namespace Realtime.Hosting.Tests.Serving;

/// <summary>
/// <c>offload-model</c> in the face-presence graph (the real video, preprocessing and BlazeFace-128),
/// run by the loop at 2 Hz against a real KServe v2 server (<see cref="InferenceServer"/>, what
/// <c>rtapp serve</c> runs): counts of frames remote, local, late and failed per scenario, 0 misses
/// in each, 0 B per counted frame. Wall-clock figures are reported, never asserted.
/// </summary>
[Collection(LoopCountersCollection.Name)]
public sealed class OffloadModelTests
{
    private const int Frames = 24, Warmup = 4;
    private readonly ITestOutputHelper _out;

    public OffloadModelTests(ITestOutputHelper output) => _out = output;

    private static string Profile => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", "face-presence-offload.json");

    private static GraphApplicationInstance Build(string url, params string[] sets)
    {
        var host = new RealtimeHost("test").AddDemos();
        // A generous deadline (2 Hz, 500 ms, the model's outputs due at 400 ms, 50 ms kept free): the figures are
        // counts, on a machine shared with other builds (load averages of 40 on its 2 cores seen).
        var all = new System.Collections.Generic.List<string>
        {
            $"app.nodes[blazeface].config.url={url}", "app.loop.rate_hz=2", "app.loop.deadline_us=500000",
            "app.nodes[blazeface].config.finish_by_us=400000", "app.nodes[blazeface].config.margin_us=50000", "app.nodes[blazeface].config.window=16", "app.nodes[blazeface].config.probe_every=3",
        };
        all.AddRange(sets);
        var (profile, source) = ProfileCatalog.Load(Profile, all, null, host);
        var app = host.ApplicationFor(profile, source);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.Periodic },
        });
    }

    private static InferenceServer Serve(string model, TimeSpan delay = default)
    {
        var engine = OnnxInferenceEngine.Load(model, new OnnxBinding());
        var server = InferenceServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new[] { new ServedModel("blazeface", engine) }, delay);
        Prime(server, engine);
        return server;
    }

    // One round trip before the run: the server's request path is compiled by this test process's
    // JIT on its first request (rtapp serve is compiled ahead of time), which would be one round trip
    // of hundreds of ms in the client's window.
    private static void Prime(InferenceServer server, OnnxInferenceEngine e)
    {
        using var client = ClientOf(server, e);
        client.Start();
        client.Send();
        client.Await(long.MaxValue / 2);
    }

    private static OffloadClient ClientOf(InferenceServer server, OnnxInferenceEngine e)
    {
        var inputs = new OffloadTensor[e.InputNames.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = new OffloadTensor(e.InputNames[i], e.InputTypes[i], e.InputShapes[i], e.InputBytes(i).Length);
        var outputs = new OffloadTensor[e.OutputNames.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = new OffloadTensor(e.OutputNames[i], e.OutputTypes[i], e.OutputShapes[i], e.OutputBytes(i).Length);
        return new OffloadClient(new OffloadOptions { Target = OffloadTarget.Parse(Url(server.Endpoint), out _)!, TimeoutMs = 30_000 }, inputs, outputs);
    }

    [Fact]
    public void ALateReplyIsDroppedAndItsRoundTripKeepsTheNextFramesLocal()
    {
        var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, new OnnxBinding());
        using var server = InferenceServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new[] { new ServedModel("blazeface", engine) }, TimeSpan.FromMilliseconds(300));
        using var client = ClientOf(server, engine);
        client.Start();
        var clock = Realtime.Core.Timing.SystemClock.Instance;
        for (int i = 0; i < 3; i++) client.RanLocally(2_000_000);
        // No round trip known yet: tried, and waited for only until the local model must start (100 ms less its 2 ms and the 1 ms margin).
        long due = clock.NowNs() + 100_000_000;
        Assert.Equal(OffloadChoice.Remote, client.Decide(clock.NowNs(), due));
        client.Send();
        Assert.Equal(OffloadOutcome.Late, client.Await(due));
        // While the late request is out, frames stay local; when its reply comes it is dropped, and its round trip counts.
        Assert.Equal(OffloadChoice.Local, client.Decide(clock.NowNs(), clock.NowNs() + 100_000_000));
        while (client.RoundTrips == 0) Thread.Sleep(10);
        Assert.InRange(client.RoundTripP99Ns, 300_000_000, long.MaxValue);
        OffloadChoice next = client.Decide(clock.NowNs(), clock.NowNs() + 100_000_000);
        Assert.NotEqual(OffloadChoice.Remote, next);
        Assert.Equal((0, 1, 0), (client.RemoteFrames, client.LateFrames, client.FailedFrames));
    }

    private static string Url(IPEndPoint at) => $"http://127.0.0.1:{at.Port}/v2/models/blazeface";

    private static OffloadClient Client(GraphApplicationInstance app) =>
        ((OnnxModelNode)Array.Find(app.Graph.Steps, n => n.Name == "blazeface")!).Offload!;

    private static int Misses(GraphApplicationInstance app)
    {
        int misses = 0;
        foreach (var r in app.GraphLoop.Records) if ((r.Flags & FrameFlags.DeadlineMiss) != 0) misses++;
        return misses;
    }

    private void Report(string scenario, GraphApplicationInstance app, OffloadClient c) =>
        _out.WriteLine($"{scenario}: {app.GraphLoop.FramesRun} frames: remote {c.RemoteFrames}, local {c.LocalFrames}, late {c.LateFrames}, failed {c.FailedFrames}, " +
            $"probes {c.Probes}, round trips {c.RoundTrips} (p99 {c.RoundTripP99Ns / 1e6:0.00} ms), local p99 {c.LocalP99Ns / 1e6:0.00} ms, " +
            $"connection failures {c.ConnectionFailures}, bad replies {c.BadReplies} ({c.LastProblem}), misses {Misses(app)}, {app.GraphLoop.CountedAllocatedBytes} B counted");

    private static void EveryFrameCountedOnce(GraphApplicationInstance app, OffloadClient c) =>
        Assert.Equal(app.GraphLoop.FramesRun, c.RemoteFrames + c.LocalFrames + c.LateFrames + c.FailedFrames);

    [Fact]
    public void AFastServerTakesMostFramesWithNoMissAndNoAllocation()
    {
        using var server = Serve(TestAssets.BlazeFace128);
        using var app = Build(Url(server.Endpoint));
        var c = Client(app);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Report("fast server", app, c);
        EveryFrameCountedOnce(app, c);
        Assert.True(c.RemoteFrames * 2 > app.GraphLoop.FramesRun, $"{c.RemoteFrames} of {app.GraphLoop.FramesRun} frames remote");
        Assert.Equal(0, c.FailedFrames);
        Assert.Equal(0, Misses(app));
        Assert.Equal(0, app.GraphLoop.CountedAllocatedBytes);
        Assert.Equal(0, app.GraphLoop.CountedGcCollections);
        // The network thread's steady state allocates nothing either (a GC it caused would stop the pipeline too).
        Assert.Equal(0, c.NetworkThreadSteadyBytes);
        Assert.Equal(server.Inferences - 1, c.RoundTrips);
    }

    [Fact]
    public void AServerSlowerThanTheBudgetGetsNoFrameButItsProbes()
    {
        using var server = Serve(TestAssets.BlazeFace128, TimeSpan.FromMilliseconds(1000));
        using var app = Build(Url(server.Endpoint));
        var c = Client(app);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Report("server 1 s slow (outputs due 400 ms after capture)", app, c);
        EveryFrameCountedOnce(app, c);
        Assert.Equal(0, c.RemoteFrames);
        Assert.True(c.Probes >= 1);
        Assert.Equal(0, Misses(app));
    }

    [Fact]
    public void AServerKilledMidRunFallsBackToTheLocalModelInTheSameFrame()
    {
        var server = Serve(TestAssets.BlazeFace128);
        using var app = Build(Url(server.Endpoint));
        var c = Client(app);
        long remoteAtKill = -1;
        var killer = new Thread(() =>
        {
            // Kill once the server has taken some frames: its connections close under the client.
            while (c.RemoteFrames < 8 && app.GraphLoop.FramesRun < Frames + Warmup - 8) Thread.Sleep(5);
            remoteAtKill = c.RemoteFrames;
            server.Dispose();
        });
        killer.Start();
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        killer.Join();
        Report("server killed mid-run", app, c);
        EveryFrameCountedOnce(app, c);
        Assert.True(remoteAtKill >= 8, $"only {remoteAtKill} frames remote before the kill");
        // At most the frame in flight at the kill was still answered; every frame after it ran locally, none missed.
        Assert.InRange(c.RemoteFrames, remoteAtKill, remoteAtKill + 1);
        Assert.True(c.ConnectionFailures >= 1);
        Assert.Equal(0, Misses(app));
    }

    [Fact]
    public void AnUnreachableServerAtStartLeavesEveryFrameLocalAndTheRunGoesOn()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        using var app = Build($"http://127.0.0.1:{port}/v2/models/blazeface", "app.nodes[blazeface].config.retry_ms=200");
        var c = Client(app);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Report("no server", app, c);
        EveryFrameCountedOnce(app, c);
        Assert.Equal(0, c.RemoteFrames);
        // Tried again every retry_ms (200 ms, under the 500 ms period: at most once a frame), and more than once.
        Assert.InRange(c.ConnectionFailures, 2, Frames + Warmup);
        Assert.Equal(0, Misses(app));
    }

    [Fact]
    public void AServerOfAnotherModelIsAnErrorStatusCountedAndTheLocalModelRuns()
    {
        // BlazeFace-256 under the same name: the 128 input is refused with 400.
        using var server = Serve(TestAssets.Get("models/face_detection_back_256x256_barracuda.onnx"));
        using var app = Build(Url(server.Endpoint), "app.nodes[blazeface].config.retry_ms=100");
        var c = Client(app);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Report("server of another model", app, c);
        EveryFrameCountedOnce(app, c);
        Assert.Equal(0, c.RemoteFrames);
        Assert.True(c.BadReplies >= 2);
        Assert.Equal("the server answered an error status", c.LastProblem);
        Assert.True(server.Errors >= 2);
        Assert.Equal(0, Misses(app));
    }

    [Theory]
    [InlineData("wrong-shape", "an output's shape differs from the model's")]
    [InlineData("wrong-type", "an output's datatype differs from the model's")]
    [InlineData("json-data", "the reply's tensors are JSON numbers, not binary data")]
    [InlineData("garbage", "the reply is not HTTP")]
    [InlineData("bad-json", "the reply's header is not valid JSON")]
    public void AReplyThatIsNotTheModelsIsCountedAndTheLocalResultUsed(string kind, string problem)
    {
        using var server = new MisbehavingServer(kind);
        using var app = Build($"http://127.0.0.1:{server.Port}/v2/models/blazeface", "app.nodes[blazeface].config.retry_ms=100");
        var c = Client(app);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Report(kind, app, c);
        EveryFrameCountedOnce(app, c);
        Assert.Equal(0, c.RemoteFrames);
        Assert.True(c.BadReplies >= 2, $"{c.BadReplies} bad replies");
        Assert.Equal(problem, c.LastProblem);
        Assert.Equal(0, Misses(app));
    }

    [Theory]
    [InlineData("https://127.0.0.1:8000/v2/models/blazeface", "only plain http")]
    [InlineData("http://server.local:8000/v2/models/blazeface", "is not an IP address or localhost")]
    [InlineData("http://127.0.0.1/v2/models/blazeface", "names no port")]
    [InlineData("http://127.0.0.1:8000/v1/models/blazeface", "the path is not /v2/models/NAME")]
    public void ABadUrlIsAProfileErrorNamingTheField(string url, string what)
    {
        var ex = Assert.Throws<ProfileException>(() => Build(url));
        Assert.Contains("app.nodes[2].config.url: ", ex.Message);
        Assert.Contains(what, ex.Message);
    }

    [Fact]
    public void TheDecisionAllocatesNothingAndItsCostIsReported()
    {
        var target = OffloadTarget.Parse("http://127.0.0.1:9/v2/models/m", out _)!;
        var tensor = new OffloadTensor("x", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, new long[] { 1, 4 }, 16);
        using var client = new OffloadClient(new OffloadOptions { Target = target }, new[] { tensor }, new[] { tensor });
        for (int i = 0; i < 3; i++) client.RanLocally(2_000_000);
        const int n = 1_000_000;
        long remote = 0, ticks = 0;
        long bytes = ThreadAllocations.LeastOfThree(() =>
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
                if (client.Decide(i, 30_000_000) == OffloadChoice.Remote) remote++;
            ticks = System.Diagnostics.Stopwatch.GetTimestamp() - t0;
        });
        _out.WriteLine($"decision: {ticks * 1e9 / System.Diagnostics.Stopwatch.Frequency / n:0.0} ns each over {n}, {bytes} B (the least of three windows)");
        Assert.Equal(3 * n, remote);
        Assert.Equal(0, bytes);
        // Past the point where the local model still fits: local, and a probe every probe_every frames.
        Assert.Equal(OffloadChoice.Probe, client.Decide(29_000_000, 30_000_000));
    }

    /// <summary>A server that reads a request and answers with something that is not the model's reply (what a broken or foreign server does).</summary>
    private sealed class MisbehavingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Thread _thread;
        private readonly string _kind;
        private volatile bool _stopping;

        public MisbehavingServer(string kind)
        {
            _kind = kind;
            _listener.Start();
            _thread = new Thread(Run) { IsBackground = true };
            _thread.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private void Run()
        {
            while (!_stopping)
            {
                Socket s;
                try { s = _listener.AcceptSocket(); } catch (SocketException) { return; } catch (ObjectDisposedException) { return; }
                using (s)
                {
                    try
                    {
                        while (!_stopping && ReadRequest(s)) s.Send(Reply());
                    }
                    catch (SocketException) { }
                }
            }
        }

        private static bool ReadRequest(Socket s)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (s.Receive(one) <= 0) return false;
                head.Append((char)one[0]);
            }
            int at = head.ToString().IndexOf("\r\nContent-Length: ", StringComparison.Ordinal) + "\r\nContent-Length: ".Length;
            int length = int.Parse(head.ToString()[at..head.ToString().IndexOf('\r', at)], System.Globalization.CultureInfo.InvariantCulture);
            var body = new byte[length];
            for (int got = 0; got < length;) { int n = s.Receive(body, got, length - got, SocketFlags.None); if (n <= 0) return false; got += n; }
            return true;
        }

        private byte[] Reply()
        {
            static string Output(string name, string type, string shape, int size) =>
                $$$"""{"name":"{{{name}}}","datatype":"{{{type}}}","shape":{{{shape}}},"parameters":{"binary_data_size":{{{size}}}}}""";
            string json = _kind switch
            {
                "wrong-shape" => $$"""{"model_name":"blazeface","outputs":[{{Output("Identity:0", "FP32", "[1,999,1]", 3996)}}]}""",
                "wrong-type" => $$"""{"model_name":"blazeface","outputs":[{{Output("Identity:0", "INT32", "[1,512,1]", 2048)}}]}""",
                "json-data" => """{"model_name":"blazeface","outputs":[{"name":"Identity:0","datatype":"FP32","shape":[1,1],"data":[0.5]}]}""",
                "bad-json" => """{"model_name":"blazeface","outputs":[{"name":""",
                _ => "",
            };
            if (_kind == "garbage") return Encoding.ASCII.GetBytes("hello there\r\n\r\n");
            int binary = _kind switch { "wrong-shape" => 3996, "wrong-type" => 2048, _ => 0 };
            byte[] j = Encoding.UTF8.GetBytes(json);
            string head = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nInference-Header-Content-Length: {j.Length}\r\nContent-Length: {j.Length + binary}\r\n\r\n";
            var all = new byte[head.Length + j.Length + binary];
            Encoding.ASCII.GetBytes(head).CopyTo(all, 0);
            j.CopyTo(all, head.Length);
            return all;
        }

        public void Dispose()
        {
            _stopping = true;
            _listener.Stop();
            _thread.Join(2000);
        }
    }
}
