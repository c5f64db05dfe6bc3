using System;
using System.Collections.Generic;
using System.Text.Json;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Sensors;
using Realtime.Core.Timing;
using Realtime.Gpio.Components;
using Realtime.Tests;

namespace Realtime.Gpio.Tests.Components;

/// <summary>
/// <c>servo</c>, <c>motor</c> and <c>imu</c> on a simulated board (the simulated PWM driver and
/// MPU-6050 behind the same API as the real ones): the outputs open at their safe values when the
/// graph is built, the loop's commands reach the channels as their calibrations say, the IMU's
/// samples are what the chip feels and a bus error is a failed capture; the board's facts are
/// checked by field; 0 B per frame. On a real board a missing PWM chip is named, not a crash.
/// </summary>
public sealed class GpioComponentsTests
{
    private readonly ManualClock _clock = new();

    private static BoardProfile Board(bool simulated = true) => new()
    {
        Simulated = simulated,
        Pwm =
        {
            new PwmOutputProfile { Name = "pan", Chip = 0, Channel = 0, MinAngleDeg = -45, MaxAngleDeg = 45, SafeAngleDeg = 5 },
            new PwmOutputProfile { Name = "left-motor", Chip = 0, Channel = 1, MinPulseUs = 1000, MaxPulseUs = 2000 },
            new PwmOutputProfile { Name = "right-motor", Chip = 0, Channel = 2, MinPulseUs = 1000, MaxPulseUs = 2000 },
        },
        Sensors = { new SensorProfile { Name = "imu", Bus = "i2c", Device = "/dev/i2c-1", Address = "0x68", Chip = "mpu6050" } },
    };

    private ComponentRegistry Registry() => new ComponentRegistry().AddCoreComponents().AddGpioComponents()
        .Register("constant", (name, c, _) => new Constant(name, c.Integer("channels", 1, 8, 1), (float)c.Number("value", -1000, 1000)));

    private static AppProfile App(string json) => JsonSerializer.Deserialize(json, ProfileJsonContext.Default.AppProfile)!;

    private GraphLoop Loop(AppGraph g, int frames) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = 0, PeriodNs = 20_000_000, DeadlineNs = 20_000_000 },
            new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 1000, 3), _clock);

    private static long LoopAllocated(GraphLoop loop, int calls)
    {
        for (int i = 0; i < calls; i++) loop.RunFrames(50);
        return ThreadAllocations.LeastOfThree(() => { for (int i = 0; i < calls; i++) loop.RunFrames(50); });
    }

    [Fact]
    public void ServosOpenAtTheirSafeAngleAndTakeTheLoopsCommandsAsTheirCalibrationSays()
    {
        using var context = new ComponentContext(Board(), "board.json", _clock);
        AppGraph g = Registry().Build(App("""
            { "nodes": [ { "name": "imu", "type": "imu", "config": { "sensor": "imu" } },
                { "name": "t", "type": "imu-tensor" },
                { "name": "aim", "type": "constant", "config": { "value": 30 } },
                { "name": "pan", "type": "servo", "config": { "pwm": [0] } } ],
              "connections": [ { "from": "imu.imu", "to": "t.imu" }, { "from": "aim.command", "to": "pan.command" } ] }
            """), context);
        var pan = (ServoSink)g.Find("pan")!;
        var channel = (SimulatedPwmChannel)pan.Actuator.PwmChannels[0];
        ServoCalibration cal = pan.Actuator.Calibrations[0];
        Assert.True(channel.IsRunning);
        Assert.Equal(cal.DutyCycleFor(5), channel.DutyCycle, 9);
        using (GraphLoop loop = Loop(g, 5000))
        {
            loop.RunFrames(10);
            Assert.Equal(cal.DutyCycleFor(30), channel.DutyCycle, 9);
            Assert.Equal(1000 + 75.0 / 90 * 1000, channel.DutyCycle * 1e6 / 50, 6); // 30° of ±45° over 1–2 ms: 1.833 ms
            Assert.Equal(0, LoopAllocated(loop, 20));
            var r = new NodeReport();
            pan.Report(r);
            Assert.Equal(loop.FramesRun, r.Figures["writes"]);
            pan.ApplySafeState();
            Assert.Equal(cal.DutyCycleFor(5), channel.DutyCycle, 9);
        }
    }

    [Fact]
    public void MotorsStopAtTheMiddlePulseAndRunBothWays()
    {
        using var context = new ComponentContext(Board(), "board.json", _clock);
        AppGraph g = Registry().Build(App("""
            { "nodes": [ { "name": "imu", "type": "imu", "config": { "sensor": "imu" } },
                { "name": "t", "type": "imu-tensor" },
                { "name": "drive", "type": "constant", "config": { "channels": 2, "value": -0.5 } },
                { "name": "wheels", "type": "motor", "config": { "pwm": [1, 2] } } ],
              "connections": [ { "from": "imu.imu", "to": "t.imu" }, { "from": "drive.command", "to": "wheels.command" } ] }
            """), context);
        var wheels = (MotorSink)g.Find("wheels")!;
        Assert.Equal(2, wheels.Channels);
        var left = (SimulatedPwmChannel)wheels.Actuator.PwmChannels[0];
        var right = (SimulatedPwmChannel)wheels.Actuator.PwmChannels[1];
        Assert.Equal(1500e-6 * 50, left.DutyCycle, 9); // stopped: 1.5 ms
        Assert.Equal(1, left.Channel);
        Assert.Equal(2, right.Channel);
        using GraphLoop loop = Loop(g, 100);
        loop.RunFrames(3);
        Assert.Equal(1250e-6 * 50, left.DutyCycle, 9); // half reverse: 1.25 ms
        Assert.Equal(1250e-6 * 50, right.DutyCycle, 9);
    }

    [Fact]
    public void AllSinksOfAnApplicationOpenThroughItsOneOpenerWhereAPlantFindsTheirChannels()
    {
        BoardProfile board = Board();
        var context = new ComponentContext(board, "board.json", _clock);
        AppGraph g = Registry().Build(App("""
            { "nodes": [ { "name": "imu", "type": "imu", "config": { "sensor": "imu" } },
                { "name": "t", "type": "imu-tensor" },
                { "name": "drive", "type": "constant", "config": { "channels": 2, "value": 0.5 } },
                { "name": "aim", "type": "constant", "config": { "channels": 1, "value": 20 } },
                { "name": "wheels", "type": "motor", "config": { "pwm": [1, 2] } },
                { "name": "head", "type": "servo", "config": { "pwm": [0] } } ],
              "connections": [ { "from": "imu.imu", "to": "t.imu" }, { "from": "drive.command", "to": "wheels.command" },
                               { "from": "aim.command", "to": "head.command" } ] }
            """), context);
        PwmChannelOpener opener = PwmChannelOpener.For(context);
        Assert.Same(opener, PwmChannelOpener.For(context));
        var wheels = (MotorSink)g.Find("wheels")!;
        var head = (ServoSink)g.Find("head")!;
        Assert.Same(wheels.Actuator.PwmChannels[1], opener.Opened(board.Pwm[2]));
        Assert.Same(head.Actuator.PwmChannels[0], opener.Opened(board.Pwm[0]));
        Assert.Null(opener.Opened(new PwmOutputProfile { Name = "unused", Chip = 3, Channel = 0 }));
        using (GraphLoop loop = Loop(g, 100))
        {
            loop.RunFrames(3);
            Assert.Equal(1750e-6 * 50, opener.Opened(board.Pwm[1])!.DutyCycle, 9); // half forward, read where a plant reads it
        }
        context.Dispose(); // the sinks' channels, then the shared opener, which forgets them
        Assert.Null(opener.Opened(board.Pwm[0]));
    }

    [Fact]
    public void TheImuReadsWhatTheChipFeelsAndABusErrorIsAFailedCapture()
    {
        using var context = new ComponentContext(Board(), "board.json", _clock);
        var imu = (ImuSensorSource)ImuSensorSource.Create("imu", Config("""{ "sensor": "imu" }"""), context);
        Assert.NotNull(imu.Simulated);
        imu.Simulated!.SetMotion(new ImuSample { AccelX = 0.5f, AccelZ = 0.8f, GyroY = -40, TemperatureC = 31 });
        _clock.Advance(1234);
        imu.Process();
        Assert.Equal(CaptureStatus.Ok, imu.Status);
        ImuSample s = imu.Imu.Payload.Sample;
        Assert.Equal(0.5f, s.AccelX, 2);
        Assert.Equal(0.8f, s.AccelZ, 2);
        Assert.Equal(-40f, s.GyroY, 0);
        Assert.Equal(31f, s.TemperatureC, 0);
        Assert.Equal(_clock.NowNs(), imu.CaptureNs);
        Assert.Equal(0, ThreadAllocations.Least(imu.Process));
        imu.Simulated.Connected = false;
        imu.Process();
        Assert.Equal(CaptureStatus.Failed, imu.Status);
        Assert.NotNull(imu.LastError);
        var r = new NodeReport();
        imu.Report(r);
        Assert.Equal(1, r.Figures["bus_errors"]);
        Assert.Equal(1101, r.Figures["reads"]);
    }

    [Theory]
    [InlineData("servo", """{ "pwm": [3] }""", "app.nodes[0].config.pwm[0]: the board has 3 pwm outputs (pwm[0..2]), got 3")]
    [InlineData("servo", """{ "pwm": [0, 0] }""", "app.nodes[0].config.pwm[1]: pwm[0] ('pan') is already channel 0")]
    [InlineData("motor", """{ }""", "app.nodes[0].config.pwm: required")]
    [InlineData("servo", """{ "pwm": [1] }""", "app.nodes[0].config.pwm[0]: pwm[1] ('left-motor') has no angles (min_angle_deg, max_angle_deg, safe_angle_deg): a servo's entry gives them")]
    [InlineData("motor", """{ "pwm": [0] }""", "app.nodes[0].config.pwm[0]: pwm[0] ('pan') has angles, a servo's entry: a motor's gives none (full reverse at min_pulse_us, stop halfway, full forward at max_pulse_us)")]
    [InlineData("motor", """{ "pwm": [1, 2, 0, 1, 2, 0, 1, 2, 0] }""", "app.nodes[0].config.pwm: must have 1 to 8 entries, got 9")]
    [InlineData("imu", """{ "sensor": "gyro" }""", "app.nodes[0].config.sensor: the board has no sensor 'gyro' (IMUs in sensors[]: imu)")]
    public void BoardFactsThatDoNotFitAreOneProblemNamingTheField(string type, string config, string problem)
    {
        using var context = new ComponentContext(Board(), "board.json", _clock);
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App($$"""{ "nodes": [ { "name": "n", "type": "{{type}}", "config": {{config}} } ], "connections": [] }"""), context));
        Assert.Equal("board.json", ex.Source);
        Assert.Equal(problem, ex.Problems[0]);
    }

    [Theory]
    [InlineData("""{ "name": "a", "type": "servo", "config": { "pwm": [0] } }, { "name": "b", "type": "motor", "config": { "pwm": [1, 0] } }""",
        "app.nodes[1].config.pwm[1]: pwm[0] ('pan') is already driven by node 'a': two writers on one output")]
    [InlineData("""{ "name": "a", "type": "gpio-relay", "config": { "pin": 17 } }, { "name": "b", "type": "gpio-relay", "config": { "pin": 17, "active_high": false } }""",
        "app.nodes[1].config.pin: GPIO line 17 of chip 0 is already driven by node 'a': two writers on one output")]
    public void TwoSinksOnOneOutputAreTwoWritersAndTheSecondIsRefused(string nodes, string problem)
    {
        using var context = new ComponentContext(Board(), "board.json", _clock);
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App($$"""{ "nodes": [ {{nodes}} ], "connections": [] }"""), context));
        Assert.Contains(problem, ex.Problems);
    }

    [Fact]
    public void OnARealBoardAMissingPwmChipIsTheProfilesProblemNotACrash()
    {
        BoardProfile board = Board(simulated: false);
        board.Pwm[0].Chip = 97;
        using var context = new ComponentContext(board, "board.json", _clock);
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App("""{ "nodes": [ { "name": "n", "type": "servo", "config": { "pwm": [0] } } ], "connections": [] }"""), context));
        Assert.StartsWith("app.nodes[0].config.pwm: pwm[0] 'pan' cannot be opened: ", ex.Problems[0]);
        Assert.Contains("pwmchip97", ex.Problems[0]);
    }

    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), "app.nodes[0].config");

    private sealed class Constant : Node
    {
        private readonly float _value;

        public Constant(string name, int channels, float value) : base(name, NodeRole.Controller)
        {
            _value = value;
            Command = Output("command", new CommandPayload(channels));
        }

        public OutputPort<CommandPayload> Command { get; }

        public override void Process()
        {
            for (int i = 0; i < Command.Payload.Next.Count; i++) Command.Payload.Next.Values[i] = _value;
        }
    }
}
