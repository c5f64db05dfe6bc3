using Realtime.Core.Sensors;
using System;
using System.IO;
using Realtime.Core.Profiles;
using Realtime.Gpio.Imu;

namespace Realtime.Gpio.Tests.Imu;

/// <summary>
/// The MPU-6050/6000 driver against the simulated chip, through System.Device.Gpio's I2C and SPI
/// device API: the register map's behaviour (power-on sleep, WHO_AM_I, full-scale bits, big-endian
/// words, auto-increment, SPI read bit, reset) and the scaling back to g, °/s and °C.
/// </summary>
public sealed class Mpu6050Tests
{
    private static readonly ImuSample Motion = new() { AccelX = 0.25f, AccelY = -0.5f, AccelZ = 0.8f, GyroX = 12.5f, GyroY = -100f, GyroZ = 3f, TemperatureC = 31.2f };

    private static void AssertNear(ImuSample expected, ImuSample actual, float accelLsb, float gyroLsb)
    {
        // One LSB of the range is the quantisation the chip's 16-bit words allow.
        Assert.InRange(actual.AccelX, expected.AccelX - 1 / accelLsb, expected.AccelX + 1 / accelLsb);
        Assert.InRange(actual.AccelY, expected.AccelY - 1 / accelLsb, expected.AccelY + 1 / accelLsb);
        Assert.InRange(actual.AccelZ, expected.AccelZ - 1 / accelLsb, expected.AccelZ + 1 / accelLsb);
        Assert.InRange(actual.GyroX, expected.GyroX - 1 / gyroLsb, expected.GyroX + 1 / gyroLsb);
        Assert.InRange(actual.GyroY, expected.GyroY - 1 / gyroLsb, expected.GyroY + 1 / gyroLsb);
        Assert.InRange(actual.GyroZ, expected.GyroZ - 1 / gyroLsb, expected.GyroZ + 1 / gyroLsb);
        Assert.InRange(actual.TemperatureC, expected.TemperatureC - 0.01f, expected.TemperatureC + 0.01f);
    }

    [Theory]
    [InlineData(AccelRange.G2, GyroRange.Dps250)]
    [InlineData(AccelRange.G4, GyroRange.Dps500)]
    [InlineData(AccelRange.G8, GyroRange.Dps1000)]
    [InlineData(AccelRange.G16, GyroRange.Dps2000)]
    public void OverI2cTheDriverWakesTheChipSetsItsRangesAndReadsTheMotionBack(AccelRange accel, GyroRange gyro)
    {
        var chip = new SimulatedMpu6050();
        Assert.Equal(Mpu6050Registers.SleepBit, chip.Register(Mpu6050Registers.PwrMgmt1));   // powers up asleep
        using var imu = Mpu6050.OnI2c(chip.OpenI2c(1, 0x68), accel, gyro);
        Assert.Equal(0, chip.Register(Mpu6050Registers.PwrMgmt1) & Mpu6050Registers.SleepBit);
        Assert.Equal((int)accel << 3, chip.Register(Mpu6050Registers.AccelConfig));
        Assert.Equal((int)gyro << 3, chip.Register(Mpu6050Registers.GyroConfig));
        chip.SetMotion(Motion);
        var s = new ImuSample();
        imu.Read(ref s);
        AssertNear(Motion, s, Mpu6050Registers.AccelLsbPerG((int)accel), Mpu6050Registers.GyroLsbPerDps((int)gyro));
        Assert.Equal("I2C bus 1 address 0x68", imu.Where);
    }

    [Fact]
    public void OverSpiTheSameRegisterMapAnswersWithTheReadBitAndTheI2cPortIsTurnedOff()
    {
        var chip = new SimulatedMpu6050();
        using var imu = Mpu6050.OnSpi(chip.OpenSpi(0, 1), AccelRange.G4, GyroRange.Dps500);
        Assert.Equal(Mpu6050Registers.I2cIfDisBit, chip.Register(Mpu6050Registers.UserCtrl));
        Assert.Equal(Mpu6050Registers.WhoAmIValue, imu.ReadRegister(Mpu6050Registers.WhoAmI));
        chip.SetMotion(Motion);
        var s = new ImuSample();
        imu.Read(ref s);
        AssertNear(Motion, s, Mpu6050Registers.AccelLsbPerG(1), Mpu6050Registers.GyroLsbPerDps(1));
        Assert.Equal("SPI bus 0 chip select 1", imu.Where);
    }

    [Fact]
    public void DataWordsAreBigEndianAndABurstReadAutoIncrements()
    {
        var chip = new SimulatedMpu6050();
        using var imu = Mpu6050.OnI2c(chip.OpenI2c(1, 0x68));
        chip.SetMotion(new ImuSample { AccelX = 1f, AccelZ = -1f });      // ±2 g: 16384 = 0x4000, -16384 = 0xC000
        Assert.Equal(0x40, imu.ReadRegister(Mpu6050Registers.AccelXoutH));
        Assert.Equal(0x00, imu.ReadRegister(Mpu6050Registers.AccelXoutH + 1));
        Assert.Equal(0xC0, imu.ReadRegister(Mpu6050Registers.AccelXoutH + 4));
        long before = chip.Transactions;
        var s = new ImuSample();
        imu.Read(ref s);
        Assert.Equal(1, chip.Transactions - before);                        // all seven values in one transaction
        Assert.Equal(1f, s.AccelX);
        Assert.Equal(-1f, s.AccelZ);
    }

    [Fact]
    public void ValuesBeyondTheRangeSaturateAsTheChipsWordsDo()
    {
        var chip = new SimulatedMpu6050();
        using var imu = Mpu6050.OnI2c(chip.OpenI2c(1, 0x68), AccelRange.G2, GyroRange.Dps250);
        chip.SetMotion(new ImuSample { AccelX = 5f, GyroZ = -400f });
        var s = new ImuSample();
        imu.Read(ref s);
        Assert.Equal(32767 / 16384f, s.AccelX);
        Assert.Equal(-32768 / 131f, s.GyroZ);
    }

    [Fact]
    public void DeviceResetPutsTheChipBackToSleepAndFreezesItsData()
    {
        var chip = new SimulatedMpu6050();
        using var imu = Mpu6050.OnI2c(chip.OpenI2c(1, 0x68));
        chip.SetMotion(new ImuSample { AccelZ = 1f });
        imu.WriteRegister(Mpu6050Registers.PwrMgmt1, Mpu6050Registers.ResetBit);
        Assert.Equal(Mpu6050Registers.SleepBit, chip.Register(Mpu6050Registers.PwrMgmt1));
        chip.SetMotion(new ImuSample { AccelZ = -1f });
        Assert.Equal(0, imu.ReadRegister(Mpu6050Registers.AccelXoutH + 4));   // asleep: not updated
    }

    [Fact]
    public void NoChipAtTheAddressIsAnIoErrorNamingTheAddress()
    {
        var chip = new SimulatedMpu6050();
        var ex = Assert.Throws<IOException>(() => Mpu6050.OnI2c(chip.OpenI2c(1, 0x69)));
        Assert.Contains("0x69", ex.Message, StringComparison.Ordinal);
        using var atHigh = Mpu6050.OnI2c(chip.OpenI2c(1, 0x69, ad0High: true));  // AD0 high: 0x69
        Assert.Equal(Mpu6050Registers.WhoAmIValue, atHigh.ReadRegister(Mpu6050Registers.WhoAmI));
    }

    [Fact]
    public void TheProfilesSensorOpensOnTheSimulatedBusOfItsKind()
    {
        var chip = new SimulatedMpu6050();
        using (var i2c = ImuBus.Open(new SensorProfile { Name = "imu", Chip = "mpu6050", Bus = "i2c", Device = "/dev/i2c-1", Address = "0x68" }, chip))
            Assert.Equal("I2C bus 1 address 0x68", i2c.Where);
        using (var spi = ImuBus.Open(new SensorProfile { Name = "imu", Chip = "mpu6000", Bus = "spi", Device = "/dev/spidev0.1" }, chip))
            Assert.Equal("SPI bus 0 chip select 1", spi.Where);
        var ex = Assert.Throws<ArgumentException>(() => ImuBus.Open(new SensorProfile { Name = "imu", Chip = "mpu6000", Bus = "spi", Device = "/dev/spi0" }, chip));
        Assert.Contains("/dev/spidevB.C", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnThisMachineTheRealI2cBusIsMissingAndSaysSo()
    {
        // No I2C adapter here: System.Device.Gpio's Linux device fails on open or first transfer.
        if (File.Exists("/dev/i2c-1")) return;
        var ex = Record.Exception(() => ImuBus.Open(new SensorProfile { Name = "imu", Chip = "mpu6050", Bus = "i2c", Device = "/dev/i2c-1", Address = "0x68" }));
        Assert.NotNull(ex);
        Assert.Contains("i2c-1", ex!.Message, StringComparison.Ordinal);
    }
}
