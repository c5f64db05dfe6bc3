using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Gpio.Components;
using Realtime.Hosting;

namespace Realtime.Demos.Tests;

/// <summary>
/// Cold start's order, in process: the face tracker's graph opens its outputs at their safe values (and says so,
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
        public PwmActuator<ServoCalibration>? Servos;

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
            // A graph's outputs are its sink nodes, opened first and driven safe.
            foreach (var sink in Assert.IsType<GraphSinks>(outputs).Sinks)
            {
                var s = Assert.IsType<ServoSink>(sink).Actuator;
                Servos = s;
                for (int i = 0; i < s.PwmChannels.Length; i++)
                {
                    Duty.Add(s.PwmChannels[i].DutyCycle);
                    SafeDuty.Add(s.Calibrations[i].DutyCycleFor(s.Calibrations[i].SafeValue));
                    Running.Add(((SimulatedPwmChannel)s.PwmChannels[i]).IsRunning);
                }
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
        using var demo = SimDemo.Build(o.Overrides());
        o.AssertSafeBeforeTheModel();
        Assert.Equal(2, o.Duty.Count);
        AssertOutputsBeforeModel(o.Timeline);
        Assert.Same(o.Servos, demo.Servos);
    }

    [Fact]
    public void AModelThatDoesNotFitStillFindsTheOutputsSafeAndNamesTheField()
    {
        var o = new Observer();
        // The preprocessing writes 256x256 into a model that takes 128x128: refused when the graph is joined, after the sinks.
        var ex = Assert.Throws<ProfileException>(() => SimDemo.Build(o.Overrides(), "app.nodes[pre].config.width=256", "app.nodes[pre].config.height=256"));
        Assert.StartsWith("app.", Assert.Single(ex.Problems), StringComparison.Ordinal);
        // The servos were at their safe angles before the graph got to its model, and the application never reached the loop.
        o.AssertSafeBeforeTheModel();
        Assert.NotEqual(0, o.Timeline.TimeOf(StartupTimeline.OutputsSafe));
        Assert.Equal(0, o.Timeline.TimeOf(StartupTimeline.ModelLoaded));
    }
}
