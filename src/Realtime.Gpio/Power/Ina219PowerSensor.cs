using System;
using System.Device.I2c;
using Iot.Device.Adc;

namespace Realtime.Gpio.Power;

/// <summary>
/// An INA219 through Iot.Device.Bindings' <see cref="Ina219"/>: reset, the 32 V bus range and
/// ±320 mV shunt range, and the calibration for the profile's shunt and largest current
/// (datasheet eq. 1 and 2), so its current register reads in amperes. The binding waits out a
/// conversion (about 0.5 ms) per reading: a housekeeping thread's job.
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
            _chip.Reset();
            _chip.BusVoltageRange = Ina219BusVoltageRange.Range32v;
            _chip.PgaSensitivity = Ina219PgaSensitivity.PlusOrMinus320mv;
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
    public (double Volts, double Amps) Read() => (_chip.ReadBusVoltage().Volts, _chip.ReadCurrent().Amperes);

    /// <inheritdoc/>
    public void Dispose()
    {
        _chip.Dispose(); // leaves a device it was given alone
        _device.Dispose();
    }
}
