using System;
using OpenCvSharp;
using Realtime.Core.Control;
using Realtime.Core.Pipeline;
using Realtime.Gpio;
using Realtime.Tests;

namespace Realtime.Sim.Tests;

/// <summary>The rendered camera image against the robot's pose.</summary>
public sealed class TrackCameraTests
{
    private static readonly MotorCalibration Cal = new(50, 1000, 1500, 2000);
    private static readonly FloorView View = new(320, 320, 40, 6);

    private static TrackCamera Camera(double x, double y, double heading, out SimulatedPwmChannel left, out SimulatedPwmChannel right)
    {
        var track = new LineTrack(220, 140, 40, 2.5);
        left = new SimulatedPwmChannel(0, 0, 50, Cal.DutyCycleFor(0));
        right = new SimulatedPwmChannel(0, 1, 50, Cal.DutyCycleFor(0));
        var plant = new DifferentialDrivePlant(left, Cal, right, Cal, new DriveParameters(12, 40, 0.05), x, y, heading);
        return new TrackCamera(track, track.Render(5, 40), plant, View, 0.1);
    }

    /// <summary>The middle of the dark band (the painted line) in an image row, and its darkest value.</summary>
    private static double DarkestColumn(FrameBuffer f, int row, out double darkest)
    {
        darkest = 999;
        double sum = 0;
        int n = 0;
        for (int c = 0; c < f.Width; c++)
        {
            int o = row * f.Stride + c * 3;
            double v = (f.Pixels[o] + f.Pixels[o + 1] + f.Pixels[o + 2]) / 3.0;
            darkest = Math.Min(darkest, v);
            if (v < 120) { sum += c + 0.5; n++; }
        }
        return n == 0 ? -1 : sum / n;
    }

    [Fact]
    public void OnTheStartLineTheLineRunsUpTheImageCentre()
    {
        using var cam = Camera(0, -70, 0, out _, out _);
        var frame = new FrameBuffer(320, 320, PixelFormat.Bgr24);
        Assert.Equal(CaptureStatus.Ok, cam.Capture(frame));
        Save(cam, "start.png");
        for (int row = 10; row < 320; row += 50)
        {
            double col = DarkestColumn(frame, row, out double dark);
            Assert.InRange(col, 160 - 2, 160 + 2);
            Assert.True(dark < 80, $"row {row}: darkest {dark}");
        }
        // The floor beside it is light.
        Assert.True(frame.Pixels[100 * frame.Stride + 20 * 3] > 150);
    }

    [Fact]
    public void ARobotLeftOfTheLineSeesItToTheRight()
    {
        // 5 cm left of the line (inside the track, +y): the line is 5 cm × 8 px/cm right of centre.
        using var cam = Camera(0, -65, 0, out _, out _);
        var frame = new FrameBuffer(320, 320, PixelFormat.Bgr24);
        cam.Capture(frame);
        Assert.InRange(DarkestColumn(frame, 160, out _), 200 - 2, 200 + 2);
        Assert.Equal(5, cam.CrossTrackCm, 3);
    }

    [Fact]
    public void ARobotTurnedLeftSeesTheLineSlantRight()
    {
        // Heading 20° left of the line: ahead, the line falls away to the right.
        using var cam = Camera(0, -70, 20 * Math.PI / 180, out _, out _);
        var frame = new FrameBuffer(320, 320, PixelFormat.Bgr24);
        cam.Capture(frame);
        Save(cam, "turned.png");
        double near = DarkestColumn(frame, 310, out _), far = DarkestColumn(frame, 10, out _);
        Assert.True(far > near + 40, $"near {near}, far {far}");
        // The slope is tan(20°): 300 rows up, tan(20°)·300 ≈ 109 columns across.
        Assert.InRange(far - near, 109 - 10, 109 + 10);
    }

    [Fact]
    public void RenderingAFrameAllocatesNothing()
    {
        using var cam = Camera(0, -70, 0, out var left, out var right);
        var frame = new FrameBuffer(320, 320, PixelFormat.Bgr24);
        left.DutyCycle = Cal.DutyCycleFor(0.5);
        right.DutyCycle = Cal.DutyCycleFor(0.6);
        int tick = 0;
        Assert.Equal(0, ThreadAllocations.Least(() => { cam.OnTick(tick++); cam.Capture(frame); }, n: 500, warm: 20));
        Assert.True(cam.Plant.OdometerCm > 100);
    }

    private static void Save(TrackCamera cam, string name)
    {
        if (Environment.GetEnvironmentVariable("RTAPP_DRAW_DIR") is { Length: > 0 } dir) Cv2.ImWrite(System.IO.Path.Combine(dir, name), cam.Image);
    }
}
