using System;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Demos.Components;
using Realtime.Gpio;
using Realtime.Gpio.Components;
using Realtime.Models.Components;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The real line follower as the host builds it: sim.json's <c>demos.line-follower</c> graph of
/// components (the robot's downward camera rendered by OpenCV from its pose, RGBA preprocessing
/// straight into M-LSD tiny through ONNX Runtime, the segments decoder, Core's pure pursuit, two
/// motors behind System.Device.Gpio's PWM API driving the simulated robot), in-process and
/// single-stream, so simulated time advances one period per frame whatever the machine's speed.
/// </summary>
public sealed class LineFollowerPipelineTests
{
    /// <summary>The bound this demo promises on its test track: the robot's axle stays within it of the centreline all lap.</summary>
    public const double CrossTrackBoundCm = 4.0;

    private static readonly RealtimeHost Host = new RealtimeHost("test").AddDemos();

    internal static (BoardProfile, string) Load() => ProfileCatalog.Load("sim", null, DemoApplications.LineFollowerName, Host);

    internal static GraphApplicationInstance Build(int frames, int warmup)
    {
        var (profile, source) = Load();
        // Timing is not what these tests judge: a late frame's command is applied as if on time (misses
        // are counted, not acted on), so a loaded machine cannot steer the robot off its track.
        profile.Timing.BudgetsUs.Clear();
        profile.Timing.DeadlineUs = 100_000;
        profile.Watchdog.MissPolicy = "ignore";
        var app = Host.ApplicationFor(profile, source);
        Assert.Equal("line-follower", app.Name);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream },
        });
    }

    [Fact]
    public void TheSimProfileWiresTheLineFollowerAsAGraphFromItsDemosEntry()
    {
        var (p, _) = Load();
        Assert.Equal("line-follower", p.Demo);
        Assert.Equal(2, p.Pwm.Count);
        // Motor outputs carry no angles.
        Assert.False(p.Pwm[0].HasAngles);
        Assert.False(p.Pwm[1].HasAngles);
        // The deadline fits inside the period.
        Assert.True(p.Timing.DeadlineUs * p.Timing.RateHz <= 1e6);
        using var app = Build(1, 0);
        Assert.Equal("line-follower", app.Name);
        Assert.Equal("mlsd", Assert.Single(app.Models).Name);
        Assert.IsType<MotorSink>(app.Graph.Find("motors"));
        Assert.IsType<PurePursuit>(app.Graph.Find("steering"));
        var robot = Assert.IsType<LineTrackCameraNode>(app.Graph.Find("robot"));
        // A lap at cruise speed (with a quarter to spare) fits inside the default run.
        Assert.True(robot.Track.Length / PurePursuit.Defaults.CruiseCmPerS * 1.25 < (p.Timing.Frames + p.Timing.WarmupFrames) / p.Timing.RateHz,
            "a lap at cruise speed (with a quarter to spare) must fit the run");
    }

    [Fact]
    public void TheRobotDrivesALapWithinTheCrossTrackBoundAndStopsWhenShutDown()
    {
        var (p, _) = Load();
        using var app = Build(p.Timing.Frames, p.Timing.WarmupFrames);
        LoopOutcome outcome = LoopOutcome.Faulted;
        SimDemo.OnPipelineThread(() => outcome = app.Loop.Run());
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Null(app.Loop.Fault);

        var metrics = new ApplicationMetrics();
        app.FillMetrics(metrics, app.GraphLoop.Records);
        double trackLength = (double)metrics["track_length_cm"]!, lapTime = (double)metrics["lap_time_s"]!;
        double xteMax = (double)metrics["cross_track_error_cm"]!["max"]!, xtePxMax = (double)metrics["cross_track_error_px"]!["max"]!;
        int found = (int)metrics["frames_with_target"]!;
        double cruise = PurePursuit.Defaults.CruiseCmPerS;
        Assert.True((bool)metrics["lap_completed"]!, $"no lap: {metrics["lap_progress_pct"]}% driven");
        Assert.InRange(lapTime, 0.8 * trackLength / cruise, 1.5 * trackLength / cruise);
        Assert.True(xteMax < CrossTrackBoundCm, $"cross-track error reached {xteMax} cm");
        Assert.Equal(p.Timing.Frames, (int)metrics["cross_track_error_cm"]!["count"]!);
        Assert.True(found >= p.Timing.Frames * 95 / 100, $"line found in {found} of {p.Timing.Frames} frames");
        Assert.InRange(found, 0, p.Timing.Frames);
        Assert.Contains(metrics.SummaryLines, l => l.StartsWith($"Line: found in {found} of {p.Timing.Frames} frames", StringComparison.Ordinal));
        Assert.Contains(metrics.SummaryLines, l => l.StartsWith("Lap: completed in ", StringComparison.Ordinal));
        var robot = (LineTrackCameraNode)app.Graph.Find("robot")!;
        var view = robot.Setup.View;
        // The same error in camera pixels (each summary is rounded on its own).
        Assert.InRange(xtePxMax, (xteMax - 0.01) * view.PxPerCm, (xteMax + 0.01) * view.PxPerCm);
        if (Environment.GetEnvironmentVariable("RTAPP_DRAW_DIR") is { Length: > 0 } dir)
            System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "line-follower-metrics.txt"),
                $"xte cm {metrics["cross_track_error_cm"]!.ToJsonString()}; px max {xtePxMax}; lap {lapTime} s; found {found}; progress {metrics["lap_progress_pct"]}%");

        // The commands reached the robot through the PWM channels the motor sink opened; shutting the
        // outputs down (what the runner does at the end) stops both motors.
        var motors = ((MotorSink)app.Graph.Find("motors")!).Actuator;
        var left = (SimulatedPwmChannel)motors.PwmChannels[0];
        Assert.True(left.Writes >= p.Timing.Frames);
        Assert.NotEqual(motors.Calibrations[0].DutyCycleFor(0), left.DutyCycle);
        app.GraphLoop.ShutdownOutputs();
        Assert.Equal(motors.Calibrations[0].DutyCycleFor(0), left.DutyCycle, 9);
        Assert.Equal(motors.Calibrations[1].DutyCycleFor(0), motors.PwmChannels[1].DutyCycle, 9);
        Assert.Equal(0, app.Loop.Applied.Values[0]);
        Assert.True(robot.Camera!.Plant.OdometerCm >= trackLength);
    }

    [Fact]
    public void AThousandFramesAfterWarmupAllocateNothingAndCollectNothing()
    {
        const int warmup = 20, frames = 1000;
        using var app = Build(frames, warmup);
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(app.Loop, warmup, frames);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(warmup + frames, app.GraphLoop.FramesRun);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // It really ran: a thousand frames at 10 Hz is 100 s, about three laps.
        var robot = (LineTrackCameraNode)app.Graph.Find("robot")!;
        Assert.True(robot.Camera!.Laps.ProgressCm > 2 * robot.Track.Length, $"progress {robot.Camera.Laps.ProgressCm} cm");
    }

    [Fact]
    public void TheMotorsAreStoppedBeforeTheModelLoads()
    {
        // The graph declares its motors first: when the model node is created (ONNX Runtime loads
        // M-LSD), both motor channels are already open at stop. The real components, with the model's
        // factory watched.
        var (profile, source) = Load();
        bool checkedAtLoad = false;
        var watched = new ComponentRegistry().AddCoreComponents().AddGpioComponents().AddModelsComponents().AddDemoComponents()
            .Register("onnx-model", (name, config, context) =>
            {
                var opener = PwmChannelOpener.For(context);
                for (int i = 0; i < 2; i++)
                {
                    var channel = opener.Opened(context.Board.Pwm[i]);
                    Assert.NotNull(channel);
                    Assert.Equal(PwmOutputs.Motor(context.Board.Pwm[i]).Calibration.DutyCycleFor(0), channel!.DutyCycle, 9);
                }
                checkedAtLoad = true;
                return OnnxModelNode.Create(name, config, context);
            });
        using var context = new ComponentContext(profile, source) { AssetsDirectory = TestAssets.Dir };
        AppGraph graph = watched.Build(profile.App!, context);
        Assert.True(checkedAtLoad);
        Assert.Single(graph.Sinks);
    }
}
