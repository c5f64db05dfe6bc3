using System;

namespace Realtime.Gpio.Power;

/// <summary>
/// The INA219's register map and scaling (TI INA219 datasheet, SBOS448G, §8.5 and §8.6): 16-bit
/// big-endian registers behind a register pointer; shunt voltage in 10 µV steps, bus voltage in
/// 4 mV steps (bits 15..3), current and power scaled by the calibration register.
/// </summary>
public static class Ina219Registers
{
    /// <summary>Configuration: reset, bus range, PGA, ADC settings, mode.</summary>
    public const byte Configuration = 0x00;
    /// <summary>Shunt voltage, signed, 10 µV per bit.</summary>
    public const byte ShuntVoltage = 0x01;
    /// <summary>Bus voltage: bits 15..3 in 4 mV steps, bit 1 CNVR, bit 0 OVF.</summary>
    public const byte BusVoltage = 0x02;
    /// <summary>Power: 20 × the current LSB per bit.</summary>
    public const byte Power = 0x03;
    /// <summary>Current: shunt × calibration / 4096, signed.</summary>
    public const byte Current = 0x04;
    /// <summary>Calibration: 0.04096 / (current LSB × shunt ohms), bit 0 always 0.</summary>
    public const byte Calibration = 0x05;

    /// <summary>Configuration at power-on: 32 V range, ±320 mV PGA, 12-bit ADCs, shunt and bus continuous.</summary>
    public const ushort ConfigurationPowerOn = 0x399F;
    /// <summary>Configuration bit 15: reset.</summary>
    public const ushort ResetBit = 0x8000;
    /// <summary>Shunt voltage per bit, V.</summary>
    public const double ShuntLsbV = 10e-6;
    /// <summary>Bus voltage per bit (after shifting out bits 2..0), V.</summary>
    public const double BusLsbV = 4e-3;
    /// <summary>The shunt input's full scale at PGA /8, V.</summary>
    public const double ShuntFullScaleV = 0.32;

    /// <summary>The current per bit for a largest expected current: max / 2^15 (datasheet eq. 2), A.</summary>
    public static double CurrentLsbFor(double maxCurrentA) => maxCurrentA / 32768;

    /// <summary>The calibration register value: trunc(0.04096 / (current LSB × shunt)) (datasheet eq. 1), even.</summary>
    public static ushort CalibrationFor(double currentLsbA, double shuntOhms) =>
        (ushort)((int)Math.Clamp(Math.Truncate(0.04096 / (currentLsbA * shuntOhms)), 0, 0xFFFE) & 0xFFFE);
}
