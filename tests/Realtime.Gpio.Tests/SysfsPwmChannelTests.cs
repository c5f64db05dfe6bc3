using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.Gpio.Tests;

/// <summary>
/// The sysfs PWM channel's writes, into a folder laid out like /sys/class/pwm (the qemu rig,
/// tests/rig, drives the kernel's own sysfs PWM with it): values in ns as ASCII lines, the duty
/// never above the period, every value written (a foreign write is put right), and no allocation per write.
/// </summary>
public sealed class SysfsPwmChannelTests : IDisposable
{
    private readonly string _class = Path.Combine(Path.GetTempPath(), "rtapp-pwm-" + Guid.NewGuid().ToString("N"));
    private readonly string _pwm;

    public SysfsPwmChannelTests()
    {
        _pwm = Path.Combine(_class, "pwmchip0", "pwm1");
        Directory.CreateDirectory(_pwm);
        foreach (string f in new[] { "period", "duty_cycle", "enable" }) File.WriteAllText(Path.Combine(_pwm, f), "0\n");
    }

    public void Dispose() => Directory.Delete(_class, recursive: true);

    // sysfs takes one write at offset 0; a regular file keeps a longer old tail after the newline.
    private string Value(string file) => File.ReadAllText(Path.Combine(_pwm, file)).Split('\n')[0];

    [Fact]
    public void WritesPeriodDutyAndEnableInNanoseconds()
    {
        using var ch = new SysfsPwmChannel(_class, 0, 1, 50, 0.075);
        Assert.Equal("20000000", Value("period"));
        Assert.Equal("1500000", Value("duty_cycle"));
        Assert.Equal("0", Value("enable"));
        ch.Start();
        Assert.Equal("1", Value("enable"));
        ch.DutyCycle = 0.1;
        Assert.Equal("2000000", Value("duty_cycle"));
        Assert.Equal(2_000_000, ch.DutyCycleNs);
        ch.Frequency = 100; // the duty (2 ms) still fits 10 ms: the period shrinks, the duty follows the ratio
        Assert.Equal("10000000", Value("period"));
        Assert.Equal("1000000", Value("duty_cycle"));
        ch.Stop();
        Assert.Equal("0", Value("enable"));
    }

    [Fact]
    public void AnUnchangedDutyIsWrittenAgainSoAForeignWriteIsPutRight()
    {
        using var ch = new SysfsPwmChannel(_class, 0, 1, 50, 0.075);
        File.WriteAllText(Path.Combine(_pwm, "duty_cycle"), "1900000\n");   // someone else's write
        ch.DutyCycle = 0.075;
        Assert.Equal("1500000", Value("duty_cycle"));
    }

    [Fact]
    public void WritesAllocateNothingAfterTheFirst()
    {
        using var ch = new SysfsPwmChannel(_class, 0, 1, 50, 0.075);
        ch.Start();
        for (int i = 0; i < 10; i++) ch.DutyCycle = 0.05 + i * 0.001;
        int k = 0;
        long allocated = ThreadAllocations.Least(() => ch.DutyCycle = 0.05 + (k++ % 50) * 0.001, n: 1000, warm: 0);
        Assert.Equal(0, allocated);
        Assert.Equal("20000000", Value("period"));
        Assert.Equal(((long)Math.Round(20_000_000 * (0.05 + 49 * 0.001))).ToString(System.Globalization.CultureInfo.InvariantCulture), Value("duty_cycle"));
    }

    [Fact]
    public void AMissingChipIsNamed()
    {
        var ex = Assert.Throws<IOException>(() => new SysfsPwmChannel(_class, 7, 0, 50, 0.075));
        Assert.Contains("pwmchip7", ex.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ADutyOutsideZeroToOneIsRefused(double duty)
    {
        using var ch = new SysfsPwmChannel(_class, 0, 1, 50, 0.075);
        Assert.Throws<ArgumentOutOfRangeException>(() => ch.DutyCycle = duty);
        Assert.Equal("1500000", Value("duty_cycle"));
    }
}
