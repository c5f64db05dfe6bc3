using System;
using System.Runtime.InteropServices;
using System.Threading;
using OpenCvSharp;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Linux.Tests.V4l2;
using Realtime.Linux.V4l2;
using Realtime.Models;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The face tracker's pipeline over the V4L2 capture path: a fake kernel camera (there is none
/// here) streams real Megamind frames as YUYV, the capture thread hands them over newest-first,
/// the fused pass converts YUYV inside the letterbox, and the real BlazeFace finds the face. Proves
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

    [Fact]
    public void AThousandYuyvFramesFromACameraAllocateNothingAndTheFaceIsFound()
    {
        const int warmup = 60, frames = 1200;
        byte[][] pictures = YuyvFrames(48);
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        var m = profile.Model;
        var dev = new FakeV4l2Device { RecordStamps = false };
        using var camera = new V4l2Capture(new V4l2CaptureOptions { Device = FakeV4l2Device.Path, Width = Width, Height = Height, Format = CameraFormat.Yuyv, RateHz = 30, FrameWaitMs = 5000 }, dev);
        using var engine = OnnxInferenceEngine.Load(TestAssets.BlazeFace128, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 3 });
        var outputs = new (int, int, ServoCalibration)[profile.Pwm.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = profile.Pwm[i];
            outputs[i] = (o.Chip, o.Channel, new ServoCalibration(o.FrequencyHz, o.MinPulseUs, o.MaxPulseUs, o.MinAngleDeg, o.MaxAngleDeg, o.SafeAngleDeg));
        }
        using var servos = ServoActuator.OpenSimulated(outputs);
        var pre = new LetterboxPreprocessor(Width, Height, m.InputWidth, m.InputHeight);
        var decoder = new BlazeFaceDecoder(engine, pre, m.InputWidth, (float)m.ScoreThreshold);
        // sim.json's tracker node's gains (kp 0.35, ki 0.2, kd 0, max_step_deg 10).
        var controller = new PanTiltTracker(new PidGains(0.35, 0.2, 0, 100, 10), profile.Camera.HfovDeg, Width, Height, 1.0 / 30,
            (profile.Pwm[0].MinAngleDeg, profile.Pwm[0].MaxAngleDeg), (profile.Pwm[1].MinAngleDeg, profile.Pwm[1].MaxAngleDeg));
        var watchdog = new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 3, 10);
        var options = new ClosedLoopOptions { Frames = frames, WarmupFrames = warmup, DeadlineNs = 200_000_000, Scenario = LoopScenario.SingleStream, MeasureFloor = false };
        var loop = new ClosedLoop<FaceDetection>(options, camera, pre, engine, decoder, controller, servos, watchdog, null, new CenteringError());
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
