using Realtime.Core.Pipeline;

namespace Realtime.Gpio.Tests;

/// <summary>Drive motors on simulated PWM: command ↔ duty cycle, and the safe state stops them.</summary>
public sealed class MotorActuatorTests
{
    private static readonly MotorCalibration Cal = new(50, 1000, 1500, 2000);

    [Fact]
    public void CommandsMapToRcPulsesAndBack()
    {
        Assert.Equal(0.075, Cal.DutyCycleFor(0), 9);      // 1500 µs of 20 ms
        Assert.Equal(0.10, Cal.DutyCycleFor(1), 9);       // 2000 µs
        Assert.Equal(0.05, Cal.DutyCycleFor(-1), 9);      // 1000 µs
        Assert.Equal(0.10, Cal.DutyCycleFor(3), 9);       // clamped
        Assert.Equal(0.075, Cal.DutyCycleFor(double.NaN), 9); // no valid command: stop
        for (double c = -1; c <= 1; c += 0.25) Assert.Equal(c, Cal.CommandFor(Cal.DutyCycleFor(c)), 9);
    }

    [Fact]
    public void TheActuatorWritesEachChannelAndItsSafeStateStopsBoth()
    {
        using var motors = MotorActuator.OpenSimulated(new[] { (0, 0, Cal), (0, 1, Cal) });
        var left = (SimulatedPwmChannel)motors.PwmChannels[0];
        var right = (SimulatedPwmChannel)motors.PwmChannels[1];
        Assert.True(left.IsRunning);
        Assert.Equal(0.075, left.DutyCycle, 9);
        var cmd = new ActuatorCommand { Count = 2 };
        cmd.Values[0] = 0.5f;
        cmd.Values[1] = -0.5f;
        motors.Apply(in cmd);
        Assert.Equal(0.5, Cal.CommandFor(left.DutyCycle), 6);
        Assert.Equal(-0.5, Cal.CommandFor(right.DutyCycle), 6);
        var safe = motors.ApplySafeState();
        Assert.Equal(2, safe.Count);
        Assert.Equal(0, safe.Values[0]);
        Assert.Equal(0.075, left.DutyCycle, 9);
        Assert.Equal(0.075, right.DutyCycle, 9);
    }
}
