using System;
using System.Device.Pwm;
using System.Globalization;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Gpio;
using Realtime.Sim;

namespace Realtime.Demos.Components;

/// <summary>
/// <c>line-track-camera</c>: the simulated line follower's world as a camera. A differential-drive
/// robot on a rounded-rectangle track reads its two motor commands from the PWM channels the
/// <c>motor</c> sink opened (config <c>pwm</c>: [left, right], indices into the board's <c>pwm[]</c>;
/// found through the application's <see cref="PwmChannelOpener"/> at <see cref="Start"/>, since
/// sinks may be created after sources), moves one loop period of simulated time per tick (dropped
/// ticks included, <see cref="ITickListener"/>), and its downward camera's image is rendered from
/// its pose (BGR24, <c>width</c>×<c>height</c>). Its per-frame figure is the robot's distance from
/// the centreline (cm); the report gets the cross-track error (cm and camera px) and the lap.
/// Config (cm, cm/s, s, degrees): <c>width</c>, <c>height</c>, <c>view_width_cm</c>, <c>near_cm</c>,
/// <c>track_width_cm</c>, <c>track_height_cm</c>, <c>corner_radius_cm</c>, <c>line_width_cm</c>,
/// <c>wheel_base_cm</c>, <c>max_wheel_cm_s</c>, <c>motor_time_constant_s</c>, <c>start_offset_cm</c>,
/// <c>start_heading_deg</c>, <c>settle_frames</c> (counted frames the cross-track figure leaves out), <c>pwm</c>,
/// <c>placed_poses</c> (N &gt; 0: an open-loop camera: frame k is seen from pose k mod N placed round the
/// track by <see cref="TrackCamera.PlaceAt"/>, and the motors move nothing; the bench's M-LSD ladder).
/// </summary>
public sealed class LineTrackCameraNode : SourceNode, ITickListener, IFrameMetric, IApplicationMetrics
{
    private readonly LineTrackSetup _setup;
    private readonly LineTrack _track;
    private readonly TrackWorld _world;
    private readonly ComponentContext _context;
    private readonly PwmOutputProfile[] _motors;
    private readonly string _pwmField;
    private readonly double _periodS;
    private readonly int _settleFrames;
    private readonly IClock _clock;
    private readonly int _placedPoses;
    private TrackCamera? _camera;
    private int _captures;

    private LineTrackCameraNode(string name, LineTrackSetup setup, LineTrack track, TrackWorld world, ComponentContext context,
        PwmOutputProfile[] motors, string pwmField, double periodS, int settleFrames, int placedPoses) : base(name)
    {
        _setup = setup;
        _track = track;
        _world = world;
        _context = context;
        _motors = motors;
        _pwmField = pwmField;
        _periodS = periodS;
        _settleFrames = settleFrames;
        _placedPoses = placedPoses;
        _clock = context.Clock;
        Image = Output("image", new ImagePayload(setup.ImageWidthPx, setup.ImageHeightPx, PixelFormat.Bgr24));
    }

    /// <summary>The camera's image.</summary>
    public OutputPort<ImagePayload> Image { get; }
    /// <summary>The camera, robot and lap counter (null until <see cref="Start"/>).</summary>
    public TrackCamera? Camera => _camera;
    /// <summary>The track.</summary>
    public LineTrack Track => _track;
    /// <summary>The world's numbers.</summary>
    public LineTrackSetup Setup => _setup;

    /// <summary>The registry's factory: reads the world and renders the floor (owned by the application).</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        var d = new LineTrackSetup();
        // Upper bounds keep the rendered floor (5 px/cm round the track and the view) within a few hundred MB.
        var setup = new LineTrackSetup
        {
            ImageWidthPx = config.Integer("width", 8, 4096, d.ImageWidthPx),
            ImageHeightPx = config.Integer("height", 8, 4096, d.ImageHeightPx),
            ViewWidthCm = config.Number("view_width_cm", 0.1, 200, d.ViewWidthCm),
            ViewNearCm = config.Number("near_cm", 0, 200, d.ViewNearCm),
            TrackWidthCm = config.Number("track_width_cm", 1, 1000, d.TrackWidthCm),
            TrackHeightCm = config.Number("track_height_cm", 1, 1000, d.TrackHeightCm),
            CornerRadiusCm = config.Number("corner_radius_cm", 0.1, 500, d.CornerRadiusCm),
            LineWidthCm = config.Number("line_width_cm", 0.1, 100, d.LineWidthCm),
            WheelBaseCm = config.Number("wheel_base_cm", 0.1, 1000, d.WheelBaseCm),
            MaxWheelCmPerS = config.Number("max_wheel_cm_s", 0.1, 10_000, d.MaxWheelCmPerS),
            MotorTimeConstantS = config.Number("motor_time_constant_s", 0, 10, d.MotorTimeConstantS),
            StartOffsetCm = config.Number("start_offset_cm", -1000, 1000, d.StartOffsetCm),
            StartHeadingDeg = config.Number("start_heading_deg", -180, 180, d.StartHeadingDeg),
        };
        int settle = config.Integer("settle_frames", 0, ProfileLoader.MaxFrames, 0);
        int placed = config.Integer("placed_poses", 0, ProfileLoader.MaxFrames, 0);
        int[] pwm = config.Integers("pwm", 0, 1023, 2);
        if (config.Problems.Count > 0) return null!;
        if (setup.TrackWidthCm < 2 * setup.CornerRadiusCm || setup.TrackHeightCm < 2 * setup.CornerRadiusCm)
            config.Problem("corner_radius_cm", string.Create(CultureInfo.InvariantCulture,
                $"{setup.CornerRadiusCm} cm corners do not fit a {setup.TrackWidthCm}×{setup.TrackHeightCm} cm track (width and height must be at least twice the radius)"));
        BoardProfile board = context.Board;
        if (!board.Simulated) config.Problem("pwm", "the simulated robot reads simulated motor channels: it needs a simulated board (simulated: true)");
        if (pwm.Length != 2) config.Problem("pwm", $"two motors (left, right), got {pwm.Length}");
        var motors = new PwmOutputProfile[pwm.Length];
        for (int i = 0; i < pwm.Length; i++)
        {
            if (pwm[i] >= board.Pwm.Count) config.Problem($"pwm[{i}]", $"the board has {board.Pwm.Count} pwm outputs, got {pwm[i]}");
            else motors[i] = board.Pwm[pwm[i]];
        }
        if (config.Problems.Count > 0) return null!;
        // Simulated time per tick is the loop's period: the application's loop rate over the board's.
        double rateHz = context.LoopRateHz;
        var track = setup.NewTrack();
        TrackWorld world;
        try
        {
            world = context.Own(setup.RenderWorld(track));
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DllNotFoundException or TypeInitializationException)
        {
            // OpenCV's native library did not load (no GTK 3, or no OpenCV build for this architecture).
            config.Problem("width", ex.Message);
            return null!;
        }
        return new LineTrackCameraNode(name, setup, track, world, context, motors, $"{config.Field}.pwm", 1.0 / rateHz, settle, placed);
    }

    /// <summary>Finds the motor channels the sink opened and places the robot at its start.</summary>
    public override void Start()
    {
        var opener = PwmChannelOpener.For(_context);
        var channels = new PwmChannel[2];
        for (int i = 0; i < 2; i++)
            channels[i] = opener.Opened(_motors[i])
                ?? throw new InvalidOperationException($"{_pwmField}[{i}]: no motor sink opened pwm '{_motors[i].Name}': connect a 'motor' node driving it");
        var robot = _setup.NewRobot(_track, channels[0], PwmOutputs.Motor(_motors[0]).Calibration, channels[1], PwmOutputs.Motor(_motors[1]).Calibration);
        // The camera disposes the rendered floor with itself; the application disposes both (twice is harmless).
        _camera = _context.Own(new TrackCamera(_track, _world, robot, _setup.View, _periodS));
    }

    /// <inheritdoc/>
    public void OnTick(long tick)
    {
        // Placed poses: the robot is put, not driven.
        if (_placedPoses == 0) _camera?.OnTick(tick);
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        if (_camera is null) return CaptureStatus.Failed;
        FrameBuffer slot = Image.Payload.Frame;
        if (_placedPoses > 0) _camera.PlaceAt(_captures++, _placedPoses);
        CaptureStatus status = _camera.Capture(slot);
        long now = _clock.NowNs();
        slot.CaptureNs = now;
        CaptureNs = now;
        Image.Payload.CaptureNs = now;
        return status;
    }

    /// <summary>The robot's distance from the centreline, cm.</summary>
    public float FrameMetric => _camera is null ? float.NaN : (float)Math.Abs(_camera.CrossTrackCm);

    /// <summary>The cross-track error (cm and camera px, after <c>settle_frames</c>) and the lap.</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var view = _setup.View;
        var cm = ReportBuilder.SummarizeDemoMetric(records, _settleFrames, out _);
        var px = ReportBuilder.SummarizeDemoMetric(records, _settleFrames, out _, view.PxPerCm);
        metrics.Add("cross_track_error_cm", cm);
        metrics.Add("cross_track_error_px", px);
        metrics.Add("settle_frames", (long)_settleFrames);
        metrics.Add("image_width_px", (long)view.WidthPx);
        double length = Math.Round(_track.Length, 1);
        metrics.Add("track_length_cm", length);
        var c = CultureInfo.InvariantCulture;
        if (_camera is null) return;
        var laps = _camera.Laps;
        double progress = Math.Round(100 * laps.ProgressCm / _track.Length, 1);
        metrics.Add("lap_completed", laps.LapCompleted);
        if (laps.LapCompleted) metrics.Add("lap_time_s", Math.Round(laps.LapTimeS, 3));
        metrics.Add("lap_progress_pct", progress);
        metrics.AddSummaryLine(cm is null
            ? "Cross-track error: none measured"
            : string.Create(c, $"Cross-track error p50 {cm.P50:0.00} cm, p95 {cm.P95:0.00} cm, max {cm.Max:0.00} cm ({px?.P50:0.0} / {px?.P95:0.0} / {px?.Max:0.0} px at the camera's scale)"));
        metrics.AddSummaryLine(laps.LapCompleted
            ? string.Create(c, $"Lap: completed in {Math.Round(laps.LapTimeS, 3):0.00} s of simulated time ({length:0} cm track; {progress:0}% of a lap driven in the run)")
            : string.Create(c, $"Lap: NOT completed ({progress:0}% of the {length:0} cm track driven)"));
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_camera is null) return;
        report.Add("odometer_cm", Math.Round(_camera.Plant.OdometerCm, 1));
        report.Add("laps_progress_cm", Math.Round(_camera.Laps.ProgressCm, 1));
    }
}
