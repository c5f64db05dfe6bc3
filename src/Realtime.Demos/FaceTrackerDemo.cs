using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Onnx;
using Realtime.Sim;
using Realtime.Vision;

namespace Realtime.Demos;

/// <summary>Overrides of the profile from the command line or a test.</summary>
public sealed class RunOverrides
{
    /// <summary>Counted frames (null: the profile's).</summary>
    public int? Frames { get; init; }
    /// <summary>Warm-up frames (null: the profile's).</summary>
    public int? WarmupFrames { get; init; }
    /// <summary>Scenario (null: periodic).</summary>
    public LoopScenario? Scenario { get; init; }
    /// <summary>Measure the model-alone floor after each frame.</summary>
    public bool MeasureFloor { get; init; } = true;
    /// <summary>Faults to inject (tests and demos of the watchdog).</summary>
    public FaultPlan? Faults { get; init; }
    /// <summary>Turn on ONNX Runtime's profiler, its trace file named with this prefix (null: off).</summary>
    public string? ProfilePathPrefix { get; init; }
    /// <summary>Load the model's saved optimized form from this folder, saving it there first when missing (null: optimize at load).</summary>
    public string? OptimizedModelCacheDir { get; init; }
    /// <summary>The format of the saved optimized model.</summary>
    public SavedModelFormat OptimizedModelFormat { get; init; } = SavedModelFormat.Onnx;
}

/// <summary>
/// The face tracker wired from a profile: camera → letterbox preprocessing → BlazeFace →
/// decoder → pan/tilt PID → servos on PWM. Owns every part; dispose it to release them.
/// </summary>
public sealed class FaceTrackerDemo : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    private FaceTrackerDemo(BoardProfile profile, string source)
    {
        Profile = profile;
        ProfileSource = source;
    }

    /// <summary>The profile.</summary>
    public BoardProfile Profile { get; }
    /// <summary>Where the profile came from.</summary>
    public string ProfileSource { get; }
    /// <summary>The model file used.</summary>
    public string ModelPath { get; private set; } = "";
    /// <summary>The loop.</summary>
    public ClosedLoop<FaceDetection> Loop { get; private set; } = null!;
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

    /// <summary>
    /// Wires the demo. Every problem with what the profile points at (a missing or corrupt model or
    /// video, a model whose input does not fit) is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static FaceTrackerDemo Build(BoardProfile profile, string profileSource, string? assetsDir, IPeriodicWaiter? waiter, RunOverrides? overrides = null)
    {
        overrides ??= new RunOverrides();
        var demo = new FaceTrackerDemo(profile, profileSource);
        try
        {
            demo.Wire(assetsDir, waiter, overrides);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    private ProfileException Problem(string field, string message) => new(ProfileSource, new[] { $"{field}: {message}" });

    private string RequireAsset(string? assetsDir, string relative, string field, string what)
    {
        string path = AssetLocator.Resolve(assetsDir, relative);
        if (!File.Exists(path))
        {
            string where = assetsDir is null ? "no assets folder was found (use --assets DIR or RTAPP_ASSETS)" : $"assets folder {assetsDir}";
            throw Problem(field, $"{what} not found: {path} ({where}; ./scripts/fetch-assets.sh fetches it)");
        }
        return path;
    }

    private void Wire(string? assetsDir, IPeriodicWaiter? waiter, RunOverrides overrides)
    {
        var p = Profile;
        var m = p.Model;
        ModelPath = RequireAsset(assetsDir, m.Path, "model.path", "model file");
        if (m.Sha256 is not null && ModelFile.Mismatch(ModelPath, m.Sha256) is string mismatch) throw Problem("model.sha256", mismatch);

        string? videoPath = null;
        if (p.Camera.Kind == "sim-video") videoPath = RequireAsset(assetsDir, p.Camera.Video!, "camera.video", "video file");
        else throw Problem("camera.kind", $"camera kind '{p.Camera.Kind}' cannot run in this build: only the simulated camera (sim-video) is wired so far");

        // Cold start: OpenCV's library load and the video open run beside the model load.
        var worldTask = System.Threading.Tasks.Task.Run(() => new VideoFileReader(videoPath));
        try
        {
            Engine = OnnxInferenceEngine.Load(ModelPath, m.Input, new long[] { 1, m.InputHeight, m.InputWidth, 3 },
                new OnnxSessionSettings
                {
                    IntraOpThreads = m.IntraOpThreads,
                    // ORT pins its intra-op threads (one entry per thread beyond the caller) to the profile's cores.
                    IntraOpThreadAffinities = m.IntraOpThreads > 1 && p.Threads.InferenceCores.Count > 0
                        ? string.Join(";", IntraOpAffinity(p.Threads.InferenceCores, m.IntraOpThreads - 1)) : null,
                    ProfilePathPrefix = overrides.ProfilePathPrefix,
                    OptimizedModelCacheDir = overrides.OptimizedModelCacheDir,
                    OptimizedModelFormat = overrides.OptimizedModelFormat,
                });
        }
        catch (ModelShapeException ex)
        {
            DisposeWhenDone(worldTask);
            throw Problem("model.input_width", $"{ex.Message} (model.input_width {m.InputWidth}, model.input_height {m.InputHeight})");
        }
        catch (InvalidDataException ex)
        {
            DisposeWhenDone(worldTask);
            throw Problem("model.path", ex.Message);
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
            throw Problem("camera.video", ex.Message);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DllNotFoundException or TypeInitializationException)
        {
            // OpenCV's native library did not load (no GTK 3, or no OpenCV build for this architecture).
            throw Problem("camera.video", ex.Message);
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
            throw Problem("camera.width", ex.Message);
        }
        _owned.Add(SimCamera);

        Preprocessor = new LetterboxPreprocessor(p.Camera.Width, p.Camera.Height, m.InputWidth, m.InputHeight);
        Decoder = new BlazeFaceDecoder(Engine, Preprocessor, m.InputWidth, (float)m.ScoreThreshold);
        var budgets = new long[6];
        for (int s = 0; s < ProfileLoader.StageNames.Length; s++)
            if (p.Timing.BudgetsUs.TryGetValue(ProfileLoader.StageNames[s], out long us)) budgets[s] = us * 1000;
        var options = new ClosedLoopOptions
        {
            Frames = overrides.Frames ?? p.Timing.Frames,
            WarmupFrames = overrides.WarmupFrames ?? p.Timing.WarmupFrames,
            PeriodNs = (long)Math.Round(1e9 / p.Timing.RateHz),
            DeadlineNs = p.Timing.DeadlineUs * 1000,
            StageBudgetsNs = budgets,
            FlatFramesForFault = p.Watchdog.FlatFramesForFault,
            Scenario = overrides.Scenario ?? LoopScenario.Periodic,
            MeasureFloor = overrides.MeasureFloor,
        };
        _waiter = waiter;
        _faults = overrides.Faults;
        Loop = new ClosedLoop<FaceDetection>(options, SimCamera, Preprocessor, Engine, Decoder, NewController(), Servos, NewWatchdog(),
            waiter, new CenteringError(), SimCamera, NewFallback(), _faults);
    }

    /// <summary>ORT's affinity strings are 1-based core numbers, one per extra thread, cycling through the profile's cores.</summary>
    private static string[] IntraOpAffinity(List<int> cores, int threads)
    {
        var list = new string[threads];
        for (int i = 0; i < threads; i++) list[i] = (cores[i % cores.Count] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return list;
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

    private LoopWatchdog NewWatchdog()
    {
        var w = Profile.Watchdog;
        return new LoopWatchdog(
            LoopWatchdog.ParseAction(w.MissPolicy)!.Value,
            LoopWatchdog.ParseAction(w.OnStageOverrun)!.Value,
            LoopWatchdog.ParseAction(w.OnStall)!.Value,
            LoopWatchdog.ParseAction(w.OnSourceFailure)!.Value,
            w.SafeAfterConsecutiveMisses, w.RecoverAfterGoodFrames);
    }

    /// <summary>
    /// Wires another loop over this demo's camera, decoder and outputs, with the same settings but
    /// another inference engine and, optionally, other preprocessing — to set a different way of
    /// running the model beside this one (the bench's naive loop). It gets its own controller and
    /// watchdog. Run it instead of <see cref="Loop"/>, never both: they share the camera and outputs.
    /// The engine must bind the model's outputs in <see cref="Engine"/>'s order.
    /// </summary>
    public ClosedLoop<FaceDetection> CreateLoop(IInferenceEngine engine, IPreprocessor? preprocessor = null, bool? measureFloor = null)
    {
        var o = Loop.Options;
        var options = new ClosedLoopOptions
        {
            Frames = o.Frames,
            WarmupFrames = o.WarmupFrames,
            PeriodNs = o.PeriodNs,
            DeadlineNs = o.DeadlineNs,
            StageBudgetsNs = o.StageBudgetsNs,
            FlatFramesForFault = o.FlatFramesForFault,
            Scenario = o.Scenario,
            MeasureFloor = measureFloor ?? o.MeasureFloor,
        };
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
