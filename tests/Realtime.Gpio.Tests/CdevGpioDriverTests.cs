using System;
using System.IO;
using Realtime.Gpio;
using Xunit;

namespace Realtime.Gpio.Tests;

/// <summary>
/// The GPIO character-device driver's refusals, on this machine (which has no GPIO chip). Its writes
/// on a real chip, 0 B a frame, are proven in the real-driver rig (RigTests: the relay checks).
/// </summary>
public sealed class CdevGpioDriverTests
{
    [Fact]
    public void AMissingChipIsAnIoErrorNamingItsDeviceNode()
    {
        // The highest chip number no machine has: the error names the node and what to check.
        var ex = Assert.Throws<IOException>(() => new CdevGpioDriver(4095));
        Assert.Contains("/dev/gpiochip4095", ex.Message);
        Assert.Contains("No such file or directory", ex.Message);
    }

    [Fact]
    public void AFailedOpenLeavesTheFinalizerNothingToCloseAndStdinOpen()
    {
        // The driver's base class has a finalizer: it runs on the half-made object a throwing
        // constructor leaves (it once crashed the process there, and would have closed fd 0).
        for (int i = 0; i < 20; i++) Assert.Throws<IOException>(() => new CdevGpioDriver(4095));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(File.Exists("/proc/self/fd/0"), "stdin (fd 0) was closed");
    }

    [Fact]
    public void ANegativeChipNumberIsRefusedBeforeAnythingOpens()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CdevGpioDriver(-1));
        Assert.Contains("-1", ex.Message);
    }

    [Fact]
    public void ARelayOnAMissingChipFailsWithTheChipsNameAndLeavesNothingOpen()
    {
        int fds = Directory.GetFiles("/proc/self/fd").Length;
        var ex = Assert.Throws<IOException>(() => RelayActuator.OpenHardware(pin: 3, activeHigh: true, chip: 4095));
        Assert.Contains("/dev/gpiochip4095", ex.Message);
        Assert.Equal(fds, Directory.GetFiles("/proc/self/fd").Length);
    }
}
