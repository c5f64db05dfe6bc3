using System;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;

namespace Realtime.Demos.Tests;

/// <summary>
/// The real face-tracker pipeline (BlazeFace through ONNX Runtime, Megamind.avi as the world, the
/// simulated pan/tilt mount behind System.Device.Gpio's PWM API), run in-process single-stream so
/// that simulated time advances one period per frame regardless of the machine's speed.
/// </summary>
public sealed class FaceTrackerPipelineTests
{
    // Timing is not what these tests judge: no stage budgets (the watchdog tests set their own).
    private static SimFaceTracker Build(int frames, int warmup, Action<BoardProfile>? edit = null, params string[] sets) =>
        SimDemo.Build(frames, warmup, floor: true, edit: p =>
        {
            p.Timing.BudgetsUs.Clear();
            edit?.Invoke(p);
        }, sets: sets);

    private static void OnPipelineThread(Action body) => SimDemo.OnPipelineThread(body);

    [Fact]
    public void AThousandFramesAfterWarmupAllocateNothingAndCollectNothing()
    {
        const int warmup = 60, frames = 1200;
        using var demo = Build(frames, warmup);
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(demo.Loop, warmup, frames);

        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(warmup + frames, demo.Loop.FramesRun);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // The loop really ran the model on the video: frames take the world past its first loop
        // (270 frames at 24 fps, 1260 frames at 30 Hz), and faces were found.
        Assert.True(demo.SimCamera.World.Loops >= 3, $"the world video looped {demo.SimCamera.World.Loops} times");
        int withFace = 0;
        foreach (var r in demo.Loop.Records) if (!float.IsNaN(r.DemoMetric)) withFace++;
        Assert.True(withFace > (warmup + frames) / 2, $"a face in only {withFace} frames");
        foreach (var r in demo.Loop.Records) Assert.True(r.FloorNs > 0 && r.ActuateEndNs >= r.ControlEndNs && r.ControlEndNs >= r.CaptureNs);
    }

    [Fact]
    public void TheLoopClosesThroughThePwmOutputsAndHoldsTheFaceNearTheCentre()
    {
        using var demo = Build(frames: 300, warmup: 0);
        var startWindow = (0, 0);
        OnPipelineThread(() =>
        {
            demo.Loop.RunFrames(1);
            startWindow = (demo.SimCamera.WindowX, demo.SimCamera.WindowY);
            demo.Loop.RunFrames(299);
        });
        var pan = (SimulatedPwmChannel)demo.Servos.PwmChannels[0];
        Assert.True(pan.Writes > 250, $"pan written {pan.Writes} times");
        // The mount moved the window: the PWM commands reached the plant.
        Assert.NotEqual(startWindow, (demo.SimCamera.WindowX, demo.SimCamera.WindowY));
        var errors = new System.Collections.Generic.List<float>();
        var records = demo.Loop.Records;
        for (int i = demo.SettleFrames; i < records.Length; i++)
            if (!float.IsNaN(records[i].DemoMetric)) errors.Add(records[i].DemoMetric);
        errors.Sort();
        Assert.True(errors.Count > 200, $"a face in only {errors.Count} settled frames");
        float median = errors[errors.Count / 2];
        Assert.True(median < 320 / 4f, $"median tracking error {median:0.0} px is not under a quarter of the window width");
    }

    [Fact]
    public void LateFramesHoldTheLastCommandThenEscalateToTheSafeState()
    {
        // A 1 µs deadline makes every frame late: hold-last for the first two, safe state from the third.
        using var demo = Build(frames: 20, warmup: 0, p =>
        {
            p.Timing.DeadlineUs = 1;
            p.Timing.BudgetsUs.Clear();
            p.Watchdog.MissPolicy = "hold-last";
            p.Watchdog.SafeAfterConsecutiveMisses = 3;
        });
        LoopOutcome outcome = LoopOutcome.Faulted;
        OnPipelineThread(() => outcome = demo.Loop.Run());
        Assert.Equal(LoopOutcome.Completed, outcome);
        var r = demo.Loop.Records;
        Assert.Equal(20, r.Length);
        foreach (var f in r) Assert.True((f.Flags & FrameFlags.DeadlineMiss) != 0);
        Assert.Equal(FrameFlags.Held, r[0].Flags & (FrameFlags.Held | FrameFlags.SafeState));
        Assert.Equal(FrameFlags.Held, r[1].Flags & (FrameFlags.Held | FrameFlags.SafeState));
        for (int i = 2; i < r.Length; i++) Assert.True((r[i].Flags & FrameFlags.SafeState) != 0, $"frame {i} not in the safe state");
        Assert.Equal(1, demo.Loop.Watchdog.Trips);
        Assert.Equal(1, demo.Loop.Watchdog.SafeStateEntries);
        // What is on the outputs is the safe command: each servo's safe duty.
        var channels = demo.Servos.PwmChannels;
        for (int i = 0; i < channels.Length; i++)
        {
            var cal = demo.Servos.Calibrations[i];
            Assert.Equal(cal.DutyCycleFor(cal.SafeAngleDeg), channels[i].DutyCycle, 9);
        }
    }

    [Fact]
    public void ASafeStatePolicyDrivesTheOutputsSafeOnTheFirstLateFrame()
    {
        using var demo = Build(frames: 5, warmup: 0, p =>
        {
            p.Timing.DeadlineUs = 1;
            p.Timing.BudgetsUs.Clear();
            p.Watchdog.MissPolicy = "safe-state";
        });
        OnPipelineThread(() => demo.Loop.Run());
        Assert.True((demo.Loop.Records[0].Flags & FrameFlags.SafeState) != 0);
        Assert.Equal(0, (int)(demo.Loop.Records[0].Flags & FrameFlags.Held));
        Assert.Equal(1, demo.Loop.Watchdog.SafeStateEntries);
    }

    [Fact]
    public void AMissingModelOrVideoIsAProfileErrorNamingTheField()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(1, 0, null, "app.nodes[blazeface].config.path=models/none.onnx"));
        Assert.StartsWith("app.nodes[2].config.path:", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.Contains("none.onnx", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ProfileException>(() => Build(1, 0, null, "app.nodes[camera].config.video=video/none.avi"));
        Assert.StartsWith("app.nodes[0].config.video:", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.Contains("none.avi", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelInputThatDoesNotFitThePreprocessingIsAProfileError()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(1, 0, null, "app.nodes[pre].config.width=256", "app.nodes[pre].config.height=256"));
        string problem = Assert.Single(ex.Problems);
        Assert.Contains("128", problem, StringComparison.Ordinal);
        Assert.Contains("256", problem, StringComparison.Ordinal);
    }
}
