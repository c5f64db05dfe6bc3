using Realtime.Core.Sensors;
using System;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio.Components;
using Realtime.Gpio.Imu;

namespace Realtime.Gpio.Tests.Imu;

/// <summary>
/// The IMU as a graph's sensor source: a closed loop levels a platform that a disturbance tilts,
/// composed from components as a user would: the built-in <c>imu</c> node reads the board's
/// MPU-6050 (on the simulated board a simulated chip, real System.Device.Gpio I2C API), the
/// user's own <c>complementary-filter</c> node estimates the tilt, the built-in <c>pid</c> turns it
/// into a servo angle and the built-in <c>servo</c> sink drives the servo (simulated PWM channel,
/// real PwmChannel API) under the platform; the platform's tilt is disturbance plus servo angle, and
/// the chip feels it. Everything the graph loop does (stamps, watchdog, zero allocation) applies to
/// this source as to a camera.
/// </summary>
public sealed class ImuPipelineTests
{
    private const double RateHz = 100;

    /// <summary>A platform on one servo (the world, told each tick): roll = disturbance + servo angle; the chip on it feels gravity and the roll rate.</summary>
    private sealed class TiltPlatform : LoopInstrument
    {
        private readonly SimulatedMpu6050 _chip;
        private readonly System.Device.Pwm.PwmChannel _servo;
        private readonly ServoCalibration _calibration;
        private double _lastRollDeg;

        public TiltPlatform(SimulatedMpu6050 chip, System.Device.Pwm.PwmChannel servo, ServoCalibration calibration)
        {
            _chip = chip;
            _servo = servo;
            _calibration = calibration;
        }

        public double RollDeg { get; private set; }

        public static double DisturbanceDeg(long tick) => tick < 50 ? 0 : 12.0;   // a step: someone leans on the platform

        public override void OnTick(long tick)
        {
            double servoDeg = _calibration.AngleFor(_servo.DutyCycle);
            RollDeg = DisturbanceDeg(tick) + servoDeg;
            double rate = (RollDeg - _lastRollDeg) * RateHz;
            _lastRollDeg = RollDeg;
            double r = RollDeg * Math.PI / 180;
            _chip.SetMotion(new ImuSample { AccelY = (float)Math.Sin(r), AccelZ = (float)Math.Cos(r), GyroX = (float)rate, TemperatureC = 30f });
        }
    }

    /// <summary>
    /// The user's component: a complementary filter (the gyro's roll rate integrated, pulled toward
    /// the accelerometer's tilt) from an IMU sample to the roll in degrees.
    /// </summary>
    private sealed class ComplementaryFilter : Node
    {
        private float _rollDeg;

        public ComplementaryFilter(string name) : base(name, NodeRole.Transform)
        {
            Imu = Input<ImuPayload>("imu", PayloadType.Imu());
            Roll = Output("roll", new ValuePayload<float>());
        }

        public InputPort<ImuPayload> Imu { get; }
        public OutputPort<ValuePayload<float>> Roll { get; }

        public override void Process()
        {
            ref readonly ImuSample s = ref Imu.Payload.Sample;
            float accelRoll = MathF.Atan2(s.AccelY, s.AccelZ) * 180f / MathF.PI;
            _rollDeg = 0.9f * (_rollDeg + s.GyroX / (float)RateHz) + 0.1f * accelRoll;
            // Left unstamped: the pid steps by its dt_s (the platform's simulated time), not by the wall clock between single-stream frames.
            Roll.Payload.Value = _rollDeg;
        }
    }

    // A simulated board with an MPU-6050 and one servo (-30..30°) at 100 Hz; the graph levels the platform:
    // PI on the estimated roll (0.3 and 4 per second), the servo turning against it.
    private const string Profile = """
        {
          "name": "imu-levelling", "description": "a levelling platform", "simulated": true, "demo": "levelling",
          "timing": { "rate_hz": 100, "deadline_us": 10000, "warmup_frames": 20, "frames": 1000 },
          "sensors": [ { "name": "imu", "bus": "i2c", "device": "/dev/i2c-1", "address": "0x68", "chip": "mpu6050" } ],
          "pwm": [ { "name": "level", "chip": 0, "channel": 0, "frequency_hz": 50, "min_pulse_us": 1000, "max_pulse_us": 2000, "min_angle_deg": -30, "max_angle_deg": 30, "safe_angle_deg": 0 } ],
          "watchdog": { "flat_frames_for_fault": 0 },
          "app": {
            "nodes": [
              { "name": "servo", "type": "servo", "config": { "pwm": [0] } },
              { "name": "imu", "type": "imu", "config": { "sensor": "imu" } },
              { "name": "filter", "type": "complementary-filter" },
              { "name": "leveller", "type": "pid", "config": { "kp": 0.3, "ki": 4, "kd": 0, "incremental": false, "min": -30, "max": 30, "dt_s": 0.01 } }
            ],
            "connections": [
              { "from": "imu.imu", "to": "filter.imu" },
              { "from": "filter.roll", "to": "leveller.value" },
              { "from": "leveller.command", "to": "servo.command" }
            ]
          }
        }
        """;

    [Fact]
    public void AnImuSourceClosesALevellingLoopAndItsCountedFramesAllocateNothing()
    {
        var components = new ComponentRegistry().AddCoreComponents().AddGpioComponents()
            .Register("complementary-filter", (name, config, context) => new ComplementaryFilter(name), "the roll from an IMU sample");
        BoardProfile board = ProfileLoader.Parse(Profile, "imu-levelling.json");
        using var context = new ComponentContext(board, "imu-levelling.json");
        AppGraph graph = components.Build(board.App!, context);
        var options = new ClosedLoopOptions { Frames = 1000, WarmupFrames = 20, PeriodNs = (long)(1e9 / RateHz), DeadlineNs = 500_000_000, Scenario = LoopScenario.SingleStream, MeasureFloor = false, FlatFramesForFault = 0 };
        var watchdog = new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 3, 10);
        var loop = new GraphLoop(graph, options, watchdog);

        var imu = Assert.IsType<ImuSensorSource>(graph.Find("imu"));
        var servo = Assert.IsType<ServoSink>(graph.Find("servo")).Actuator.PwmChannels[0];
        var calibration = new ServoCalibration(50, 1000, 2000, -30, 30, 0);
        var platform = new TiltPlatform(imu.Simulated!, servo, calibration);
        loop.Attach(platform);

        Assert.Equal(LoopOutcome.Completed, loop.Run());

        Assert.Equal(1020, loop.FramesRun);
        Assert.Null(imu.LastError);
        Assert.Equal(0, loop.CountedAllocatedBytes);
        Assert.Equal(0, loop.CountedGcCollections);
        // The step disturbance of 12° is levelled out: the servo stands near -12° and the platform near level.
        Assert.InRange(platform.RollDeg, -1.0, 1.0);
        Assert.InRange(calibration.AngleFor(servo.DutyCycle), -13.0, -11.0);
        // Each frame carried the chip's reading: gravity's magnitude about 1 g, the chip's temperature.
        ref readonly ImuSample v = ref imu.Imu.Payload.Sample;
        Assert.InRange(Math.Sqrt(v.AccelY * v.AccelY + v.AccelZ * v.AccelZ), 0.99, 1.01);
        Assert.Equal(30f, v.TemperatureC, 0.01f);
    }

    [Fact]
    public void ABusErrorIsAFailedCaptureForTheWatchdogNotACrash()
    {
        var chip = new SimulatedMpu6050();
        using var source = new ImuSource(Mpu6050.OnI2c(chip.OpenI2c(1, 0x68)));
        var slot = new FrameBuffer(source.Width, source.Height, source.Format);
        Assert.Equal(CaptureStatus.Ok, source.Capture(slot));
        chip.Connected = false;                       // the sensor drops off the bus
        Assert.Equal(CaptureStatus.Failed, source.Capture(slot));
        Assert.Equal(1, source.BusErrors);
        Assert.Contains("does not answer", source.LastError, StringComparison.Ordinal);
        chip.Connected = true;
        Assert.Equal(CaptureStatus.Ok, source.Capture(slot));
        Assert.Equal(1, slot.Sequence);               // the failed read took no sequence number
    }
}
