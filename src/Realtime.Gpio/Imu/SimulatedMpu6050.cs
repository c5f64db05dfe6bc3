using Realtime.Core.Sensors;
using System;
using System.Buffers.Binary;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;
using System.Threading;
using Realtime.Gpio.I2c;

namespace Realtime.Gpio.Imu;

/// <summary>
/// The simulated driver behind an MPU-6050/6000 on the <c>sim</c> board: the chip's register file
/// as the register map describes it (powers up asleep with PWR_MGMT_1 = 0x40, WHO_AM_I 0x68, data
/// registers frozen at 0 while asleep, full-scale bits scaling the data, big-endian words,
/// auto-increment on burst reads, DEVICE_RESET), fed with the true motion by a plant. Reach it
/// through System.Device.Gpio's bus API with <see cref="OpenI2c"/> or <see cref="OpenSpi"/>.
/// </summary>
public sealed class SimulatedMpu6050 : ISimulatedI2cChip
{
    private readonly byte[] _registers = new byte[128];
    private readonly object _gate = new();
    private ImuSample _truth;
    private long _transactions;

    /// <summary>A chip at power-on, at rest and level (1 g along +z), 25 °C.</summary>
    public SimulatedMpu6050()
    {
        Reset();
        SetMotion(new ImuSample { AccelZ = 1f, TemperatureC = 25f });
    }

    /// <summary>Whether the chip answers on its bus (false: as if unplugged, every transaction fails as Linux reports a NAK).</summary>
    public bool Connected { get; set; } = true;

    /// <summary>Bus transactions so far.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>The register's current value (tests).</summary>
    public byte Register(byte register) { lock (_gate) return _registers[register & 0x7F]; }

    /// <summary>Sets what the sensor feels now: acceleration in g, angular rate in °/s, temperature in °C.</summary>
    public void SetMotion(in ImuSample truth)
    {
        lock (_gate)
        {
            _truth = truth;
            Latch();
        }
    }

    /// <summary>An I2C device at <paramref name="address"/> on bus <paramref name="busId"/>; the chip answers at 0x68 (AD0 low) or 0x69 (<paramref name="ad0High"/>).</summary>
    public I2cDevice OpenI2c(int busId, int address, bool ad0High = false) =>
        new SimulatedI2cDevice(this, new I2cConnectionSettings(busId, address), ad0High ? Mpu6050Registers.AddressAd0High : Mpu6050Registers.AddressAd0Low);

    /// <inheritdoc/>
    string ISimulatedI2cChip.ChipName => "MPU-6050";

    void ISimulatedI2cChip.Transact(ReadOnlySpan<byte> write, Span<byte> read, ref byte pointer) => Transact(write, read, ref pointer);

    /// <summary>An SPI device on bus <paramref name="busId"/>, chip select <paramref name="chipSelect"/>.</summary>
    public SpiDevice OpenSpi(int busId, int chipSelect) =>
        new SimulatedSpiDevice(this, new SpiConnectionSettings(busId, chipSelect) { Mode = SpiMode.Mode3, ClockFrequency = 1_000_000 });

    private void Reset()
    {
        Array.Clear(_registers);
        _registers[Mpu6050Registers.WhoAmI] = Mpu6050Registers.WhoAmIValue;
        _registers[Mpu6050Registers.PwrMgmt1] = Mpu6050Registers.SleepBit;
    }

    /// <summary>Writes the true motion into the data registers at the configured scales (not while asleep: the data then stay as they were).</summary>
    private void Latch()
    {
        if ((_registers[Mpu6050Registers.PwrMgmt1] & Mpu6050Registers.SleepBit) != 0) return;
        float a = Mpu6050Registers.AccelLsbPerG((_registers[Mpu6050Registers.AccelConfig] >> 3) & 3);
        float g = Mpu6050Registers.GyroLsbPerDps((_registers[Mpu6050Registers.GyroConfig] >> 3) & 3);
        Span<byte> d = _registers.AsSpan(Mpu6050Registers.AccelXoutH, Mpu6050Registers.DataBytes);
        BinaryPrimitives.WriteInt16BigEndian(d, Saturate(_truth.AccelX * a));
        BinaryPrimitives.WriteInt16BigEndian(d[2..], Saturate(_truth.AccelY * a));
        BinaryPrimitives.WriteInt16BigEndian(d[4..], Saturate(_truth.AccelZ * a));
        BinaryPrimitives.WriteInt16BigEndian(d[6..], Mpu6050Registers.TemperatureRaw(_truth.TemperatureC));
        BinaryPrimitives.WriteInt16BigEndian(d[8..], Saturate(_truth.GyroX * g));
        BinaryPrimitives.WriteInt16BigEndian(d[10..], Saturate(_truth.GyroY * g));
        BinaryPrimitives.WriteInt16BigEndian(d[12..], Saturate(_truth.GyroZ * g));
    }

    private static short Saturate(float v) => (short)Math.Clamp(MathF.Round(v), short.MinValue, short.MaxValue);

    /// <summary>A register write from the bus; read-only registers ignore it, as the chip does.</summary>
    private void Write(byte register, byte value)
    {
        register &= 0x7F;
        if (register == Mpu6050Registers.WhoAmI || (register >= Mpu6050Registers.AccelXoutH && register < Mpu6050Registers.AccelXoutH + Mpu6050Registers.DataBytes)) return;
        if (register == Mpu6050Registers.PwrMgmt1 && (value & Mpu6050Registers.ResetBit) != 0)
        {
            Reset();
            return;
        }
        _registers[register] = value;
        Latch();
    }

    /// <summary>One bus transaction: an optional register pointer and writes, then reads from the pointer on, auto-incrementing.</summary>
    private void Transact(ReadOnlySpan<byte> write, Span<byte> read, ref byte pointer)
    {
        if (!Connected) throw new IOException("Error 6 performing bus transfer: the simulated MPU-6050 does not answer (disconnected)");
        lock (_gate)
        {
            Interlocked.Increment(ref _transactions);
            if (write.Length > 0)
            {
                pointer = (byte)(write[0] & 0x7F);
                for (int i = 1; i < write.Length; i++) Write((byte)(pointer + i - 1), write[i]);
            }
            for (int i = 0; i < read.Length; i++) read[i] = _registers[(pointer + i) & 0x7F];
            pointer = (byte)((pointer + read.Length) & 0x7F);
        }
    }

    private sealed class SimulatedSpiDevice : SpiDevice
    {
        private readonly SimulatedMpu6050 _chip;
        private readonly SpiConnectionSettings _settings;
        private byte _pointer;

        public SimulatedSpiDevice(SimulatedMpu6050 chip, SpiConnectionSettings settings)
        {
            _chip = chip;
            _settings = settings;
        }

        public override SpiConnectionSettings ConnectionSettings => _settings;

        public override byte ReadByte() => throw new NotSupportedException("the MPU-6000 answers only inside a transfer that starts with a register address: use TransferFullDuplex");
        public override void Read(Span<byte> buffer) => throw new NotSupportedException("the MPU-6000 answers only inside a transfer that starts with a register address: use TransferFullDuplex");
        public override void WriteByte(byte value) => Write(stackalloc byte[1] { value });

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Span<byte> ignored = stackalloc byte[buffer.Length];
            TransferFullDuplex(buffer, ignored);
        }

        /// <summary>First byte: bit 7 read (1) or write (0), bits 6:0 the register; the rest are data out or clocked-in answers.</summary>
        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            if (writeBuffer.Length != readBuffer.Length) throw new ArgumentException("SPI is full duplex: both buffers must have the same length");
            if (writeBuffer.Length == 0) return;
            readBuffer[0] = 0;
            if ((writeBuffer[0] & Mpu6050Registers.SpiReadBit) != 0)
            {
                _chip.Transact(writeBuffer[..1], readBuffer[1..], ref _pointer);
            }
            else
            {
                _chip.Transact(writeBuffer, Span<byte>.Empty, ref _pointer);
                readBuffer[1..].Clear();
            }
        }
    }
}
