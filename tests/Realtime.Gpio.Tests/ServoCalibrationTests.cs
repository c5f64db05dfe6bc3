using Realtime.Gpio;

namespace Realtime.Gpio.Tests;

/// <summary>Angle ↔ duty cycle of a hobby servo: 1000–2000 µs pulses in a 50 Hz (20 ms) frame.</summary>
public sealed class ServoCalibrationTests
{
    private static readonly ServoCalibration Pan = new(FrequencyHz: 50, MinPulseUs: 1000, MaxPulseUs: 2000, MinAngleDeg: -45, MaxAngleDeg: 45, SafeAngleDeg: 0);

    [Theory]
    [InlineData(-45, 0.05)]  // 1000 µs of 20000
    [InlineData(45, 0.10)]   // 2000 µs
    [InlineData(0, 0.075)]   // 1500 µs
    [InlineData(22.5, 0.0875)]
    public void DutyCycleForAnAngleIsItsPulseWidthOverThePeriod(double angle, double duty)
    {
        Assert.Equal(duty, Pan.DutyCycleFor(angle), 12);
    }

    [Theory]
    [InlineData(-45)]
    [InlineData(-10.25)]
    [InlineData(0)]
    [InlineData(33.3)]
    [InlineData(45)]
    public void AngleForInvertsDutyCycleFor(double angle)
    {
        Assert.Equal(angle, Pan.AngleFor(Pan.DutyCycleFor(angle)), 9);
    }

    [Fact]
    public void AnglesOutsideTheRangeClampToTheEndPulses()
    {
        Assert.Equal(0.05, Pan.DutyCycleFor(-90), 12);
        Assert.Equal(0.10, Pan.DutyCycleFor(200), 12);
    }

    [Fact]
    public void DutyCyclesOutsideTheServoPulseRangeClampToTheEndAngles()
    {
        Assert.Equal(-45, Pan.AngleFor(0.01), 12);
        Assert.Equal(45, Pan.AngleFor(0.5), 12);
    }

    [Fact]
    public void AnotherFrequencyScalesTheDutyCycle()
    {
        var fast = Pan with { FrequencyHz = 100 }; // 10 ms frame: the same pulses are twice the duty
        Assert.Equal(0.15, fast.DutyCycleFor(0), 12);
        Assert.Equal(0, fast.AngleFor(0.15), 9);
    }
}
