using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// Cold start's order, in process: every demo opens its outputs at their safe values (and says so,
/// so the runner can arm its watchdog) before its model loads, and a model that fails to load still
/// finds them safe.
/// </summary>
public sealed class StartupOrderTests
{
    /// <summary>What the outputs held when the wiring said they were safe, and what had happened by then.</summary>
    private sealed class Observer
    {
        public readonly StartupTimeline Timeline = new();
        public int Calls;
        public bool ModelLoadedBefore;
        public List<double> Duty = new();
        public List<double> SafeDuty = new();
        public List<bool> Running = new();
        public IActuator? Outputs;

        public RunOverrides Overrides(int frames = 1) => new()
        {
            Frames = frames,
            WarmupFrames = 0,
            Scenario = LoopScenario.SingleStream,
            MeasureFloor = false,
            Startup = Timeline,
            OutputsSafe = Seen,
        };

        private void Seen(IActuator outputs)
        {
            Calls++;
            Outputs = outputs;
            ModelLoadedBefore = Timeline.TimeOf(StartupTimeline.ModelLoaded) != 0;
            switch (outputs)
            {
                case ServoActuator s:
                    for (int i = 0; i < s.PwmChannels.Length; i++)
                    {
                        Duty.Add(s.PwmChannels[i].DutyCycle);
                        SafeDuty.Add(s.Calibrations[i].DutyCycleFor(s.Calibrations[i].SafeValue));
                        Running.Add(((SimulatedPwmChannel)s.PwmChannels[i]).IsRunning);
                    }
                    break;
                case MotorActuator m:
                    for (int i = 0; i < m.PwmChannels.Length; i++)
                    {
                        Duty.Add(m.PwmChannels[i].DutyCycle);
                        SafeDuty.Add(m.Calibrations[i].DutyCycleFor(m.Calibrations[i].SafeValue));
                        Running.Add(((SimulatedPwmChannel)m.PwmChannels[i]).IsRunning);
                    }
                    break;
                default:
                    throw new InvalidOperationException($"unexpected outputs {outputs.GetType().Name}");
            }
        }

        /// <summary>The outputs were announced once, at their safe values, before any model had loaded.</summary>
        public void AssertSafeBeforeTheModel()
        {
            Assert.Equal(1, Calls);
            Assert.False(ModelLoadedBefore);
            Assert.Equal(SafeDuty, Duty);
            Assert.DoesNotContain(false, Running);
            Assert.NotEmpty(Duty);
        }
    }

    private static void AssertOutputsBeforeModel(StartupTimeline t)
    {
        long safe = t.TimeOf(StartupTimeline.OutputsSafe), model = t.TimeOf(StartupTimeline.ModelLoaded);
        Assert.True(safe > 0 && model > 0, $"outputs_safe {safe}, model_loaded {model}");
        Assert.True(safe < model, $"outputs_safe {safe} after model_loaded {model}");
    }

    [Fact]
    public void TheFaceTrackersServosAreSafeBeforeItsModelLoads()
    {
        var o = new Observer();
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        using var demo = FaceTrackerDemo.Build(profile, TestAssets.SimProfile, TestAssets.Dir, null, o.Overrides());
        o.AssertSafeBeforeTheModel();
        Assert.Equal(2, o.Duty.Count);
        AssertOutputsBeforeModel(o.Timeline);
        Assert.Same(o.Outputs, demo.Servos);
    }

    [Fact]
    public void AModelThatDoesNotFitStillFindsTheOutputsSafeAndNamesTheField()
    {
        var o = new Observer();
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile);
        profile.Model.InputWidth = 256;
        profile.Model.InputHeight = 256;
        var ex = Assert.Throws<ProfileException>(() => FaceTrackerDemo.Build(profile, "sim.json", TestAssets.Dir, null, o.Overrides()));
        Assert.StartsWith("sim.json: model.input_width:", ex.Message);
        // The servos were at their safe angles before ONNX Runtime saw the model, and it never loaded.
        o.AssertSafeBeforeTheModel();
        Assert.NotEqual(0, o.Timeline.TimeOf(StartupTimeline.OutputsSafe));
        Assert.Equal(0, o.Timeline.TimeOf(StartupTimeline.ModelLoaded));
    }
}
