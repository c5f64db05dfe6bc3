using System;
using Realtime.Gpio;

namespace Realtime.Gpio.Tests;

/// <summary>The simulated PWM driver: it checks duty cycles like a real one and logs writes in order.</summary>
public sealed class SimulatedPwmChannelTests
{
    [Fact]
    public void ANewChannelHoldsItsInitialDutyAndHasNoWrites()
    {
        var c = new SimulatedPwmChannel(chip: 2, channel: 1, frequencyHz: 50, dutyCycle: 0.075);
        Assert.Equal(2, c.Chip);
        Assert.Equal(1, c.Channel);
        Assert.Equal(50, c.Frequency);
        Assert.Equal(0.075, c.DutyCycle);
        Assert.Equal(0, c.Writes);
        Assert.False(c.IsRunning);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.RecentWrite(0));
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(1.001)]
    [InlineData(double.NegativeInfinity)]
    public void ADutyCycleOutsideZeroToOneIsRejectedAndNotLogged(double duty)
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.DutyCycle = duty);
        Assert.Equal(0.05, c.DutyCycle);
        Assert.Equal(0, c.Writes);
    }

    [Fact]
    public void ZeroAndOneAreValidDutyCycles()
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05);
        c.DutyCycle = 0;
        c.DutyCycle = 1;
        Assert.Equal(2, c.Writes);
        Assert.Equal(1.0, c.DutyCycle);
    }

    [Fact]
    public void WritesAreLoggedInOrderWithTheLastOneAtZero()
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05);
        c.DutyCycle = 0.06;
        c.DutyCycle = 0.07;
        c.DutyCycle = 0.08;
        Assert.Equal(3, c.Writes);
        Assert.Equal(0.08, c.RecentWrite(0).Duty);
        Assert.Equal(0.07, c.RecentWrite(1).Duty);
        Assert.Equal(0.06, c.RecentWrite(2).Duty);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.RecentWrite(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.RecentWrite(-1));
        // Monotonic stamps: a later write never carries an earlier time.
        Assert.True(c.RecentWrite(0).TimeNs >= c.RecentWrite(1).TimeNs);
        Assert.True(c.RecentWrite(1).TimeNs >= c.RecentWrite(2).TimeNs);
    }

    [Fact]
    public void TheLogKeepsOnlyTheLastCapacityWritesButCountsThemAll()
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05, logCapacity: 4);
        for (int i = 1; i <= 10; i++) c.DutyCycle = i / 100.0;
        Assert.Equal(10, c.Writes);
        for (int back = 0; back < 4; back++) Assert.Equal((10 - back) / 100.0, c.RecentWrite(back).Duty, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.RecentWrite(4));
    }

    [Fact]
    public void StartAndStopSetIsRunning()
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05);
        c.Start();
        Assert.True(c.IsRunning);
        c.Stop();
        Assert.False(c.IsRunning);
    }

    [Fact]
    public void ANonPositiveFrequencyIsRejected()
    {
        var c = new SimulatedPwmChannel(0, 0, 50, 0.05);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Frequency = 0);
        Assert.Equal(50, c.Frequency);
        c.Frequency = 333;
        Assert.Equal(333, c.Frequency);
    }

    [Fact]
    public void TwoThreadsWritingAtOnceAreCountedAsOverlaps()
    {
        // The detector the gate's tests rely on must see a real overlap: two writers, each write
        // 1 ms inside the driver, started together.
        using var ch = new SimulatedPwmChannel(0, 0, 50, 0.075) { WriteLatencyNs = 1_000_000 };
        using var go = new System.Threading.Barrier(2);
        var other = new System.Threading.Thread(() => { go.SignalAndWait(); for (int i = 0; i < 20; i++) ch.DutyCycle = 0.05; });
        other.Start();
        go.SignalAndWait();
        for (int i = 0; i < 20; i++) ch.DutyCycle = 0.1;
        other.Join();
        Assert.Equal(40, ch.Writes);
        Assert.True(ch.OverlappingWrites > 0);
        // One writer at a time: none.
        using var alone = new SimulatedPwmChannel(0, 1, 50, 0.075) { WriteLatencyNs = 100_000 };
        for (int i = 0; i < 20; i++) alone.DutyCycle = 0.1;
        Assert.Equal(0, alone.OverlappingWrites);
    }

    [Fact]
    public void FailedWritesThrowLikeTheKernelAndLeaveTheDutyUnchanged()
    {
        using var ch = new SimulatedPwmChannel(0, 0, 50, 0.075) { FailWrites = 2 };
        Assert.Equal("Invalid argument", Assert.Throws<System.IO.IOException>(() => ch.DutyCycle = 0.1).Message);
        Assert.Throws<System.IO.IOException>(() => ch.DutyCycle = 0.1);
        Assert.Equal(0.075, ch.DutyCycle);
        Assert.Equal(0, ch.Writes);
        ch.DutyCycle = 0.1;
        Assert.Equal(0.1, ch.DutyCycle);
        Assert.Equal(1, ch.Writes);
        Assert.Equal(0, ch.OverlappingWrites);
    }
}
