using Realtime.Core.Sensors;
using System;
using System.Buffers.Binary;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;

namespace Realtime.Gpio.Imu;

/// <summary>Full-scale ranges of the MPU-6050's accelerometer.</summary>
public enum AccelRange
{
    /// <summary>±2 g.</summary>
    G2 = 0,
    /// <summary>±4 g.</summary>
    G4 = 1,
    /// <summary>±8 g.</summary>
    G8 = 2,
    /// <summary>±16 g.</summary>
    G16 = 3,
}

/// <summary>Full-scale ranges of the MPU-6050's gyroscope.</summary>
public enum GyroRange
{
    /// <summary>±250 °/s.</summary>
    Dps250 = 0,
    /// <summary>±500 °/s.</summary>
    Dps500 = 1,
    /// <summary>±1000 °/s.</summary>
    Dps1000 = 2,
    /// <summary>±2000 °/s.</summary>
    Dps2000 = 3,
}

/// <summary>
/// An InvenSense MPU-6050 (I2C) or MPU-6000 (SPI or I2C) 6-axis IMU through System.Device.Gpio's
/// <see cref="I2cDevice"/> or <see cref="SpiDevice"/>: the same register map on both buses. Open
/// checks WHO_AM_I, wakes the chip (it powers up asleep) on the gyro's PLL clock and sets the
/// ranges and low-pass filter. <see cref="Read"/> is one 14-byte burst (so the seven values are
/// from one sampling instant) into buffers allocated here: it allocates nothing.
/// </summary>
public sealed class Mpu6050 : IDisposable
{
    private readonly I2cDevice? _i2c;
    private readonly SpiDevice? _spi;
    private readonly byte[] _tx = new byte[1 + Mpu6050Registers.DataBytes];
    private readonly byte[] _rx = new byte[1 + Mpu6050Registers.DataBytes];
    private readonly float _accelLsbPerG;
    private readonly float _gyroLsbPerDps;

    private Mpu6050(I2cDevice? i2c, SpiDevice? spi, AccelRange accel, GyroRange gyro, int dlpf, string where)
    {
        _i2c = i2c;
        _spi = spi;
        Where = where;
        byte who = ReadRegister(Mpu6050Registers.WhoAmI);
        if ((who & 0x7E) != Mpu6050Registers.WhoAmIValue)
            throw new IOException($"{where}: WHO_AM_I reads 0x{who:X2}, not 0x68: no MPU-6050/6000 answers there");
        if (spi is not null) WriteRegister(Mpu6050Registers.UserCtrl, Mpu6050Registers.I2cIfDisBit);
        WriteRegister(Mpu6050Registers.PwrMgmt1, 0x01);       // awake, clock from the x gyro's PLL
        WriteRegister(Mpu6050Registers.Config, (byte)(dlpf & 0x07));
        WriteRegister(Mpu6050Registers.GyroConfig, (byte)((int)gyro << 3));
        WriteRegister(Mpu6050Registers.AccelConfig, (byte)((int)accel << 3));
        if ((ReadRegister(Mpu6050Registers.PwrMgmt1) & Mpu6050Registers.SleepBit) != 0)
            throw new IOException($"{where}: the chip stays asleep after PWR_MGMT_1 was written");
        _accelLsbPerG = Mpu6050Registers.AccelLsbPerG((int)accel);
        _gyroLsbPerDps = Mpu6050Registers.GyroLsbPerDps((int)gyro);
    }

    /// <summary>The bus and address or chip select, in words.</summary>
    public string Where { get; }

    /// <summary>Opens the chip on an I2C device (address 0x68 or 0x69). <paramref name="dlpf"/> is DLPF_CFG 0..6.</summary>
    public static Mpu6050 OnI2c(I2cDevice device, AccelRange accel = AccelRange.G2, GyroRange gyro = GyroRange.Dps250, int dlpf = 3)
    {
        var s = device.ConnectionSettings;
        return new Mpu6050(device, null, accel, gyro, dlpf, $"I2C bus {s.BusId} address 0x{s.DeviceAddress:X2}");
    }

    /// <summary>Opens an MPU-6000 on an SPI device (mode 3, at most 1 MHz for register writes).</summary>
    public static Mpu6050 OnSpi(SpiDevice device, AccelRange accel = AccelRange.G2, GyroRange gyro = GyroRange.Dps250, int dlpf = 3)
    {
        var s = device.ConnectionSettings;
        return new Mpu6050(null, device, accel, gyro, dlpf, $"SPI bus {s.BusId} chip select {s.ChipSelectLine}");
    }

    /// <summary>Reads one register.</summary>
    public byte ReadRegister(byte register)
    {
        Transfer(register, 1);
        return _rx[1];
    }

    /// <summary>Writes one register.</summary>
    public void WriteRegister(byte register, byte value)
    {
        _tx[0] = register;
        _tx[1] = value;
        if (_i2c is not null)
        {
            _i2c.Write(_tx.AsSpan(0, 2));
        }
        else
        {
            _tx[0] = (byte)(register & 0x7F);
            _spi!.TransferFullDuplex(_tx.AsSpan(0, 2), _rx.AsSpan(0, 2));
        }
    }

    /// <summary>One burst read of accelerometer, temperature and gyroscope, scaled to g, °C and °/s. Allocates nothing.</summary>
    public void Read(ref ImuSample sample)
    {
        Transfer(Mpu6050Registers.AccelXoutH, Mpu6050Registers.DataBytes);
        ReadOnlySpan<byte> data = _rx.AsSpan(1, Mpu6050Registers.DataBytes);
        sample.AccelX = BinaryPrimitives.ReadInt16BigEndian(data) / _accelLsbPerG;
        sample.AccelY = BinaryPrimitives.ReadInt16BigEndian(data[2..]) / _accelLsbPerG;
        sample.AccelZ = BinaryPrimitives.ReadInt16BigEndian(data[4..]) / _accelLsbPerG;
        sample.TemperatureC = Mpu6050Registers.TemperatureC(BinaryPrimitives.ReadInt16BigEndian(data[6..]));
        sample.GyroX = BinaryPrimitives.ReadInt16BigEndian(data[8..]) / _gyroLsbPerDps;
        sample.GyroY = BinaryPrimitives.ReadInt16BigEndian(data[10..]) / _gyroLsbPerDps;
        sample.GyroZ = BinaryPrimitives.ReadInt16BigEndian(data[12..]) / _gyroLsbPerDps;
    }

    /// <summary>Reads <paramref name="count"/> registers from <paramref name="register"/> on (auto-increment) into <c>_rx[1..]</c>.</summary>
    private void Transfer(byte register, int count)
    {
        if (_i2c is not null)
        {
            _tx[0] = register;
            _i2c.WriteRead(_tx.AsSpan(0, 1), _rx.AsSpan(1, count));
            return;
        }
        // SPI: the first byte carries the address with the read bit; the answer follows it, so _rx[0] is the byte clocked in meanwhile.
        int n = count + 1;
        _tx.AsSpan(0, n).Clear();
        _tx[0] = (byte)(register | Mpu6050Registers.SpiReadBit);
        _spi!.TransferFullDuplex(_tx.AsSpan(0, n), _rx.AsSpan(0, n));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _i2c?.Dispose();
        _spi?.Dispose();
    }
}
