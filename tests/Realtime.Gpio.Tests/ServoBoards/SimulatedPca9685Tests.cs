using System;
using System.IO;
using Realtime.Gpio.ServoBoards;

namespace Realtime.Gpio.Tests.ServoBoards;

/// <summary>The simulated PCA9685 behaves as the datasheet's register map says, through the I2C bus API.</summary>
public sealed class SimulatedPca9685Tests
{
    [Fact]
    public void PowersUpAsleepWithEveryChannelFullOffAndTheDefaultPrescaler()
    {
        var chip = new SimulatedPca9685();
        Assert.Equal(0x11, chip.Register(0x00));
        Assert.Equal(0x04, chip.Register(0x01));
        Assert.Equal(0x1E, chip.Register(0xFE));
        Assert.True(chip.Sleeping);
        for (int ch = 0; ch < 16; ch++)
        {
            Assert.Equal(((ushort)0, (ushort)0x1000), chip.Counts(ch));
            Assert.Equal(0, chip.PulseUs(ch));
        }
    }

    [Fact]
    public void PrescaleIsWrittenOnlyWhileAsleepAndNeverBelowThree()
    {
        var chip = new SimulatedPca9685();
        using var dev = chip.OpenI2c(1, 0x40);
        dev.Write(new byte[] { 0xFE, 121 });
        Assert.Equal(121, chip.Register(0xFE));
        dev.Write(new byte[] { 0xFE, 1 });
        Assert.Equal(3, chip.Register(0xFE));
        dev.Write(new byte[] { 0x00, 0x01 }); // awake
        dev.Write(new byte[] { 0xFE, 50 });
        Assert.Equal(3, chip.Register(0xFE));
    }

    [Fact]
    public void TheRegisterPointerAdvancesOnlyWithAutoIncrement()
    {
        var chip = new SimulatedPca9685();
        using var dev = chip.OpenI2c(1, 0x40);
        dev.Write(new byte[] { 0x06, 1, 2, 3, 4 }); // AI off: all four bytes land in LED0_ON_L
        Assert.Equal(4, chip.Register(0x06));
        Assert.Equal(0, chip.Register(0x07));
        dev.Write(new byte[] { 0x00, 0x21 }); // AI on, awake
        dev.Write(new byte[] { 0x06, 1, 2, 3, 4 });
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, new[] { chip.Register(6), chip.Register(7), chip.Register(8), chip.Register(9) });
        var back = new byte[4];
        dev.WriteRead(new byte[] { 0x06 }, back);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, back);
    }

    [Fact]
    public void AllLedWritesReachEveryChannelAndReadBackZero()
    {
        var chip = new SimulatedPca9685();
        using var dev = chip.OpenI2c(1, 0x40);
        dev.Write(new byte[] { 0x00, 0x21 });
        dev.Write(new byte[] { 0xFA, 0, 0, 0x33, 0x01 });
        for (int ch = 0; ch < 16; ch++) Assert.Equal(((ushort)0, (ushort)0x133), chip.Counts(ch));
        var back = new byte[1];
        dev.WriteRead(new byte[] { 0xFC }, back);
        Assert.Equal(0, back[0]);
    }

    [Fact]
    public void PulseFollowsTheCountsAndThePrescalerAndFullOffWins()
    {
        var chip = new SimulatedPca9685();
        using var dev = chip.OpenI2c(1, 0x40);
        dev.Write(new byte[] { 0xFE, 121 });
        dev.Write(new byte[] { 0x00, 0x21 });
        dev.Write(new byte[] { 0x06, 0x00, 0x00, 0x33, 0x01 }); // on 0, off 307
        double countUs = 122 / 25.0; // (prescale + 1) / 25 MHz
        Assert.Equal(307 * countUs, chip.PulseUs(0), 9);
        dev.Write(new byte[] { 0x06, 0x00, 0x10, 0x00, 0x00 }); // full on
        Assert.Equal(4096 * countUs, chip.PulseUs(0), 9);
        dev.Write(new byte[] { 0x06, 0x00, 0x10, 0x00, 0x10 }); // full on and full off: off wins
        Assert.Equal(0, chip.PulseUs(0));
        Assert.Equal(25e6 / (4096 * 122), chip.FrequencyHz, 9);
    }

    [Fact]
    public void OnlyItsOwnAddressAnswersAndAnUnpluggedChipFails()
    {
        var chip = new SimulatedPca9685(0x41);
        using var wrong = chip.OpenI2c(1, 0x40);
        var ex = Assert.Throws<IOException>(() => wrong.Write(new byte[] { 0x00, 0x21 }));
        Assert.Contains("0x40", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PCA9685 is at 0x41", ex.Message, StringComparison.Ordinal);
        using var right = chip.OpenI2c(1, 0x41);
        chip.Connected = false;
        Assert.Throws<IOException>(() => right.Write(new byte[] { 0x00, 0x21 }));
        Assert.Equal(0, chip.Transactions);
    }
}
