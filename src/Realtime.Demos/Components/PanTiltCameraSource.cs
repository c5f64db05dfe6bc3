using System;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Gpio;
using Realtime.Sim;
using Realtime.Vision;

namespace Realtime.Demos.Components;

/// <summary>
/// <c>pan-tilt-camera</c>: the simulated camera on a simulated pan/tilt mount (the sim board's face
/// tracker). A <c>width</c>×<c>height</c> BGR24 window into the world video (<c>video</c>), covering
/// <c>world_scale</c> world pixels per camera pixel, placed by the mount's angles at the camera's
/// <c>hfov_deg</c>. The mount (<see cref="PanTiltPlant"/>) reads the duty cycle of the board's
/// <c>pwm[]</c> entries named by <c>pwm</c> (pan, tilt; default [0, 1]) from the channels the servo
/// sink opened, and slews toward the commanded angles at <c>servo_rate_deg_per_s</c> from
/// <c>start_pan_deg</c>/<c>start_tilt_deg</c>. World and mount follow loop time: one nominal period
/// per loop tick (dropped ticks included), so a run is the same paced or not.
/// </summary>
public sealed class PanTiltCameraSource : SourceNode, ITickListener
{
    private readonly string _field;
    private readonly ComponentContext _context;
    private readonly IVideoFrames _world;
    private readonly int _panOutput, _tiltOutput;
    private readonly double _hfovDeg, _worldScale, _rateDegPerS, _startPanDeg, _startTiltDeg, _periodS;
    private PanTiltCamera? _camera;

    private PanTiltCameraSource(string name, NodeConfig config, ComponentContext context, IVideoFrames world, int width, int height, int[] pwm,
        double hfovDeg, double worldScale, double rateDegPerS, double startPanDeg, double startTiltDeg) : base(name)
    {
        _field = config.Field;
        _context = context;
        _world = world;
        _panOutput = pwm[0];
        _tiltOutput = pwm[1];
        _hfovDeg = hfovDeg;
        _worldScale = worldScale;
        _rateDegPerS = rateDegPerS;
        _startPanDeg = startPanDeg;
        _startTiltDeg = startTiltDeg;
        _periodS = 1.0 / context.LoopRateHz;
        Image = Output("image", new ImagePayload(width, height, PixelFormat.Bgr24));
    }

    /// <summary>The camera's frame.</summary>
    public OutputPort<ImagePayload> Image { get; }
    /// <summary>The camera and its mount (after <see cref="Start"/>).</summary>
    public PanTiltCamera? Camera => _camera;

    /// <summary>The registry's factory: opens the video (owned by the application) and checks the mount against the board's outputs.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        BoardProfile board = context.Board;
        string? path = context.RequireAsset(config, "video", "video file");
        int width = config.Integer("width", 8, 8192, 320);
        int height = config.Integer("height", 8, 8192, 240);
        double hfov = config.Number("hfov_deg", 1, 179);
        double scale = config.Number("world_scale", 1, 16, 1);
        double rate = config.Number("servo_rate_deg_per_s", 0.001, 100_000, 300);
        double startPan = config.Number("start_pan_deg", -360, 360, 0);
        double startTilt = config.Number("start_tilt_deg", -360, 360, 0);
        int[] pwm = config.Has("pwm") ? config.Integers("pwm", 0, 1023, 2) : new[] { 0, 1 };
        if (config.Problems.Count == 0)
        {
            if (pwm.Length != 2) config.Problem("pwm", $"the mount has two servos (pan, tilt): two pwm[] indices, got {pwm.Length}");
            else
            {
                for (int i = 0; i < 2; i++)
                    if (pwm[i] >= board.Pwm.Count) config.Problem($"pwm[{i}]", $"the board has {board.Pwm.Count} pwm outputs, got {pwm[i]}");
                // The mount starts where its servos can be.
                if (config.Problems.Count == 0)
                {
                    if (Outside(board.Pwm[pwm[0]], startPan)) config.Problem("start_pan_deg", $"{startPan} is outside pwm[{pwm[0]}]'s {board.Pwm[pwm[0]].MinAngleDeg}..{board.Pwm[pwm[0]].MaxAngleDeg}");
                    if (Outside(board.Pwm[pwm[1]], startTilt)) config.Problem("start_tilt_deg", $"{startTilt} is outside pwm[{pwm[1]}]'s {board.Pwm[pwm[1]].MinAngleDeg}..{board.Pwm[pwm[1]].MaxAngleDeg}");
                }
            }
        }
        if (path is null || config.Problems.Count > 0) return null!;
        IVideoFrames world;
        try
        {
            // From its decoded frames when the host keeps them (no OpenCV at start), else decoded by OpenCV.
            world = context.Own(DecodedVideoFile.Open(path, context.Shared(() => new VideoCacheSettings())));
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException || ex is InvalidOperationException { InnerException: DllNotFoundException or TypeInitializationException })
        {
            config.Problem("video", ex.Message);
            return null!;
        }
        int spanX = (int)Math.Round(width * scale), spanY = (int)Math.Round(height * scale);
        if (spanX > world.Width || spanY > world.Height)
        {
            config.Problem("width", $"the camera window {width}x{height} at world_scale {scale} covers {spanX}x{spanY} world pixels, more than the world video {world.Width}x{world.Height}");
            return null!;
        }
        return new PanTiltCameraSource(name, config, context, world, width, height, pwm, hfov, scale, rate, startPan, startTilt);
    }

    private static bool Outside(PwmOutputProfile o, double angle) => !(angle >= o.MinAngleDeg && angle <= o.MaxAngleDeg);

    /// <summary>
    /// Finds the servo channels (a sink opens them when it is created, which may be after this node):
    /// none open on the mount's outputs is a problem naming <c>pwm</c>.
    /// </summary>
    public override void Start()
    {
        BoardProfile board = _context.Board;
        PwmChannelOpener opener = PwmChannelOpener.For(_context);
        PwmOutputProfile pan = board.Pwm[_panOutput], tilt = board.Pwm[_tiltOutput];
        var panChannel = opener.Opened(pan) ?? throw NotDriven(_panOutput, pan);
        var tiltChannel = opener.Opened(tilt) ?? throw NotDriven(_tiltOutput, tilt);
        var plant = new PanTiltPlant(panChannel, PwmOutputs.Servo(pan).Calibration, tiltChannel, PwmOutputs.Servo(tilt).Calibration,
            _rateDegPerS, _startPanDeg, _startTiltDeg);
        FrameBuffer frame = Image.Payload.Frame;
        _camera = new PanTiltCamera(_world, plant, frame.Width, frame.Height, _hfovDeg, _periodS, _worldScale);
    }

    private ArgumentException NotDriven(int index, PwmOutputProfile output) =>
        new($"{_field}.pwm: node '{Name}' moves its mount with pwm[{index}] ('{output.Name}'), which no servo node drives (connect a servo sink with pwm [{_panOutput}, {_tiltOutput}])");

    /// <inheritdoc/>
    public void OnTick(long tick) => _camera?.OnTick(tick);

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        FrameBuffer slot = Image.Payload.Frame;
        CaptureStatus status = _camera!.Capture(slot);
        if (status != CaptureStatus.Ok) return status;
        // Stamped by the application's clock, as every graph source is.
        long now = _context.Clock.NowNs();
        slot.CaptureNs = now;
        CaptureNs = now;
        Image.Payload.CaptureNs = now;
        return status;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("video_loops", _world.Loops);
        report.Add("failed_frames", _world.FailedFrames);
        if (_camera is { } c)
        {
            report.Add("pan_deg", Math.Round(c.Plant.PanDeg, 3));
            report.Add("tilt_deg", Math.Round(c.Plant.TiltDeg, 3));
        }
    }
}
