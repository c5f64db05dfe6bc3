using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Onnx;
using Realtime.Sim;
using Realtime.Vision;

namespace Realtime.Demos;

/// <summary>
/// The face tracker wired from a profile: camera → letterbox preprocessing → BlazeFace →
/// decoder → pan/tilt PID → servos on PWM. Owns every part; dispose it to release them.
/// </summary>
public sealed class FaceTrackerDemo : IDemo
{
    /// <summary>The demo's name.</summary>
    public const string DemoName = "face-tracker";

    private readonly List<IDisposable> _owned = new();
    private readonly DemoWiring _wiring;

    private FaceTrackerDemo(DemoWiring wiring)
    {
        _wiring = wiring;
        Profile = wiring.Profile;
        ProfileSource = wiring.ProfileSource;
    }

    /// <inheritdoc/>
    public string Name => DemoName;
    /// <summary>The profile.</summary>
    public BoardProfile Profile { get; }
    /// <summary>Where the profile came from.</summary>
    public string ProfileSource { get; }
    /// <summary>The model file used.</summary>
    public string ModelPath { get; private set; } = "";
    /// <summary>The loop.</summary>
    public ClosedLoop<FaceDetection> Loop { get; private set; } = null!;
    IClosedLoop IDemo.Loop => Loop;
    /// <summary>The bound model.</summary>
    public OnnxInferenceEngine Engine { get; private set; } = null!;
    /// <summary>The servos.</summary>
    public ServoActuator Servos { get; private set; } = null!;
    /// <summary>The simulated camera (sim boards).</summary>
    public PanTiltCamera? SimCamera { get; private set; }
    /// <summary>The preprocessing pass.</summary>
    public LetterboxPreprocessor Preprocessor { get; private set; } = null!;
    /// <summary>The decoder.</summary>
    public BlazeFaceDecoder Decoder { get; private set; } = null!;
    /// <summary>Frames the tracking error leaves out while the loop settles.</summary>
    public int SettleFrames => Profile.Plant?.SettleFrames ?? 0;
    /// <inheritdoc/>
    public ActuatorCommand SafeCommand => Servos.SafeCommand;

    /// <inheritdoc/>
    public void FillMetrics(DemoMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        metrics.TrackingErrorPx = ReportBuilder.SummarizeDemoMetric(records, SettleFrames, out int withFace);
        metrics.FramesWithTarget = withFace;
        metrics.SettleFrames = SettleFrames;
        metrics.ImageWidthPx = Profile.Camera.Width;
    }

    /// <summary>
    /// Wires the demo. Every problem with what the profile points at (a missing or corrupt model or
    /// video, a model whose input does not fit) is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static FaceTrackerDemo Build(BoardProfile profile, string profileSource, string? assetsDir, IPeriodicWaiter? waiter, RunOverrides? overrides = null)
    {
        var demo = new FaceTrackerDemo(new DemoWiring(profile, profileSource, assetsDir, overrides));
        try
        {
            demo.Wire(waiter);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    private void Wire(IPeriodicWaiter? waiter)
    {
        var p = Profile;
        var m = p.Model;
        var w = _wiring;
        ModelPath = w.RequireModel();

        string? videoPath = null;
        if (p.Camera.Kind == "sim-video") videoPath = w.RequireAsset(p.Camera.Video!, "camera.video", "video file");
        else throw w.Problem("camera.kind", $"camera kind '{p.Camera.Kind}' cannot run in this build: only the simulated camera (sim-video) is wired so far");

        // Cold start: OpenCV's library load and the video open run beside the model load.
        var worldTask = System.Threading.Tasks.Task.Run(() => new VideoFileReader(videoPath));
        try
        {
            Engine = w.LoadModel(settings => OnnxInferenceEngine.Load(ModelPath, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 3 }, settings),
                "model.input_width", $"model.input_width {m.InputWidth}, model.input_height {m.InputHeight}");
        }
        catch
        {
            DisposeWhenDone(worldTask);
            throw;
        }
        _owned.Add(Engine);

        var outputs = new (int, int, ServoCalibration)[p.Pwm.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = p.Pwm[i];
            outputs[i] = (o.Chip, o.Channel, new ServoCalibration(o.FrequencyHz, o.MinPulseUs, o.MaxPulseUs, o.MinAngleDeg, o.MaxAngleDeg, o.SafeAngleDeg));
        }
        Servos = p.Simulated ? ServoActuator.OpenSimulated(outputs) : ServoActuator.OpenHardware(outputs);
        _owned.Add(Servos);

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
        _owned.Add(SimCamera);

        Preprocessor = new LetterboxPreprocessor(p.Camera.Width, p.Camera.Height, m.InputWidth, m.InputHeight);
        Decoder = new BlazeFaceDecoder(Engine, Preprocessor, m.InputWidth, (float)m.ScoreThreshold);
        var options = w.LoopOptions();
        _waiter = waiter;
        _faults = w.Overrides.Faults;
        Loop = new ClosedLoop<FaceDetection>(options, SimCamera, Preprocessor, Engine, Decoder, NewController(), Servos, NewWatchdog(),
            waiter, new CenteringError(), SimCamera, NewFallback(), _faults);
    }

    private IPeriodicWaiter? _waiter;
    private FaultPlan? _faults;

    private ReturnToSafe<FaceDetection> NewFallback() => new(Servos.SafeCommand, Profile.Watchdog.FallbackStep);

    private PanTiltTracker NewController()
    {
        var p = Profile;
        var k = p.Controller;
        return new PanTiltTracker(new PidGains(k.Kp, k.Ki, k.Kd, 100, k.MaxStepDeg), p.Camera.HfovDeg, p.Camera.Width, p.Camera.Height, 1.0 / p.Timing.RateHz,
            (p.Pwm[0].MinAngleDeg, p.Pwm[0].MaxAngleDeg), (p.Pwm[1].MinAngleDeg, p.Pwm[1].MaxAngleDeg));
    }

    private LoopWatchdog NewWatchdog() => _wiring.NewWatchdog();

    /// <summary>
    /// Wires another loop over this demo's camera, decoder and outputs, with the same settings but
    /// another inference engine and, optionally, other preprocessing — to set a different way of
    /// running the model beside this one (the bench's naive loop). It gets its own controller and
    /// watchdog. Run it instead of <see cref="Loop"/>, never both: they share the camera and outputs.
    /// The engine must bind the model's outputs in <see cref="Engine"/>'s order.
    /// </summary>
    public ClosedLoop<FaceDetection> CreateLoop(IInferenceEngine engine, IPreprocessor? preprocessor = null, bool? measureFloor = null)
    {
        var options = DemoWiring.WithFloor(Loop.Options, measureFloor ?? Loop.Options.MeasureFloor);
        return new ClosedLoop<FaceDetection>(options, SimCamera!, preprocessor ?? Preprocessor, engine, Decoder, NewController(), Servos, NewWatchdog(),
            _waiter, new CenteringError(), SimCamera, NewFallback(), _faults);
    }

    private static void DisposeWhenDone(System.Threading.Tasks.Task<VideoFileReader> task)
    {
        try { task.GetAwaiter().GetResult().Dispose(); }
        catch (Exception) { /* the model error is the one to report */ }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }
}
