using System;
using System.Collections.Generic;
using System.Globalization;

namespace Realtime.Core.Profiles;

/// <summary>Validation of the I2C devices driven from user space: PCA9685 servo boards and INA219 power monitors.</summary>
public static partial class ProfileLoader
{
    /// <summary>
    /// The bus number of an I2C bus device, <c>/dev/i2c-N</c> (N 0..1023); false for anything else.
    /// One parser for the loader and the drivers, so what is checked is what is opened.
    /// </summary>
    public static bool TryParseI2cDevice(string? device, out int bus)
    {
        bus = -1;
        const string prefix = "/dev/i2c-";
        if (device is null || !device.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var digits = device.AsSpan(prefix.Length);
        if (digits.Length is 0 or > 4 || (digits.Length > 1 && digits[0] == '0')) return false;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out bus) && bus <= 1023;
    }

    /// <summary>A 7-bit I2C address written <c>0xNN</c>; false for anything else.</summary>
    public static bool TryParseI2cAddress(string? address, out int value)
    {
        value = -1;
        return address is { Length: 3 or 4 } && address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(address.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value <= 0x7F;
    }

    private static void ValidatePca9685Output(BoardProfile p, int index, Dictionary<(string, int), int> used, Action<string, string> add)
    {
        var o = p.Pwm[index];
        var board = o.Pca9685!;
        string f = $"pwm[{index}]";
        bool deviceOk = TryParseI2cDevice(board.Device, out _);
        if (!deviceOk) add($"{f}.pca9685.device", $"must be an I2C bus device /dev/i2c-N, got '{board.Device}'");
        // A5..A0 select 0x40..0x7F; 0x70 is the chip's all-call address at power-on, 0x78..0x7F are reserved by I2C.
        bool addressOk = TryParseI2cAddress(board.Address, out int address) && address >= 0x40 && address <= 0x77 && address != 0x70;
        if (!addressOk) add($"{f}.pca9685.address", $"a PCA9685 answers at 0x40..0x77 in hex (not 0x70, its all-call address), got '{board.Address}'");
        if (o.Channel < 0 || o.Channel > 15) add($"{f}.channel", $"a PCA9685 has channels 0..15, got {o.Channel}");
        if (o.FrequencyHz < 24 || o.FrequencyHz > 1526) add($"{f}.frequency_hz", $"a PCA9685 runs at 24..1526 Hz, got {o.FrequencyHz}");
        if (o.Pin is not null) add($"{f}.pin", "a PCA9685 channel is not a header pin: leave pin out");
        if (!deviceOk || !addressOk) return;
        string key = $"{board.Device} 0x{address:X2}";
        for (int j = 0; j < index; j++)
        {
            var other = p.Pwm[j];
            if (other.Pca9685 is null || !TryParseI2cDevice(other.Pca9685.Device, out _) || other.Pca9685.Device != board.Device
                || !TryParseI2cAddress(other.Pca9685.Address, out int otherAddress) || otherAddress != address) continue;
            if (other.FrequencyHz != o.FrequencyHz)
            {
                add($"{f}.frequency_hz", $"{o.FrequencyHz} Hz differs from pwm[{j}]'s {other.FrequencyHz} Hz on the same PCA9685 ({key}): its 16 channels share one prescaler");
                break;
            }
        }
        if (used.TryGetValue((key, o.Channel), out int first)) add($"{f}.channel", $"channel {o.Channel} of the PCA9685 at {key} is already pwm[{first}]");
        else used[(key, o.Channel)] = index;
    }

    private static void ValidatePowerMonitor(SensorProfile s, string f, Action<string, string> add)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        bool monitor = s.Chip == "ina219";
        if (!monitor)
        {
            if (s.ShuntOhms is not null) add($"{f}.shunt_ohms", "applies to power monitors only (chip ina219)");
            if (s.MaxCurrentA is not null) add($"{f}.max_current_a", "applies to power monitors only (chip ina219)");
            return;
        }
        if (s.Bus != "i2c") add($"{f}.chip", $"the {s.Chip!.ToUpperInvariant()} has only an I2C port (bus is '{s.Bus}')");
        else if (!TryParseI2cDevice(s.Device, out _)) add($"{f}.device", $"must be an I2C bus device /dev/i2c-N, got '{s.Device}'");
        // A1/A0 select 0x40..0x4F.
        if (s.Bus == "i2c" && TryParseI2cAddress(s.Address, out int a) && (a < 0x40 || a > 0x4F))
            add($"{f}.address", $"an {s.Chip!.ToUpperInvariant()} answers at 0x40..0x4F, got '{s.Address}'");
        if (s.ShuntOhms is not double r) add($"{f}.shunt_ohms", "a power monitor needs its shunt resistor, ohms (e.g. 0.1)");
        else if (!(r >= 0.0001 && r <= 100)) add($"{f}.shunt_ohms", $"must be 0.0001..100 ohms, got {F(r)}");
        if (s.MaxCurrentA is not double i) add($"{f}.max_current_a", "a power monitor needs the largest current it is to measure, A (e.g. 3.2)");
        else if (!(i > 0 && i <= 100)) add($"{f}.max_current_a", $"must be above 0 and at most 100 A, got {F(i)}");
        else if (s.ShuntOhms is double shunt && shunt >= 0.0001 && shunt <= 100)
        {
            // The shunt voltage at full current must fit the chip's input range (PGA /8: ±320 mV).
            const double fullScaleV = 0.32;
            if (i * shunt > fullScaleV * (1 + 1e-9)) add($"{f}.max_current_a", $"{F(i)} A through {F(shunt)} Ω is {F(Math.Round(i * shunt * 1000, 3))} mV, beyond the {s.Chip!.ToUpperInvariant()}'s {F(fullScaleV * 1000)} mV shunt range");
        }
    }
}
