using System;
using System.Globalization;
using System.Collections.Generic;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Onnx;
using Realtime.Sim;

namespace Realtime.Demos;

/// <summary>
/// The line follower wired from a profile: a camera looking down at the floor ahead of a
/// differential-drive robot (rendered by OpenCV from the robot's pose on the simulated track) →
/// RGBA preprocessing → M-LSD → segment decoder → pure-pursuit steering → two drive motors on PWM,
/// whose duty cycles the simulated robot reads back. Owns every part; dispose it to release them.
/// </summary>
public sealed class LineFollowerDemo : DemoBase
{
    /// <summary>The demo's name.</summary>
    public const string DemoName = "line-follower";


    private LineFollowerDemo(DemoWiring wiring) : base(wiring) { }

    /// <inheritdoc/>
    public override string Name => DemoName;
    /// <summary>The loop.</summary>
    public ClosedLoop<LineSegments> Loop { get; private set; } = null!;
    /// <inheritdoc/>
    protected override IClosedLoop UntypedLoop => Loop;
    /// <summary>Track, robot, camera, preprocessing, decoder and motors.</summary>
    public LineFollowerRig Rig { get; private set; } = null!;
    /// <summary>The steering.</summary>
    public LineSteering Steering { get; private set; } = null!;
    /// <summary>The per-frame cross-track figure, with whether the line was found.</summary>
    public LineFollowerMetric Metric { get; private set; } = null!;
    /// <inheritdoc/>
    public override int SettleFrames => Profile.LineFollower?.SettleFrames ?? 0;
    /// <inheritdoc/>
    public override ActuatorCommand SafeCommand => Rig.Motors.SafeCommand;

    /// <inheritdoc/>
    public override void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        var cm = ReportBuilder.SummarizeDemoMetric(records, SettleFrames, out _);
        var px = ReportBuilder.SummarizeDemoMetric(records, SettleFrames, out _, Rig.View.PxPerCm);
        metrics.Add("cross_track_error_cm", cm);
        metrics.Add("cross_track_error_px", px);
        int warm = 0, found = 0, measured = 0;
        while (warm < records.Length && (records[warm].Flags & FrameFlags.Warmup) != 0) warm++;
        for (int i = 0; i < records.Length; i++)
        {
            if (float.IsNaN(records[i].DemoMetric)) continue;
            // Measure ran once per frame with a value, in order: its flags line up with these records.
            bool lineFound = Metric.LineFound(measured++);
            if (i >= warm && (records[i].Flags & FrameFlags.SourceFault) == 0 && lineFound) found++;
        }
        metrics.Add("frames_with_target", (long)found);
        metrics.Add("settle_frames", (long)SettleFrames);
        metrics.Add("image_width_px", (long)Rig.View.WidthPx);
        var laps = Rig.Camera.Laps;
        double progress = Math.Round(100 * laps.ProgressCm / Rig.Track.Length, 1), length = Math.Round(Rig.Track.Length, 1);
        metrics.Add("lap_completed", laps.LapCompleted);
        if (laps.LapCompleted) metrics.Add("lap_time_s", Math.Round(laps.LapTimeS, 3));
        metrics.Add("lap_progress_pct", progress);
        metrics.Add("track_length_cm", length);
        var c = CultureInfo.InvariantCulture;
        int counted = records.Length - warm;
        if (cm is null)
            metrics.AddSummaryLine(string.Create(c, $"Line: found in {found} of {counted} frames: no cross-track error to report"));
        else
        {
            metrics.AddSummaryLine(string.Create(c, $"Line: found in {found} of {counted} frames; cross-track error p50 {cm.P50:0.00} cm, p95 {cm.P95:0.00} cm, max {cm.Max:0.00} cm ({px?.P50:0.0} / {px?.P95:0.0} / {px?.Max:0.0} px at the camera's scale)"));
            metrics.AddSummaryLine(laps.LapCompleted
                ? string.Create(c, $"Lap: completed in {Math.Round(laps.LapTimeS, 3):0.00} s of simulated time ({length:0} cm track; {progress:0}% of a lap driven in the run)")
                : string.Create(c, $"Lap: NOT completed ({progress:0}% of the {length:0} cm track driven)"));
        }
    }

    /// <summary>
    /// Wires the demo. Every problem with what the profile points at (a missing or corrupt model, a
    /// model whose input does not fit) is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static LineFollowerDemo Build(BoardProfile profile, string profileSource, string? assetsDir, IPeriodicWaiter? waiter, RunOverrides? overrides = null)
    {
        return Wired(new LineFollowerDemo(new DemoWiring(profile, profileSource, assetsDir, overrides)), waiter);
    }

    /// <inheritdoc/>
    protected override void Wire(IPeriodicWaiter? waiter)
    {
        var p = Profile;
        var m = p.Model;
        var w = Wiring;
        var l = p.LineFollower ?? throw w.Problem("line_follower", "the line follower needs its track, robot and steering settings");
        if (p.Camera.Kind != "sim-track")
            throw w.Problem("camera.kind", $"camera kind '{p.Camera.Kind}' cannot run the line follower in this build: only the rendered track (sim-track) is wired");
        if (p.Pwm.Count != 2) throw w.Problem("pwm", $"the line follower needs two PWM outputs (left motor, right motor), got {p.Pwm.Count}");
        if (p.Camera.Width != p.Camera.Height)
            throw w.Problem("camera.height", $"the line follower's camera is square (it looks straight down at a square of floor): width {p.Camera.Width}, height {p.Camera.Height}");
        // Outputs first: both motors stopped (their safe state) and the runner's watchdog armed before the model loads.
        var motors = DemoOutputs.Motors(w);
        var motorOutputs = Own(DemoOutputs.OpenMotors(w));
        w.OutputsAreSafe(motorOutputs);
        ModelPath = w.RequireModel();
        Engine = w.LoadModel(settings => OnnxInferenceEngine.Load(ModelPath, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 4 }, settings),
            "model.input_width", $"model.input_width {m.InputWidth}, model.input_height {m.InputHeight}; M-LSD takes [1, H, W, 4]");
        Own(Engine);
        if (m.InputWidth != m.InputHeight) throw w.Problem("model.input_height", $"M-LSD's input is square, got {m.InputWidth}x{m.InputHeight}");

        var setup = new LineFollowerSetup
        {
            ImagePx = p.Camera.Width,
            ViewWidthCm = l.ViewWidthCm,
            ViewNearCm = l.ViewNearCm,
            TrackWidthCm = l.TrackWidthCm,
            TrackHeightCm = l.TrackHeightCm,
            CornerRadiusCm = l.CornerRadiusCm,
            LineWidthCm = l.LineWidthCm,
            WheelBaseCm = l.WheelBaseCm,
            MaxWheelCmPerS = l.MaxWheelCmPerS,
            MotorTimeConstantS = l.MotorTimeConstantS,
            StartOffsetCm = l.StartOffsetCm,
            StartHeadingDeg = l.StartHeadingDeg,
            CruiseCmPerS = l.CruiseCmPerS,
            LookaheadCm = l.LookaheadCm,
            GateCm = l.GateCm,
            MergeCm = l.MergeCm,
            HoldFrames = l.HoldFrames,
            ScoreThreshold = m.ScoreThreshold,
            MinSegmentPx = l.MinSegmentPx,
            Motors = motors,
        };
        try
        {
            Rig = new LineFollowerRig(setup, Engine, m.InputWidth, 1.0 / p.Timing.RateHz, motorOutputs);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DllNotFoundException or TypeInitializationException)
        {
            // OpenCV's native library did not load (no GTK 3, or no OpenCV build for this architecture).
            throw w.Problem("camera.kind", ex.Message);
        }
        Own(Rig);
        Steering = Rig.NewController();
        var options = w.LoopOptions();
        Metric = new LineFollowerMetric(Rig.Camera, Steering, options.WarmupFrames + options.Frames);
        Loop = new ClosedLoop<LineSegments>(options, Rig.Camera, Rig.Preprocessor, Engine, Rig.Decoder, Steering, Rig.Motors, w.NewWatchdog(),
            waiter, Metric, Rig.Camera, new ReturnToSafe<LineSegments>(Rig.Motors.SafeCommand, p.Watchdog.FallbackStep), w.Overrides.Faults);
    }

}

/// <summary>
/// The line follower's per-frame figure: the robot's distance from the centreline, cm; beside it,
/// in a preallocated list, whether the steering found the line that frame.
/// </summary>
public sealed class LineFollowerMetric : IDemoMetric<LineSegments>
{
    private readonly TrackCamera _camera;
    private readonly LineSteering _steering;
    private readonly bool[] _found;
    private int _count;

    /// <summary>Room for <paramref name="capacity"/> frames.</summary>
    public LineFollowerMetric(TrackCamera camera, LineSteering steering, int capacity)
    {
        _camera = camera;
        _steering = steering;
        _found = new bool[Math.Max(1, capacity)];
    }

    /// <summary>Whether the steering found the line in the <paramref name="index"/>-th measured frame.</summary>
    public bool LineFound(int index) => index >= 0 && index < _count && index < _found.Length && _found[index];

    /// <inheritdoc/>
    public float Measure(in LineSegments observation, FrameBuffer frame)
    {
        if (_count < _found.Length) _found[_count] = _steering.Last.Found;
        _count++;
        return (float)Math.Abs(_camera.CrossTrackCm);
    }
}
