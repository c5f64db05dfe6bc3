using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Demos.Components;
using Realtime.Gpio;
using Realtime.Gpio.Components;
using Realtime.Tests;

namespace Realtime.Demos.Tests.Components;

/// <summary>
/// The face tracker as the sim board runs it: boards/sim.json's app graph (pan-tilt-camera →
/// image-preprocess → onnx-model → ssd-decoder → pan-tilt → servo) with the real model and video,
/// single-stream, so simulated time advances one period per frame.
/// </summary>
public sealed class FaceTrackerGraphTests
{
    private static readonly RealtimeHost Host = new RealtimeHost("rtapp").AddDemos();

    /// <summary>The sim board's face tracker, built as <c>rtapp run --board sim</c> builds it, with <paramref name="sets"/> applied.</summary>
    private static GraphApplicationInstance Build(int frames, int warmup, params string[] sets) => Build(frames, warmup, null, null, sets);

    private static GraphApplicationInstance Build(int frames, int warmup, FaultPlan? faults, Action<BoardProfile>? edit, params string[] sets)
    {
        var (profile, source) = ProfileCatalog.Load("sim", sets, null, Host);
        // Load on a 2-core machine must not trip the watchdog: these tests judge tracking, not timing.
        profile.Watchdog.MissPolicy = "ignore";
        profile.Timing.BudgetsUs.Clear();
        edit?.Invoke(profile);
        var app = Host.ApplicationFor(profile, source);
        Assert.Equal("face-tracker", app.Name);
        return Assert.IsType<GraphApplicationInstance>(app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, Faults = faults },
        }));
    }

    [Fact]
    public void TheSimBoardsGraphClosesTheLoopThroughTheServosOnceAPeriodWithoutAllocating()
    {
        const int warmup = 30, frames = 600;
        using var app = Build(frames, warmup);
        Assert.Equal("face-tracker", app.Name);
        var camera = Assert.IsType<PanTiltCameraSource>(app.Graph.Find("camera"));
        var servos = Assert.IsType<ServoSink>(app.Graph.Find("servos"));
        Assert.IsType<PanTiltController>(app.Graph.Find("tracker"));
        var startWindow = (0, 0);
        SimDemo.OnPipelineThread(() =>
        {
            app.GraphLoop.RunFrames(1);
            startWindow = (camera.Camera!.WindowX, camera.Camera.WindowY);
        });
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(app.GraphLoop, warmup - 1, frames);

        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // One inference per period, every frame's command on the servos.
        Assert.Equal(warmup + frames, Assert.Single(app.Models).Engine.Runs);
        Assert.True(((SimulatedPwmChannel)servos.Actuator.PwmChannels[0]).Writes >= warmup + frames);
        // The mount moved the window: the servo commands reached the simulated plant through the shared PWM channels.
        Assert.NotEqual(startWindow, (camera.Camera!.WindowX, camera.Camera.WindowY));
        Assert.True(camera.Camera.World.Loops >= 1, "the world video never looped: the camera did not follow loop time");

        var metrics = new ApplicationMetrics();
        app.FillMetrics(metrics, app.GraphLoop.Records);
        Assert.Equal(30, (long)metrics["settle_frames"]!);
        Assert.Equal(320, (long)metrics["image_width_px"]!);
        long withFace = (long)metrics["frames_with_target"]!;
        Assert.True(withFace > frames * 9 / 10, $"a face in only {withFace} of {frames} frames");
        double p50 = (double)metrics["tracking_error_px"]!["p50"]!;
        Assert.True(p50 < 320 / 16.0, $"median tracking error {p50:0.0} px: the face is not held near the centre");
        Assert.Contains(metrics.SummaryLines, l => l.StartsWith("Tracking: face found in ", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOverrunWithTheFallbackPolicyWalksTheServosBackToSafeStepByStep()
    {
        // The graph's return-to-safe node is the servos' fallback: slow decodes from frame 40 hand it the outputs.
        using var app = Build(80, 0, FaultPlan.Parse("slow:decode:3:from=40:to=79"), p =>
        {
            p.Timing.BudgetsUs["decode"] = 500;
            p.Watchdog.OnStageOverrun = "fallback";
            p.Watchdog.SafeAfterConsecutiveMisses = 1000;
            p.Watchdog.FallbackStep = 0.5;
        }, "app.nodes[0].config.start_pan_deg=20");
        SimDemo.OnPipelineThread(() => app.GraphLoop.Run());
        var r = app.GraphLoop.Records;
        for (int i = 40; i < 80; i++) Assert.True((r[i].Flags & FrameFlags.Fallback) != 0, $"frame {i}");
        Assert.True(app.GraphLoop.Watchdog.InFallback);
        Assert.Equal(0, app.GraphLoop.Watchdog.SafeStateEntries);
        // The fallback ran once for each frame the watchdog handed it, and only then.
        int handed = 0;
        foreach (ref readonly FrameRecord f in r) if ((f.Flags & FrameFlags.Fallback) != 0) handed++;
        Assert.Equal(handed, app.Graph.Reports()["park"].Figures["steps"]);
        // Each fallback write moved the pan servo at most 0.5° toward its safe angle.
        var servos = Assert.IsType<ServoSink>(app.Graph.Find("servos")).Actuator;
        var pan = (SimulatedPwmChannel)servos.PwmChannels[0];
        double step = servos.Calibrations[0].DutyCycleFor(0.5) - servos.Calibrations[0].DutyCycleFor(0);
        for (int back = 1; back < 30; back++)
            Assert.True(Math.Abs(pan.RecentWrite(back - 1).Duty - pan.RecentWrite(back).Duty) <= step + 1e-12, $"write {back}");
    }

    [Theory]
    [InlineData("app.nodes[0].config.start_pan_deg=60", "app.nodes[0].config.start_pan_deg: 60 is outside pwm[0]'s -45..45")]
    [InlineData("app.nodes[0].config.world_scale=4", "app.nodes[0].config.width: the camera window 320x240 at world_scale 4 covers 1280x960 world pixels, more than the world video")]
    [InlineData("app.nodes[4].config.pwm=[0]", "app.nodes[4].config.pwm: pan and tilt: two pwm[] indices, got 1")]
    [InlineData("app.nodes[3].config.fit=\"zoom\"", "app.nodes[3].config.fit:")]
    public void AMistakeInTheTrackersNodesIsOneProblemNamingTheField(string set, string problem)
    {
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, set));
        Assert.StartsWith(problem, Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.StartsWith("boards/sim.json (built in)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMountWhoseServosNoNodeDrivesIsRefusedWhenTheGraphStarts()
    {
        // A third output that no sink opens, named as the mount's pan.
        static string Output(string name, int channel) =>
            $"{{\"name\":\"{name}\",\"chip\":0,\"channel\":{channel},\"frequency_hz\":50,\"min_pulse_us\":1000,\"max_pulse_us\":2000,\"min_angle_deg\":-30,\"max_angle_deg\":30,\"safe_angle_deg\":0}}";
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, $"pwm=[{Output("pan", 0)},{Output("tilt", 1)},{Output("spare", 2)}]", "app.nodes[0].config.pwm=[2,1]"));
        Assert.Contains("app.nodes[0].config.pwm: node 'camera' moves its mount with pwm[2] ('spare'), which no servo node drives", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }
}
