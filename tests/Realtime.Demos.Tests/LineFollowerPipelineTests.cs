using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The real line-follower pipeline (M-LSD tiny through ONNX Runtime on frames OpenCV renders from
/// the robot's pose, the project's decoder and steering, two motors behind System.Device.Gpio's PWM
/// API driving the simulated robot), in-process and single-stream, so simulated time advances one
/// period per frame whatever the machine's speed.
/// </summary>
public sealed class LineFollowerPipelineTests
{
    /// <summary>The bound this demo promises on its test track: the robot's axle stays within it of the centreline all lap.</summary>
    public const double CrossTrackBoundCm = 4.0;

    internal static LineFollowerDemo Build(int frames, int warmup, bool floor = false)
    {
        var (profile, source) = Load();
        // Timing is not what these tests judge: a late frame's command is applied as if on time (misses
        // are counted, not acted on), so a loaded machine cannot steer the robot off its track.
        profile.Timing.BudgetsUs.Clear();
        profile.Timing.DeadlineUs = 100_000;
        profile.Watchdog.MissPolicy = "ignore";
        return LineFollowerDemo.Build(profile, source, TestAssets.Dir, null,
            new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = floor });
    }

    internal static (BoardProfile, string) Load()
    {
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile, new ProfileLoadOptions { Demo = LineFollowerDemo.DemoName });
        return (profile, TestAssets.SimProfile);
    }

    [Fact]
    public void TheSimProfileWiresTheLineFollowerFromItsDemosEntry()
    {
        var (p, _) = Load();
        Assert.Equal("line-follower", p.Demo);
        Assert.Equal("sim-track", p.Camera.Kind);
        Assert.Equal("input_image_with_alpha:0", p.Model.Input);
        Assert.NotNull(p.LineFollower);
        Assert.Equal(2, p.Pwm.Count);
        // The deadline fits inside the period, and a lap fits inside the default run.
        Assert.True(p.Timing.DeadlineUs * p.Timing.RateHz <= 1e6);
        var l = p.LineFollower!;
        double lap = 2 * (l.TrackWidthCm + l.TrackHeightCm) - 8 * l.CornerRadiusCm + 2 * Math.PI * l.CornerRadiusCm;
        Assert.True(lap / l.CruiseCmPerS * 1.25 < (p.Timing.Frames + p.Timing.WarmupFrames) / p.Timing.RateHz, "a lap at cruise speed (with a quarter to spare) must fit the run");
    }

    [Fact]
    public void TheRobotDrivesALapWithinTheCrossTrackBoundAndStopsWhenShutDown()
    {
        var (p, _) = Load();
        using var demo = Build(p.Timing.Frames, p.Timing.WarmupFrames);
        LoopOutcome outcome = LoopOutcome.Faulted;
        SimDemo.OnPipelineThread(() => outcome = demo.Loop.Run());
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Null(demo.Loop.Fault);

        var metrics = new ApplicationMetrics();
        demo.FillMetrics(metrics, demo.Loop.Records);
        double trackLength = (double)metrics["track_length_cm"]!, lapTime = (double)metrics["lap_time_s"]!;
        double xteMax = (double)metrics["cross_track_error_cm"]!["max"]!, xtePxMax = (double)metrics["cross_track_error_px"]!["max"]!;
        int found = (int)metrics["frames_with_target"]!;
        Assert.True((bool)metrics["lap_completed"]!, $"no lap: {metrics["lap_progress_pct"]}% driven");
        Assert.InRange(lapTime, 0.8 * trackLength / p.LineFollower!.CruiseCmPerS, 1.5 * trackLength / p.LineFollower.CruiseCmPerS);
        Assert.True(xteMax < CrossTrackBoundCm, $"cross-track error reached {xteMax} cm");
        Assert.Equal(p.Timing.Frames, (int)metrics["cross_track_error_cm"]!["count"]!);
        Assert.True(found >= p.Timing.Frames * 95 / 100, $"line found in {found} of {p.Timing.Frames} frames");
        // The same error in camera pixels (each summary is rounded on its own).
        Assert.InRange(xtePxMax, (xteMax - 0.01) * demo.Rig.View.PxPerCm, (xteMax + 0.01) * demo.Rig.View.PxPerCm);
        if (Environment.GetEnvironmentVariable("RTAPP_DRAW_DIR") is { Length: > 0 } dir)
            System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "line-follower-metrics.txt"),
                $"xte cm {metrics["cross_track_error_cm"]!.ToJsonString()}; px max {xtePxMax}; lap {lapTime} s; found {found}; progress {metrics["lap_progress_pct"]}%");

        // The commands reached the plant through the PWM channels; shutting the outputs down (what the
        // runner does at the end) stops both motors.
        var left = (SimulatedPwmChannel)demo.Rig.Motors.PwmChannels[0];
        Assert.True(left.Writes >= p.Timing.Frames);
        Assert.NotEqual(demo.Rig.Motors.Calibrations[0].DutyCycleFor(0), left.DutyCycle);
        demo.Loop.ShutdownOutputs();
        Assert.Equal(demo.Rig.Motors.Calibrations[0].DutyCycleFor(0), left.DutyCycle, 9);
        Assert.Equal(demo.Rig.Motors.Calibrations[1].DutyCycleFor(0), demo.Rig.Motors.PwmChannels[1].DutyCycle, 9);
        Assert.Equal(0, demo.Loop.Applied.Values[0]);
        Assert.True(demo.Rig.Plant.OdometerCm >= trackLength);
    }

    [Fact]
    public void AThousandFramesAfterWarmupAllocateNothingAndCollectNothing()
    {
        const int warmup = 20, frames = 1000;
        using var demo = Build(frames, warmup, floor: false);
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(demo.Loop, warmup, frames);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(warmup + frames, demo.Loop.FramesRun);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // It really ran: a thousand frames at 10 Hz is 100 s, about three laps.
        Assert.True(demo.Rig.Camera.Laps.ProgressCm > 2 * demo.Rig.Track.Length, $"progress {demo.Rig.Camera.Laps.ProgressCm} cm");
    }
}
