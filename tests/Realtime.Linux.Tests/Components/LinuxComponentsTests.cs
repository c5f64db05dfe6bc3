using System;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Linux.Components;
using Realtime.Linux.Tests.V4l2;
using Realtime.Linux.V4l2;
using Realtime.Tests;

namespace Realtime.Linux.Tests.Components;

/// <summary>
/// <c>alsa-capture</c> through the real alsa-lib (ALSA's own "null" PCM: these machines have no
/// sound card) and <c>v4l2-camera</c> through the project's capture over the fake V4L2 device (the
/// kernel ABI the capture tests use; no camera here): chunks and frames in order in a graph,
/// 0 B per frame, and a device that cannot open is the profile's problem naming the field.
/// </summary>
public sealed class LinuxComponentsTests
{
    // The loop runs at the microphone's chunk rate (16000 Hz / 512).
    private static ComponentContext Context() => new(new BoardProfile { Simulated = true, Timing = { RateHz = 31.25 } }, "board.json", new ManualClock());

    private static ComponentRegistry Registry() => new ComponentRegistry().AddLinuxComponents();

    private static AppProfile App(string json) => JsonSerializer.Deserialize(json, ProfileJsonContext.Default.AppProfile)!;

    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), "app.nodes[0].config");

    private static AppGraph Wire(Node source, string port)
    {
        var b = new GraphBuilder("board.json").Add(source).Add(new Sink("out")).Add(new Counter("n", port.Split('.')[1] == "audio"))
            .Connect(port, "n.in").Connect("n.command", "out.command");
        return b.Build();
    }

    [Fact]
    public void AlsaCaptureDeliversTheNullDevicesChunksInOrderAndAllocatesNothingPerFrame()
    {
        using var context = Context();
        var mic = (AlsaSource)AlsaSource.Create("mic", Config("""{ "device": "null", "chunk": 512, "ring_chunks": 4 }"""), context);
        AppGraph g = Wire(mic, "mic.audio");
        g.Start();
        try
        {
            Assert.NotNull(mic.Device);
            for (int i = 0; i < 500 && mic.Device!.ChunksCaptured < 4; i++) Thread.Sleep(10);
            long last = 0;
            int fresh = 0;
            for (int i = 0; i < 200; i++)
            {
                mic.Process();
                Assert.Equal(CaptureStatus.Ok, mic.Status);
                Assert.True(mic.CaptureNs >= last);
                if (mic.CaptureNs > last) fresh++;
                last = mic.CaptureNs;
                // Each new chunk carries its number: the chunks delivered before it.
                Assert.Equal(fresh - 1, mic.Audio.Payload.Sequence);
                Assert.All(mic.Audio.Payload.Samples, s => Assert.Equal(0f, s)); // the null device records silence
                if (i % 20 == 0) Thread.Sleep(40);
            }
            Assert.True(fresh >= 4, $"{fresh} fresh chunks");
            Assert.Equal(0, ThreadAllocations.Least(mic.Process, warm: 0));
            var r = new NodeReport();
            mic.Report(r);
            Assert.True(r.Figures["chunks"] >= fresh);
        }
        finally
        {
            g.Stop();
        }
        Assert.Null(mic.Device);
        // The device's figures outlive it: the application's report reads them after the run.
        var metrics = new Realtime.Core.Reporting.ApplicationMetrics();
        mic.FillMetrics(metrics, default);
        Assert.Equal(32.0, (double)metrics["chunk_ms"]!);
        Assert.NotNull(metrics["audio_overruns"]);
        Assert.NotNull(metrics["audio_underruns"]);
        Assert.Null(metrics["audio_failure"]);
        Assert.StartsWith("Audio: ", Assert.Single(metrics.SummaryLines));
    }

    [Fact]
    public void AnAlsaDeviceThatCannotOpenIsTheProfilesProblemAtStart()
    {
        using var context = Context();
        var mic = (AlsaSource)AlsaSource.Create("mic", Config("""{ "device": "hw:7,0" }"""), context);
        AppGraph g = Wire(mic, "mic.audio");
        var ex = Assert.Throws<ProfileException>(() => g.Start());
        Assert.Equal("board.json", ex.Source);
        Assert.StartsWith("app.nodes[0].config.device: ALSA cannot open capture device 'hw:7,0': ", Assert.Single(ex.Problems));
    }

    [Fact]
    public void TheCameraStreamsFromStartToStopAndItsFramesArriveInOrder()
    {
        var dev = new FakeV4l2Device();
        var cam = new V4l2CameraSource("cam", new V4l2CaptureOptions { Device = FakeV4l2Device.Path, Width = 320, Height = 240, Format = CameraFormat.Yuyv, RateHz = 30, Buffers = 4, FrameWaitMs = 5000 }, dev);
        Assert.Equal(PayloadType.Image(PixelFormat.Yuyv, 320, 240).ToString(), cam.Image.Type.ToString());
        AppGraph g = Wire(cam, "cam.image");
        g.Start();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                long seq = dev.Deliver(V4l2CaptureTests.Pattern(dev, i));
                cam.Process();
                Assert.Equal(CaptureStatus.Ok, cam.Status);
                Assert.Equal(seq, cam.Image.Payload.Frame.Sequence);
                Assert.Equal(dev.Stamps[(uint)seq], cam.CaptureNs);
                Assert.Equal((byte)(i % 251), cam.Image.Payload.Frame.Pixels[0]);
            }
        }
        finally
        {
            g.Stop();
        }
        Assert.True(dev.StreamedOff);
        Assert.True(dev.Closed);
        // The capture's figures outlive its stop: the report is written after the loop stops its nodes.
        var metrics = new Realtime.Core.Reporting.ApplicationMetrics();
        cam.FillMetrics(metrics, ReadOnlySpan<FrameRecord>.Empty);
        Assert.Equal(50, metrics["cam_frames_captured"]!.GetValue<long>());
        Assert.Equal(0, metrics["cam_error_frames"]!.GetValue<long>());
        Assert.NotNull(metrics["cam_kernel_timestamps"]);
        Assert.NotNull(metrics["cam_capture_thread_bytes"]);
    }

    [Fact]
    public void ACameraThatRefusesToOpenAtStartNamesTheField()
    {
        var dev = new FakeV4l2Device { OpenErrno = 16 }; // EBUSY
        var cam = new V4l2CameraSource("cam", new V4l2CaptureOptions { Device = FakeV4l2Device.Path }, dev) { ConfiguredAt = ("board.json", "app.nodes[0].config") };
        AppGraph g = Wire(cam, "cam.image");
        var ex = Assert.Throws<ProfileException>(() => g.Start());
        Assert.StartsWith("app.nodes[0].config.device: ", Assert.Single(ex.Problems));
    }

    [Theory]
    [InlineData("v4l2-camera", """{ "device": "/dev/video97" }""", "app.nodes[0].config.device: ")]
    [InlineData("v4l2-camera", """{ "device": "/etc/passwd" }""", "app.nodes[0].config.device: a V4L2 node is a path under /dev/, got '/etc/passwd'")]
    [InlineData("v4l2-camera", """{ "format": "rgb3" }""", "app.nodes[0].config.format: must be one of yuyv, nv12, grey, mjpeg, got 'rgb3'")]
    [InlineData("v4l2-camera", """{ "width": 321 }""", "app.nodes[0].config.width: yuyv frames need an even width, got 321")]
    [InlineData("alsa-capture", """{ "device": "hw:0\n" }""", "app.nodes[0].config.device: an ALSA PCM name has no control characters")]
    [InlineData("alsa-capture", """{ "chunk": 4 }""", "app.nodes[0].config.chunk: must be between 16 and 65536, got 4")]
    public void BadSettingsAreOneProblemNamingTheField(string type, string config, string problem)
    {
        using var context = Context();
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App($$"""{ "nodes": [ { "name": "n", "type": "{{type}}", "config": {{config}} } ], "connections": [] }"""), context));
        Assert.StartsWith(problem, ex.Problems[0]);
    }

    private sealed class Counter : Node
    {
        public Counter(string name, bool audio) : base(name, NodeRole.Controller)
        {
            if (audio) Input<AudioPayload>("in", PayloadType.Audio());
            else Input<ImagePayload>("in", PayloadType.Image());
            Command = Output("command", new CommandPayload(1));
        }

        public OutputPort<CommandPayload> Command { get; }

        public override void Process() => Command.Payload.Next.Values[0]++;
    }

    private sealed class Sink : SinkNode
    {
        public Sink(string name) : base(name, 1)
        {
        }

        public override void Apply(in ActuatorCommand command)
        {
        }

        public override ActuatorCommand ApplySafeState() => new() { Count = 1 };
    }
}
