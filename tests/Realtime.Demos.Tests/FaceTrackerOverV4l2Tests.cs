using System;
using System.Runtime.InteropServices;
using System.Threading;
using OpenCvSharp;
using Realtime.Core.Pipeline;
using Realtime.Hosting;
using Realtime.Linux.Components;
using Realtime.Linux.Tests.V4l2;
using Realtime.Linux.V4l2;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The face tracker's graph over the V4L2 capture path: a fake kernel camera (there is none here)
/// streams real Megamind frames as YUYV into a <c>v4l2-camera</c> node, the capture thread hands
/// them over newest-first, the image-preprocess node converts YUYV inside the letterbox, and the
/// real BlazeFace finds the face; the pan-tilt node scores the centring error per frame. Proves
/// zero allocations per frame on the pipeline thread and on the capture thread.
/// </summary>
public sealed class FaceTrackerOverV4l2Tests
{
    private const int Width = 320, Height = 240;
    private readonly Xunit.Abstractions.ITestOutputHelper _out;

    /// <summary>Takes xunit's output, for the figures of the run.</summary>
    public FaceTrackerOverV4l2Tests(Xunit.Abstractions.ITestOutputHelper output) => _out = output;

    /// <summary>Megamind frames, the whole picture resized to 320x240, as a camera's YUYV (made by OpenCV's BGR→I420, chroma rows doubled).</summary>
    private static byte[][] YuyvFrames(int count)
    {
        using var video = new Realtime.Vision.VideoFileReader(TestAssets.Megamind);
        var frames = new byte[count][];
        using var small = new Mat();
        using var i420 = new Mat();
        var planar = new byte[Width * Height * 3 / 2];
        for (int f = 0; f < count; f++)
        {
            for (int skip = 0; skip < 4; skip++) video.Advance();
            Cv2.Resize(video.Frame, small, new Size(Width, Height), 0, 0, InterpolationFlags.Area);
            Cv2.CvtColor(small, i420, ColorConversionCodes.BGR2YUV_I420);
            Marshal.Copy(i420.Data, planar, 0, planar.Length);
            var yuyv = frames[f] = new byte[Width * Height * 2];
            int u = Width * Height, v = u + Width * Height / 4;
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x += 2)
                {
                    int o = (y * Width + x) * 2, c = (y / 2) * (Width / 2) + x / 2;
                    yuyv[o] = planar[y * Width + x];
                    yuyv[o + 1] = planar[u + c];
                    yuyv[o + 2] = planar[y * Width + x + 1];
                    yuyv[o + 3] = planar[v + c];
                }
        }
        return frames;
    }

    /// <summary>
    /// The host with the demos' components and a camera type of the test's own, as a user registers one:
    /// a <c>v4l2-camera</c> node over <paramref name="device"/> (the fake kernel camera) instead of a /dev node.
    /// </summary>
    private static RealtimeHost HostWithFakeCamera(FakeV4l2Device device)
    {
        var host = new RealtimeHost("rtapp").AddDemos();
        host.Components.Register("fake-v4l2-camera", (name, config, context) =>
            new V4l2CameraSource(name, new V4l2CaptureOptions { Device = FakeV4l2Device.Path, Width = Width, Height = Height, Format = CameraFormat.Yuyv, RateHz = 30, FrameWaitMs = 5000 }, device));
        return host;
    }

    [Fact]
    public void AThousandYuyvFramesFromACameraAllocateNothingAndTheFaceIsFound()
    {
        const int warmup = 60, frames = 1200;
        byte[][] pictures = YuyvFrames(48);
        var dev = new FakeV4l2Device { RecordStamps = false };
        var host = HostWithFakeCamera(dev);
        // The sim board's face tracker graph (image-preprocess, onnx-model, ssd-decoder, pan-tilt, servo) with its camera node on the fake camera.
        var (profile, source) = ProfileCatalog.Load(TestAssets.SimProfile, new[] { "app.nodes[camera].type=fake-v4l2-camera", "app.nodes[camera].config={}" }, null, host);
        // The longest deadline the profile allows, misses counted and not acted on: load on a shared machine must not trip the watchdog.
        profile.Timing.DeadlineUs = 33_000;
        profile.Watchdog.MissPolicy = "ignore";
        using var app = Assert.IsType<GraphApplicationInstance>(host.ApplicationFor(profile, source).Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = false },
        }));
        var loop = app.GraphLoop;
        var node = Assert.IsType<V4l2CameraSource>(app.Graph.Find("camera"));
        V4l2Capture camera = node.Camera!;   // streaming since the loop started its nodes
        Assert.Equal(PixelFormat.Yuyv, camera.Format);

        // The sensor: delivers the pictures in turn whenever the driver has a free buffer, without
        // allocating (one fill delegate per picture, made here), so the GC count stays the loop's.
        var fills = new Func<IntPtr, uint, uint>[pictures.Length];
        for (int i = 0; i < pictures.Length; i++)
        {
            byte[] picture = pictures[i];
            fills[i] = (mem, length) => { Marshal.Copy(picture, 0, mem, picture.Length); return (uint)picture.Length; };
        }
        using var stop = new CancellationTokenSource();
        var sensor = new Thread(() =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                dev.Deliver(fills[n++ % fills.Length]);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        sensor.Start();

        LoopOutcome outcome;
        long allocated;
        int collections;
        try
        {
            (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(loop, warmup, frames);
        }
        finally
        {
            stop.Cancel();
            sensor.Join();
        }

        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(warmup + frames, loop.FramesRun);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        Assert.Equal(0, camera.CaptureThreadAllocatedBytes);
        Assert.Null(camera.Fault);
        Assert.True(camera.KernelTimestamps);
        Assert.Equal(warmup + frames, camera.Delivered);
        // Every frame the loop ran was a fresh one from the camera, with the kernel's capture time.
        long last = 0;
        int withFace = 0;
        foreach (var r in loop.Records)
        {
            Assert.True((r.Flags & FrameFlags.SourceFault) == 0, "no stale or failed capture");
            Assert.True(r.CaptureNs > last && r.CaptureNs <= r.CaptureEndNs, "capture times increase and precede the frame's own stamps");
            last = r.CaptureNs;
            if (!float.IsNaN(r.DemoMetric)) withFace++;
        }
        _out.WriteLine($"camera: {camera.Dequeued} dequeued, {camera.Delivered} delivered, {camera.Dropped} replaced before taken, {camera.DriverDropped} lost by the driver; face in {withFace} of {warmup + frames} frames");
        Assert.True(withFace > (warmup + frames) / 2, $"a face in only {withFace} of {warmup + frames} frames");
    }
}
