using System;
using System.Device.Pwm;
using Realtime.Core.Pipeline;
using Realtime.Gpio;

namespace Realtime.Gpio.Tests;

/// <summary>Servos on simulated PWM channels: calibrated writes per channel, the safe state, and construction checks.</summary>
public sealed class ServoActuatorTests
{
    private static readonly ServoCalibration Pan = new(50, 1000, 2000, -45, 45, SafeAngleDeg: 0);
    private static readonly ServoCalibration Tilt = new(50, 1000, 2000, -30, 30, SafeAngleDeg: 10);

    private static ServoActuator Open() => ServoActuator.OpenSimulated(new[] { (0, 0, Pan), (0, 1, Tilt) });

    private static SimulatedPwmChannel Sim(ServoActuator a, int i) => Assert.IsType<SimulatedPwmChannel>(a.PwmChannels[i]);

    private static ActuatorCommand Command(params float[] values)
    {
        var c = new ActuatorCommand { Count = values.Length };
        for (int i = 0; i < values.Length; i++) c.Values[i] = values[i];
        return c;
    }

    [Fact]
    public void OpenSimulatedStartsEveryChannelAtItsSafeDutyWithoutAWrite()
    {
        using var a = Open();
        Assert.Equal(2, a.Channels);
        Assert.Equal((0, 0), (Sim(a, 0).Chip, Sim(a, 0).Channel));
        Assert.Equal((0, 1), (Sim(a, 1).Chip, Sim(a, 1).Channel));
        Assert.True(Sim(a, 0).IsRunning);
        Assert.True(Sim(a, 1).IsRunning);
        Assert.Equal(Pan.DutyCycleFor(0), Sim(a, 0).DutyCycle, 12);
        Assert.Equal(Tilt.DutyCycleFor(10), Sim(a, 1).DutyCycle, 12);
        Assert.Equal(0, Sim(a, 0).Writes);
        Assert.Equal(0, Sim(a, 1).Writes);
    }

    [Fact]
    public void ApplyWritesEachChannelsCalibratedDuty()
    {
        using var a = Open();
        a.Apply(Command(45, -30));
        Assert.Equal(0.10, Sim(a, 0).DutyCycle, 12);
        Assert.Equal(0.05, Sim(a, 1).DutyCycle, 12);
        a.Apply(Command(-22.5f, 15));
        Assert.Equal(Pan.DutyCycleFor(-22.5), Sim(a, 0).RecentWrite(0).Duty, 12);
        Assert.Equal(Tilt.DutyCycleFor(15), Sim(a, 1).RecentWrite(0).Duty, 12);
        Assert.Equal(0.10, Sim(a, 0).RecentWrite(1).Duty, 12);
        Assert.Equal(2, Sim(a, 0).Writes);
        Assert.Equal(2, Sim(a, 1).Writes);
    }

    [Fact]
    public void ApplyClampsAnglesOutsideAServosRange()
    {
        using var a = Open();
        a.Apply(Command(90, -90));
        Assert.Equal(0.10, Sim(a, 0).DutyCycle, 12);
        Assert.Equal(0.05, Sim(a, 1).DutyCycle, 12);
    }

    [Fact]
    public void ApplyOfAShorterCommandWritesOnlyItsChannels()
    {
        using var a = Open();
        a.Apply(Command(20));
        Assert.Equal(1, Sim(a, 0).Writes);
        Assert.Equal(0, Sim(a, 1).Writes);
    }

    [Fact]
    public void ApplySafeStateWritesEachSafeAngleAndReturnsTheSafeCommand()
    {
        using var a = Open();
        a.Apply(Command(40, -25));
        ActuatorCommand safe = a.ApplySafeState();
        Assert.Equal(2, safe.Count);
        Assert.Equal(0f, safe.Values[0]);
        Assert.Equal(10f, safe.Values[1]);
        Assert.Equal(Pan.DutyCycleFor(0), Sim(a, 0).RecentWrite(0).Duty, 12);
        Assert.Equal(Tilt.DutyCycleFor(10), Sim(a, 1).RecentWrite(0).Duty, 12);
        Assert.Equal(2, Sim(a, 0).Writes);
        Assert.Equal(a.SafeCommand.Values[1], safe.Values[1]);
    }

    [Fact]
    public void ConstructorRejectsOneCalibrationTooFewOrTooMany()
    {
        var ch = new PwmChannel[] { new SimulatedPwmChannel(0, 0, 50, 0.075), new SimulatedPwmChannel(0, 1, 50, 0.075) };
        Assert.Throws<ArgumentException>(() => new ServoActuator(ch, new[] { Pan }));
        Assert.Throws<ArgumentException>(() => new ServoActuator(ch, new[] { Pan, Tilt, Pan }));
    }

    [Fact]
    public void ConstructorRejectsNoChannelsOrMoreThanACommandCarries()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServoActuator(Array.Empty<PwmChannel>(), Array.Empty<ServoCalibration>()));
        int n = ChannelValues.MaxChannels + 1;
        var ch = new PwmChannel[n];
        var cal = new ServoCalibration[n];
        for (int i = 0; i < n; i++) { ch[i] = new SimulatedPwmChannel(0, i, 50, 0.075); cal[i] = Pan; }
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServoActuator(ch, cal));
    }
}
