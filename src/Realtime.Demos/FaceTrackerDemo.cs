using System;
using System.Globalization;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Gpio.ServoBoards;
using Realtime.Linux.V4l2;
using Realtime.Models;
using Realtime.Onnx;
using Realtime.Sim;
using Realtime.Vision;

namespace Realtime.Demos;

/// <summary>
/// The face tracker wired from a profile: camera → letterbox preprocessing → BlazeFace →
/// decoder → pan/tilt PID → servos on PWM. Owns every part; dispose it to release them.
/// </summary>
public sealed class FaceTrackerDemo : DemoBase
{
    /// <summary>The demo's name.</summary>
    public const string DemoName = "face-tracker";


    private FaceTrackerDemo(DemoWiring wiring) : base(wiring) { }

    /// <inheritdoc/>
    public override string Name => DemoName;
    /// <summary>The loop.</summary>
    public ClosedLoop<FaceDetection> Loop { get; private set; } = null!;
    /// <inheritdoc/>
    protected override IClosedLoop UntypedLoop => Loop;
    /// <summary>The servos.</summary>
    public ServoActuator Servos { get; private set; } = null!;
    /// <summary>The simulated camera (sim boards).</summary>
    public PanTiltCamera? SimCamera { get; private set; }
    /// <summary>The V4L2 camera (<c>camera.kind</c> v4l2).</summary>
    public V4l2Capture? V4l2Camera { get; private set; }
    /// <summary>The camera the loop reads, whichever kind.</summary>
    public IFrameSource Camera { get; private set; } = null!;
    /// <summary>The preprocessing pass.</summary>
    public LetterboxPreprocessor Preprocessor { get; private set; } = null!;
    /// <summary>The decoder.</summary>
    public BlazeFaceDecoder Decoder { get; private set; } = null!;
    /// <summary>Frames the tracking error leaves out while the loop settles.</summary>
    public override int SettleFrames => Profile.Plant?.SettleFrames ?? 0;
    /// <inheritdoc/>
    public override ActuatorCommand SafeCommand => Servos.SafeCommand;

    /// <inheritdoc/>
    public override void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        var e = ReportBuilder.SummarizeDemoMetric(records, SettleFrames, out int withFace);
        int width = Profile.Camera.Width;
        metrics.Add("tracking_error_px", e);
        metrics.Add("frames_with_target", (long)withFace);
        metrics.Add("settle_frames", (long)SettleFrames);
        metrics.Add("image_width_px", (long)width);
        var c = CultureInfo.InvariantCulture;
        int counted = 0;
        foreach (ref readonly var r in records) if ((r.Flags & FrameFlags.Warmup) == 0) counted++;
        if (e is not null)
            metrics.AddSummaryLine(string.Create(c, $"Tracking: face found in {withFace} of {counted} frames; error from centre after {SettleFrames} settle frames: p50 {e.P50:0.0} px, p95 {e.P95:0.0} px, max {e.Max:0.0} px (image {width} px wide)"));
        else
            // No value is not zero error: say there was nothing to track.
            metrics.AddSummaryLine(withFace == 0
                ? string.Create(c, $"Tracking: no face in view in any of {counted} frames: no tracking error to report")
                : string.Create(c, $"Tracking: face found in {withFace} of {counted} frames, none after the {SettleFrames} settle frames: no tracking error to report"));
        if (V4l2Camera is { } cam)
        {
            metrics.Add("camera_frames_captured", cam.Dequeued);
            metrics.Add("camera_frames_dropped", cam.Dropped);
            metrics.Add("camera_driver_dropped", cam.DriverDropped);
            metrics.Add("camera_error_frames", cam.ErrorFrames);
            metrics.Add("camera_kernel_timestamps", cam.KernelTimestamps);
            metrics.Add("camera_capture_thread_bytes", cam.CaptureThreadAllocatedBytes);
            metrics.AddSummaryLine(string.Create(c, $"Camera (V4L2): {cam.Dequeued} frames captured, {cam.Dropped} replaced by a newer one before the loop took them, {cam.DriverDropped} lost by the driver, {cam.ErrorFrames} corrupt; capture times from {(cam.KernelTimestamps ? "the kernel's buffer timestamps" : "dequeue (the driver gives no monotonic timestamps)")}"));
        }
    }

    /// <summary>
    /// Wires the demo. Every problem with what the profile points at (a missing or corrupt model or
    /// video, a model whose input does not fit) is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static FaceTrackerDemo Build(BoardProfile profile, string profileSource, string? assetsDir, IPeriodicWaiter? waiter, RunOverrides? overrides = null)
    {
        return Wired(new FaceTrackerDemo(new DemoWiring(profile, profileSource, assetsDir, overrides)), waiter);
    }

    /// <inheritdoc/>
    protected override void Wire(IPeriodicWaiter? waiter)
    {
        var p = Profile;
        var m = p.Model;
        var w = Wiring;
        // A missing or unsuitable camera is found first: probing it opens and asks the node, touching
        // nothing else, so the board's first problem is the one reported.
        bool v4l2 = p.Camera.Kind == "v4l2";
        if (v4l2) V4l2CameraWiring.Probe(w);
        // Then the outputs: the servos go to their safe angles within milliseconds of start and the
        // runner arms its watchdog, before the model (most of start-up) loads. A problem found
        // after this point disposes them with the demo, at their safe values.
        Servos = DemoOutputs.OpenServos(w);
        Own(Servos);
        w.OutputsAreSafe(Servos);
        ModelPath = w.RequireModel();

        string? videoPath = v4l2 ? null : w.RequireAsset(p.Camera.Video!, "camera.video", "video file");

        // Cold start: OpenCV's library load and the video open run beside the model load.
        var worldTask = v4l2 ? null : System.Threading.Tasks.Task.Run(() => new VideoFileReader(videoPath!));
        try
        {
            Engine = w.LoadModel(settings => OnnxInferenceEngine.Load(ModelPath, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 3 }, settings),
                "model.input_width", $"model.input_width {m.InputWidth}, model.input_height {m.InputHeight}");
        }
        catch
        {
            if (worldTask is not null) DisposeWhenDone(worldTask);
            throw;
        }
        Own(Engine);
        // A model whose outputs do not fit the decoder's anchors is refused here, before the camera streams.
        Preprocessor = new LetterboxPreprocessor(p.Camera.Width, p.Camera.Height, m.InputWidth, m.InputHeight);
        Decoder = NewDecoder(Engine, Preprocessor, p, ModelPath, out string? mismatch) ?? throw w.Problem("model.path", mismatch!);

        if (v4l2)
        {
            // Streaming starts only now, with everything else ready to take frames.
            V4l2Camera = V4l2CameraWiring.Open(w);
            Own(V4l2Camera);
            Camera = V4l2Camera;
        }
        else Camera = OpenSimCamera(worldTask!);

        var options = w.LoopOptions();
        _waiter = waiter;
        Loop = new ClosedLoop<FaceDetection>(options, Camera, Preprocessor, Engine, Decoder, NewController(), Servos, Wiring.NewWatchdog(),
            waiter, new CenteringError(), SimCamera, NewFallback(), Wiring.Overrides.Faults);
    }

    /// <summary>The decoder for <paramref name="engine"/>'s outputs, or null with the reason when they do not fit its anchors.</summary>
    private static BlazeFaceDecoder? NewDecoder(IInferenceEngine engine, LetterboxPreprocessor geometry, BoardProfile p, string modelPath, out string? mismatch)
    {
        try
        {
            mismatch = null;
            return new BlazeFaceDecoder(engine, geometry, p.Model.InputWidth, (float)p.Model.ScoreThreshold);
        }
        catch (ArgumentException ex)
        {
            int anchors = BlazeFaceDecoder.Anchors(p.Model.InputWidth).X.Length;
            mismatch = $"{Path.GetFileName(modelPath)} does not fit the face tracker's BlazeFace decoder: {ex.Message} " +
                $"(expected a BlazeFace front model: outputs Identity:0..Identity_3:0 with {anchors} anchors at {p.Model.InputWidth}×{p.Model.InputHeight})";
            return null;
        }
    }

    /// <summary>
    /// Loads the profile's model as a run would and says whether the face tracker can use it: null
    /// when it can, else the problem ("model.input_width: …" or "model.path: …"). For <c>rtapp check</c>.
    /// </summary>
    public static string? ModelProblem(BoardProfile p, string modelPath)
    {
        var m = p.Model;
        OnnxInferenceEngine engine;
        try
        {
            engine = OnnxInferenceEngine.Load(modelPath, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 3 });
        }
        catch (ModelShapeException ex)
        {
            return $"model.input_width: {ex.Message}";
        }
        catch (InvalidDataException ex)
        {
            return $"model.path: {ex.Message}";
        }
        using (engine)
        {
            var geometry = new LetterboxPreprocessor(p.Camera.Width, p.Camera.Height, m.InputWidth, m.InputHeight);
            return NewDecoder(engine, geometry, p, modelPath, out string? mismatch) is null ? $"model.path: {mismatch}" : null;
        }
    }

    private PanTiltCamera OpenSimCamera(System.Threading.Tasks.Task<VideoFileReader> worldTask)
    {
        var p = Profile;
        var w = Wiring;
        double period = 1.0 / p.Timing.RateHz;
        VideoFileReader world;
        try
        {
            world = worldTask.GetAwaiter().GetResult();
        }
        catch (InvalidDataException ex)
        {
            throw w.Problem("camera.video", ex.Message);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DllNotFoundException or TypeInitializationException)
        {
            // OpenCV's native library did not load (no GTK 3, or no OpenCV build for this architecture).
            throw w.Problem("camera.video", ex.Message);
        }
        var plant = new PanTiltPlant(Servos.PwmChannels[0], Servos.Calibrations[0], Servos.PwmChannels[1], Servos.Calibrations[1],
            p.Plant!.ServoRateDegPerS, p.Plant.StartPanDeg, p.Plant.StartTiltDeg);
        try
        {
            SimCamera = new PanTiltCamera(world, plant, p.Camera.Width, p.Camera.Height, p.Camera.HfovDeg, period, p.Plant.WorldScale);
        }
        catch (ArgumentException ex)
        {
            world.Dispose();
            throw w.Problem("camera.width", ex.Message);
        }
        Own(SimCamera);
        return SimCamera;
    }

    private IPeriodicWaiter? _waiter;

    private ReturnToSafe<FaceDetection> NewFallback() => new(Servos.SafeCommand, Profile.Watchdog.FallbackStep);

    private PanTiltTracker NewController()
    {
        var p = Profile;
        var k = p.Controller;
        return new PanTiltTracker(new PidGains(k.Kp, k.Ki, k.Kd, 100, k.MaxStepDeg), p.Camera.HfovDeg, p.Camera.Width, p.Camera.Height, 1.0 / p.Timing.RateHz,
            (p.Pwm[0].MinAngleDeg, p.Pwm[0].MaxAngleDeg), (p.Pwm[1].MinAngleDeg, p.Pwm[1].MaxAngleDeg));
    }

    /// <summary>
    /// Wires another loop over this demo's camera, decoder and outputs, with the same settings but
    /// another inference engine and, optionally, other preprocessing — to set a different way of
    /// running the model beside this one (the bench's naive loop). It gets its own controller and
    /// watchdog. Run it instead of <see cref="Loop"/>, never both: they share the camera and outputs.
    /// The engine must bind the model's outputs in <see cref="DemoBase.Engine"/>'s order.
    /// </summary>
    public ClosedLoop<FaceDetection> CreateLoop(IInferenceEngine engine, IPreprocessor? preprocessor = null, bool? measureFloor = null)
    {
        var options = Loop.Options with { MeasureFloor = measureFloor ?? Loop.Options.MeasureFloor };
        return new ClosedLoop<FaceDetection>(options, Camera, preprocessor ?? Preprocessor, engine, Decoder, NewController(), Servos, Wiring.NewWatchdog(),
            _waiter, new CenteringError(), SimCamera, NewFallback(), Wiring.Overrides.Faults);
    }

    private static void DisposeWhenDone(System.Threading.Tasks.Task<VideoFileReader> task)
    {
        try { task.GetAwaiter().GetResult().Dispose(); }
        catch (Exception) { /* the model error is the one to report */ }
    }

}
