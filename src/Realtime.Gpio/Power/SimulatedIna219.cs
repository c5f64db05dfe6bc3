using System;
using System.Buffers.Binary;
using System.Device.I2c;
using System.IO;
using System.Threading;
using Realtime.Gpio.I2c;

namespace Realtime.Gpio.Power;

/// <summary>
/// The simulated driver behind an INA219 power monitor: the chip's register file as the datasheet
/// describes it (16-bit big-endian registers behind a pointer; the shunt register from the load
/// current through the shunt, saturating at the PGA's ±320 mV; the bus register in 4 mV steps with
/// CNVR set; current = shunt × calibration / 4096 and power = current × bus / 5000, computed by the
/// chip only once calibration is written; a reset bit that restores power-on values). A test or
/// plant sets the load with <see cref="SetLoad"/>. Reach it with <see cref="OpenI2c"/>.
/// </summary>
public sealed class SimulatedIna219 : ISimulatedI2cChip
{
    private readonly ushort[] _registers = new ushort[6];
    private readonly object _gate = new();
    private readonly int _address;
    private readonly double _shuntOhms;
    private double _busV;
    private double _currentA;
    private long _transactions;

    /// <summary>A chip at power-on at <paramref name="address"/>, measuring through a <paramref name="shuntOhms"/> shunt, no load.</summary>
    public SimulatedIna219(double shuntOhms, int address = 0x40)
    {
        if (!(shuntOhms > 0)) throw new ArgumentOutOfRangeException(nameof(shuntOhms));
        _shuntOhms = shuntOhms;
        _address = address;
        PowerOn();
    }

    /// <summary>Whether the chip answers on its bus.</summary>
    public bool Connected { get; set; } = true;
    /// <summary>Bus transactions so far.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);
    /// <inheritdoc/>
    public string ChipName => "INA219";

    /// <summary>A register's current value (tests).</summary>
    public ushort Register(byte register) { lock (_gate) return _registers[register]; }

    /// <summary>Sets what the chip measures now: the bus (load side) voltage and the current through the shunt.</summary>
    public void SetLoad(double busVolts, double amps)
    {
        lock (_gate)
        {
            _busV = busVolts;
            _currentA = amps;
            Convert();
        }
    }

    /// <summary>An I2C device at <paramref name="address"/> on bus <paramref name="busId"/>; only the chip's own address answers.</summary>
    public I2cDevice OpenI2c(int busId, int address) => new SimulatedI2cDevice(this, new I2cConnectionSettings(busId, address), _address);

    private void PowerOn()
    {
        Array.Clear(_registers);
        _registers[Ina219Registers.Configuration] = Ina219Registers.ConfigurationPowerOn;
        Convert();
    }

    /// <summary>One conversion of the present load into the result registers.</summary>
    private void Convert()
    {
        double shuntV = Math.Clamp(_currentA * _shuntOhms, -Ina219Registers.ShuntFullScaleV, Ina219Registers.ShuntFullScaleV);
        short shunt = (short)Math.Round(shuntV / Ina219Registers.ShuntLsbV);
        int bus = (int)Math.Clamp(Math.Round(_busV / Ina219Registers.BusLsbV), 0, 8191);
        _registers[Ina219Registers.ShuntVoltage] = (ushort)shunt;
        _registers[Ina219Registers.BusVoltage] = (ushort)((bus << 3) | 0x2); // CNVR: a conversion is ready
        ushort cal = _registers[Ina219Registers.Calibration];
        // Without calibration the chip leaves current and power at 0 (datasheet §8.5.1).
        short current = cal == 0 ? (short)0 : (short)Math.Clamp(shunt * cal / 4096, short.MinValue, short.MaxValue);
        _registers[Ina219Registers.Current] = (ushort)current;
        _registers[Ina219Registers.Power] = (ushort)Math.Clamp(Math.Abs(current) * bus / 5000, 0, ushort.MaxValue);
    }

    private void Write(byte register, ushort value)
    {
        if (register == Ina219Registers.Configuration)
        {
            if ((value & Ina219Registers.ResetBit) != 0) { PowerOn(); return; }
            _registers[register] = value;
        }
        else if (register == Ina219Registers.Calibration) _registers[register] = (ushort)(value & 0xFFFE);
        else return; // result registers are read-only
        Convert();
    }

    /// <inheritdoc/>
    public void Transact(ReadOnlySpan<byte> write, Span<byte> read, ref byte pointer)
    {
        if (!Connected) throw new IOException("Error 6 performing bus transfer: the simulated INA219 does not answer (disconnected)");
        lock (_gate)
        {
            Interlocked.Increment(ref _transactions);
            if (write.Length > 0)
            {
                if (write[0] >= _registers.Length) throw new IOException($"Error 121 performing I2C data transfer: the INA219 has no register 0x{write[0]:X2}");
                pointer = write[0];
                if (write.Length == 3) Write(pointer, BinaryPrimitives.ReadUInt16BigEndian(write[1..]));
                else if (write.Length != 1) throw new IOException($"Error 121 performing I2C data transfer: the INA219 takes a pointer and one 16-bit word, got {write.Length} bytes");
            }
            // Reads return the pointed register's word, high byte first, repeated (no auto-increment).
            for (int i = 0; i < read.Length; i++)
                read[i] = (i & 1) == 0 ? (byte)(_registers[pointer] >> 8) : (byte)_registers[pointer];
        }
    }
}
