using System;
using System.Buffers.Binary;
using System.Device.I2c;
using System.Runtime.CompilerServices;
using Iot.Device.Adc;

namespace Realtime.Gpio.Power;

/// <summary>
/// An INA219: Iot.Device.Bindings' <see cref="Ina219"/> sets it up (reset, which leaves the 32 V
/// bus range and the ±320 mV shunt range, and the calibration for the profile's shunt and largest current, datasheet
/// eq. 1 and 2, so the current register reads in amperes); the readings are ours, from the bus
/// voltage and current registers over the same <see cref="I2cDevice"/>. The binding's
/// <c>ReadBusVoltage</c>/<c>ReadCurrent</c> return UnitsNet quantities, and the first one created
/// runs the quantity's static constructor, which registers conversion lambdas that box the
/// quantity, which keeps its <c>ToString</c>, whose formatter initializes <c>UnitsNetSetup</c>,
/// whose <c>UnitConverter.CreateDefault</c> looks up every quantity's conversions by reflection:
/// the NativeAOT publish's IL2075. Not reaching that code is the fix (no warning is suppressed);
/// it also reads the current register as the signed value it is (the binding reads it unsigned).
/// </summary>
public sealed class Ina219PowerSensor : IPowerSensor
{
    private readonly Ina219 _chip;
    private readonly I2cDevice _device;

    /// <summary>Sets the chip on <paramref name="device"/> up; takes ownership of the device (also when set-up fails).</summary>
    public Ina219PowerSensor(I2cDevice device, double shuntOhms, double maxCurrentA, string description)
    {
        _device = device;
        Description = description;
        CurrentLsbA = Ina219Registers.CurrentLsbFor(maxCurrentA);
        Calibration = Ina219Registers.CalibrationFor(CurrentLsbA, shuntOhms);
        try
        {
            _chip = new Ina219(device);
            // Reset leaves the configuration the readings assume (0x399F: 32 V bus range, ±320 mV shunt
            // range, 12-bit, continuous); the binding's range setters would read-modify-write it, which an
            // SMBus-only adapter cannot read back whole (two one-byte reads both return the high byte).
            _chip.Reset();
            _chip.SetCalibration(Calibration, (float)CurrentLsbA);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Description { get; }
    /// <summary>Amperes per bit of the current register.</summary>
    public double CurrentLsbA { get; }
    /// <summary>The calibration register value written.</summary>
    public ushort Calibration { get; }

    /// <inheritdoc/>
    public (double Volts, double Amps) Read()
    {
        // A supply dip can reset the chip and clear its calibration (then current reads 0): write it each time, as the binding does.
        Span<byte> cal = stackalloc byte[3];
        cal[0] = Ina219Registers.Calibration;
        BinaryPrimitives.WriteUInt16BigEndian(cal[1..], Calibration);
        _device.Write(cal);
        ushort bus = ReadRegister(Ina219Registers.BusVoltage);
        short current = (short)ReadRegister(Ina219Registers.Current);
        return ((bus >> 3) * Ina219Registers.BusLsbV, current * CurrentLsbA);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ushort ReadRegister(byte register)
    {
        Span<byte> pointer = stackalloc byte[1] { register };
        Span<byte> word = stackalloc byte[2];
        _device.WriteRead(pointer, word);
        return BinaryPrimitives.ReadUInt16BigEndian(word);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _chip.Dispose(); // leaves a device it was given alone
        _device.Dispose();
    }
}
