using System;
using System.Device.I2c;
using System.Device.Spi;
using System.Globalization;
using System.IO;
using Realtime.Core.Profiles;

namespace Realtime.Gpio.Imu;

/// <summary>Opens a profile's IMU sensor on its real bus, or on the simulated chip of a simulated board.</summary>
public static class ImuBus
{
    /// <summary>
    /// Opens <paramref name="sensor"/> (<c>chip</c> mpu6050 or mpu6000): on its Linux bus device
    /// (<c>/dev/i2c-N</c> at its address, or <c>/dev/spidevB.C</c>), or, when
    /// <paramref name="simulated"/> is given, on that chip through the same bus API.
    /// </summary>
    public static Mpu6050 Open(SensorProfile sensor, SimulatedMpu6050? simulated = null)
    {
        if (sensor.Chip is not ("mpu6050" or "mpu6000"))
            throw new ArgumentException($"sensor '{sensor.Name}': chip '{sensor.Chip}' has no IMU driver (mpu6050, mpu6000)", nameof(sensor));
        if (sensor.Bus == "i2c")
        {
            int bus = DeviceNumber(sensor.Device, "/dev/i2c-", sensor.Name);
            int address = int.Parse(sensor.Address.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            I2cDevice device = simulated is not null
                ? simulated.OpenI2c(bus, address, ad0High: address == Mpu6050Registers.AddressAd0High)
                : Realtime.Gpio.I2c.SmbusI2cDevice.Open(bus, address); // plain I2C, or SMBus where the adapter only does that
            return OpenOrDispose(() => Mpu6050.OnI2c(device), device);
        }
        if (sensor.Bus == "spi")
        {
            // /dev/spidevB.C: bus B, chip select C. The MPU-6000 takes SPI mode 3, at most 1 MHz for register access.
            string name = Path.GetFileName(sensor.Device);
            int dot = name.IndexOf('.');
            if (!name.StartsWith("spidev", StringComparison.Ordinal) || dot < 0
                || !int.TryParse(name.AsSpan(6, dot - 6), NumberStyles.None, CultureInfo.InvariantCulture, out int bus)
                || !int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int cs))
                throw new ArgumentException($"sensor '{sensor.Name}': an SPI device is /dev/spidevB.C, got '{sensor.Device}'", nameof(sensor));
            SpiDevice device = simulated is not null
                ? simulated.OpenSpi(bus, cs)
                : SpiDevice.Create(new SpiConnectionSettings(bus, cs) { Mode = SpiMode.Mode3, ClockFrequency = 1_000_000 });
            return OpenOrDispose(() => Mpu6050.OnSpi(device), device);
        }
        throw new ArgumentException($"sensor '{sensor.Name}': an MPU-6050/6000 is on i2c or spi, not '{sensor.Bus}'", nameof(sensor));
    }

    private static int DeviceNumber(string device, string prefix, string sensor)
    {
        if (!device.StartsWith(prefix, StringComparison.Ordinal)
            || !int.TryParse(device.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new ArgumentException($"sensor '{sensor}': expected {prefix}N, got '{device}'", nameof(device));
        return n;
    }

    private static Mpu6050 OpenOrDispose(Func<Mpu6050> open, IDisposable device)
    {
        try
        {
            return open();
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }
}
