using System;
using System.Device.Gpio;
using Realtime.Core.Pipeline;
using Realtime.Tests;

namespace Realtime.Gpio.Tests;

public sealed class RelayActuatorTests
{
    private static ActuatorCommand Command(float v)
    {
        var c = new ActuatorCommand { Count = 1 };
        c.Values[0] = v;
        return c;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OpensAtTheSafeLevelAndSwitchesOnlyOnChange(bool activeHigh)
    {
        using var relay = RelayActuator.OpenSimulated(17, activeHigh, out var gpio);
        PinValue open = activeHigh ? PinValue.Low : PinValue.High, closed = activeHigh ? PinValue.High : PinValue.Low;
        Assert.True(gpio.IsOpen(17));
        Assert.Equal(open, gpio.Level(17));
        Assert.Equal(open, relay.Controller.Read(17));
        long writes = gpio.Writes;
        relay.Apply(Command(1));
        relay.Apply(Command(1));
        Assert.Equal(closed, gpio.Level(17));
        Assert.True(relay.IsClosed);
        Assert.Equal(writes + 1, gpio.Writes);
        var w = gpio.RecentWrite(0);
        Assert.Equal((17, activeHigh), (w.Pin, w.High));
        Assert.Equal(0f, relay.ApplySafeState().Values[0]);
        Assert.Equal(open, gpio.Level(17));
        Assert.Equal(2, relay.Switches);
        Assert.True(gpio.RecentWrite(0).TimeNs >= w.TimeNs);
    }

    [Fact]
    public void SwitchingAllocatesNothing()
    {
        using var relay = RelayActuator.OpenSimulated(4, true, out _);
        var on = Command(1);
        var off = Command(0);
        relay.Apply(on);
        relay.Apply(off);
        Assert.Equal(0, ThreadAllocations.Least(() =>
        {
            relay.Apply(on);
            relay.Apply(off);
        }, warm: 0));
        Assert.Equal(0, ThreadAllocations.Least(() => relay.ApplySafeState(), n: 1, warm: 0));
    }

    [Fact]
    public void APinTheChipLacksIsRefused()
    {
        var driver = new SimulatedGpioDriver(pinCount: 8);
        using var controller = new GpioController(driver);
        Assert.ThrowsAny<Exception>(() => new RelayActuator(controller, 9, true, ownsController: false));
    }
}
