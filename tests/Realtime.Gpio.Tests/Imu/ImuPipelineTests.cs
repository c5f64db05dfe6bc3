using Realtime.Core.Sensors;
using System;
using Realtime.Core.Pipeline;
using Realtime.Gpio.Imu;

namespace Realtime.Gpio.Tests.Imu;

/// <summary>
/// The IMU as a pipeline's sensor source: a closed loop levels a platform that a disturbance
/// tilts. The MPU-6050 (simulated chip, real System.Device.Gpio I2C API) is read each frame by
/// <see cref="ImuSource"/>; a complementary filter estimates the tilt; a PI controller drives a
/// servo (simulated PWM channel, real PwmChannel API) under the platform; the platform's tilt is
/// disturbance plus servo angle, and the chip feels it. Everything the ClosedLoop does — stamps,
/// watchdog, zero allocation — applies to this source as to a camera.
/// </summary>
public sealed class ImuPipelineTests
{
    private const double RateHz = 100;

    /// <summary>A platform on one servo: roll = disturbance + servo angle; the chip on it feels gravity and the roll rate.</summary>
    private sealed class TiltPlatform : ITickListener
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

        public void OnTick(long tick)
        {
            double servoDeg = _calibration.AngleFor(_servo.DutyCycle);
            RollDeg = DisturbanceDeg(tick) + servoDeg;
            double rate = (RollDeg - _lastRollDeg) * RateHz;
            _lastRollDeg = RollDeg;
            double r = RollDeg * Math.PI / 180;
            _chip.SetMotion(new ImuSample { AccelY = (float)Math.Sin(r), AccelZ = (float)Math.Cos(r), GyroX = (float)rate, TemperatureC = 30f });
        }
    }

    /// <summary>Seven IMU values into the estimator's input, one pass.</summary>
    private sealed class CopySample : IPreprocessor
    {
        public void Process(FrameBuffer frame, Span<float> tensor) => ImuSource.Values(frame).CopyTo(tensor);
    }

    /// <summary>The estimation stage: a complementary filter (gyro integrated, pulled toward the accelerometer's tilt).</summary>
    private sealed class ComplementaryFilter : IInferenceEngine
    {
        private readonly float[] _input = new float[ImuSample.Elements];
        private readonly float[] _output = new float[1];
        private float _rollDeg;

        public Span<float> Input => _input;
        public void Run()
        {
            float accelRoll = MathF.Atan2(_input[1], _input[2]) * 180f / MathF.PI;
            _rollDeg = 0.9f * (_rollDeg + _input[3] / (float)RateHz) + 0.1f * accelRoll;
            _output[0] = _rollDeg;
        }
        public ReadOnlySpan<float> Output(int index) => _output;
        public int OutputIndex(string name) => name == "roll" ? 0 : -1;
        public void Dispose() { }
    }

    private struct Tilt { public float RollDeg; }

    private sealed class ReadTilt : IDecoder<Tilt>
    {
        public void Decode(IInferenceEngine engine, FrameBuffer frame, ref Tilt result) => result.RollDeg = engine.Output(0)[0];
    }

    /// <summary>PI on the estimated roll: the servo turns against it.</summary>
    private sealed class Leveller : IController<Tilt>
    {
        private float _integral;
        public void Update(in Tilt observation, in ActuatorCommand applied, ref ActuatorCommand next)
        {
            _integral += observation.RollDeg / (float)RateHz;
            next.Count = 1;
            next.Values[0] = Math.Clamp(-0.3f * observation.RollDeg - 4f * _integral, -30f, 30f);
        }
    }

    [Fact]
    public void AnImuSourceClosesALevellingLoopAndItsCountedFramesAllocateNothing()
    {
        var chip = new SimulatedMpu6050();
        var calibration = new ServoCalibration(50, 1000, 2000, -30, 30, 0);
        using var servo = ServoActuator.OpenSimulated(new[] { (0, 0, calibration) });
        var platform = new TiltPlatform(chip, servo.PwmChannels[0], calibration);
        using var source = new ImuSource(Mpu6050.OnI2c(chip.OpenI2c(1, 0x68)));
        var options = new ClosedLoopOptions { Frames = 1000, WarmupFrames = 20, PeriodNs = (long)(1e9 / RateHz), DeadlineNs = 500_000_000, Scenario = LoopScenario.SingleStream, MeasureFloor = false, FlatFramesForFault = 0 };
        var watchdog = new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 3, 10);
        var loop = new ClosedLoop<Tilt>(options, source, new CopySample(), new ComplementaryFilter(), new ReadTilt(), new Leveller(), servo, watchdog, tickListener: platform);

        Assert.Equal(LoopOutcome.Completed, loop.Run());

        Assert.Equal(1020, loop.FramesRun);
        Assert.Equal(0, source.BusErrors);
        Assert.Equal(0, loop.CountedAllocatedBytes);
        Assert.Equal(0, loop.CountedGcCollections);
        // The step disturbance of 12° is levelled out: the servo stands near -12° and the platform near level.
        Assert.InRange(platform.RollDeg, -1.0, 1.0);
        Assert.InRange(calibration.AngleFor(servo.PwmChannels[0].DutyCycle), -13.0, -11.0);
        // Each frame carried the chip's reading: seven values, gravity's magnitude about 1 g.
        ReadOnlySpan<float> v = ImuSource.Values(loop.Slot);
        Assert.InRange(Math.Sqrt(v[1] * v[1] + v[2] * v[2]), 0.99, 1.01);
        Assert.Equal(30f, v[6], 0.01f);
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
