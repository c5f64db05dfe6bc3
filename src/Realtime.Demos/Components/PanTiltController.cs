using System;
using System.Globalization;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;

namespace Realtime.Demos.Components;

/// <summary>
/// <c>pan-tilt</c>: the face tracker's controller. The best detection (in the camera image's
/// normalised coordinates: an <c>ssd-decoder</c> given <c>image_width</c>/<c>image_height</c>) is
/// kept at the image centre by a <see cref="PanTiltTracker"/>: the error in pixels of the
/// <c>image_width</c>×<c>image_height</c> image, turned into degrees with <c>hfov_deg</c>, one PID per
/// axis (<c>kp</c>, <c>ki</c>, <c>kd</c>, steps of at most <c>max_step_deg</c>) added to what is on the
/// servos, clamped to the angle ranges of the board's <c>pwm[]</c> entries named by <c>pwm</c> (pan,
/// tilt; default [0, 1]); no face holds the command. Its per-frame figure is the face's distance
/// from the image centre in pixels, and the report's tracking figures leave out the first
/// <c>settle_frames</c> counted frames (default 30).
/// </summary>
public sealed class PanTiltController : Node, IFrameMetric, IApplicationMetrics
{
    /// <summary>The largest gain taken (a sane one is below 10).</summary>
    public const double MaxGain = 100;

    private readonly PanTiltTracker _tracker;
    private readonly int _width, _height;
    private FaceDetection _observation;
    private float _metric = float.NaN;
    private long _updates, _withoutFace;

    /// <summary>A controller over <paramref name="tracker"/> for a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public PanTiltController(string name, PanTiltTracker tracker, int width, int height, int settleFrames) : base(name, NodeRole.Controller)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        _tracker = tracker;
        _width = width;
        _height = height;
        SettleFrames = settleFrames;
        _observation.FrameWidth = width;
        _observation.FrameHeight = height;
        Detections = Input<DetectionsPayload>("detections", PayloadType.Detections(0));
        Command = Output("command", new CommandPayload(2));
    }

    /// <summary>The detections, best first.</summary>
    public InputPort<DetectionsPayload> Detections { get; }
    /// <summary>Pan (channel 0) and tilt (channel 1), degrees.</summary>
    public OutputPort<CommandPayload> Command { get; }
    /// <summary>Counted frames the tracking figures leave out while the loop settles.</summary>
    public int SettleFrames { get; }
    /// <inheritdoc/>
    public float FrameMetric => _metric;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        BoardProfile board = context.Board;
        double kp = config.Number("kp", 0, MaxGain), ki = config.Number("ki", 0, MaxGain, 0), kd = config.Number("kd", 0, MaxGain, 0);
        double maxStep = config.Number("max_step_deg", 0.001, 360, 10);
        double hfov = config.Number("hfov_deg", 1, 179);
        int width = config.Integer("image_width", 1, 16_384), height = config.Integer("image_height", 1, 16_384);
        int settle = config.Integer("settle_frames", 0, ProfileLoader.MaxFrames, 30);
        int[] pwm = config.Has("pwm") ? config.Integers("pwm", 0, 1023, 2) : new[] { 0, 1 };
        if (config.Problems.Count == 0 && pwm.Length != 2) config.Problem("pwm", $"pan and tilt: two pwm[] indices, got {pwm.Length}");
        for (int i = 0; i < pwm.Length && config.Problems.Count == 0; i++)
            if (pwm[i] >= board.Pwm.Count) config.Problem($"pwm[{i}]", $"the board has {board.Pwm.Count} pwm outputs, got {pwm[i]}");
        if (config.Problems.Count > 0) return null!;
        PwmOutputProfile pan = board.Pwm[pwm[0]], tilt = board.Pwm[pwm[1]];
        var tracker = new PanTiltTracker(new PidGains(kp, ki, kd, 100, maxStep), hfov, width, height, 1.0 / context.LoopRateHz,
            (pan.MinAngleDeg, pan.MaxAngleDeg), (tilt.MinAngleDeg, tilt.MaxAngleDeg));
        return new PanTiltController(name, tracker, width, height, settle);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        DetectionsPayload d = Detections.Payload;
        CommandPayload c = Command.Payload;
        ref FaceDetection o = ref _observation;
        o.Count = d.Count;
        if (d.Count > 0)
        {
            ref readonly Detection best = ref d.Items[0];
            o.Best = new FaceBox { CenterX = best.CenterX * _width, CenterY = best.CenterY * _height, Width = best.Width * _width, Height = best.Height * _height, Score = best.Score };
            _metric = CenteringError.Of(o.Best.CenterX, o.Best.CenterY, _width, _height);
            _updates++;
        }
        else
        {
            _metric = float.NaN;
            _withoutFace++;
        }
        _tracker.Update(in o, in c.Applied, ref c.Next);
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("updates", _updates);
        report.Add("frames_without_face", _withoutFace);
    }

    /// <summary>The tracking figures, as the face tracker has always reported them.</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var e = ReportBuilder.SummarizeDemoMetric(records, SettleFrames, out int withFace);
        metrics.Add("tracking_error_px", e);
        metrics.Add("frames_with_target", (long)withFace);
        metrics.Add("settle_frames", (long)SettleFrames);
        metrics.Add("image_width_px", (long)_width);
        var c = CultureInfo.InvariantCulture;
        int counted = 0;
        foreach (ref readonly var r in records) if ((r.Flags & FrameFlags.Warmup) == 0) counted++;
        if (e is not null)
            metrics.AddSummaryLine(string.Create(c, $"Tracking: face found in {withFace} of {counted} frames; error from centre after {SettleFrames} settle frames: p50 {e.P50:0.0} px, p95 {e.P95:0.0} px, max {e.Max:0.0} px (image {_width} px wide)"));
        else
            // No value is not zero error: say there was nothing to track.
            metrics.AddSummaryLine(withFace == 0
                ? string.Create(c, $"Tracking: no face in view in any of {counted} frames: no tracking error to report")
                : string.Create(c, $"Tracking: face found in {withFace} of {counted} frames, none after the {SettleFrames} settle frames: no tracking error to report"));
    }
}
