using System;
using System.IO;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// <c>rtapp check</c> on the generic-x86 PCA9685 variant: its servos and power monitor are on an
/// I2C bus device, not a pwmchip, and check says whether that device is there.
/// </summary>
public sealed class Pca9685CliTests
{
    [Fact]
    public void CheckLooksForTheBusDeviceNotAPwmChip()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "check", "--board", "generic-x86-pca9685");
        Assert.DoesNotContain("pwmchip", r.Stdout);
        if (File.Exists("/dev/i2c-1"))
        {
            Assert.Contains("[ ok ] PWM 'pan': PCA9685 at /dev/i2c-1 0x40 channel 0", r.Stdout);
            Assert.Contains("[ ok ] sensor 'servo-power': ina219 power monitor at /dev/i2c-1 0x41", r.Stdout);
        }
        else
        {
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("[FAIL] PWM 'pan': /dev/i2c-1 does not exist", r.Stdout);
            Assert.Contains("[FAIL] PWM 'tilt': /dev/i2c-1 does not exist", r.Stdout);
            Assert.Contains("[FAIL] sensor 'servo-power': /dev/i2c-1 does not exist (rtapp run stops on it)", r.Stdout);
            Assert.Contains("modprobe i2c-dev", r.Stdout);
        }
    }
}
