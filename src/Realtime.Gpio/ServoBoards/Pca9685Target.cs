using System;
using Realtime.Core.Profiles;

namespace Realtime.Gpio.ServoBoards;

/// <summary>Where a PCA9685 sits: Linux I2C bus number (<c>/dev/i2c-N</c>) and 7-bit address.</summary>
public readonly record struct Pca9685Target(int Bus, int Address)
{
    /// <summary>The board a profile's <c>pwm[].pca9685</c> names (the loader has checked it).</summary>
    public static Pca9685Target From(Pca9685Profile board)
    {
        if (!ProfileLoader.TryParseI2cDevice(board.Device, out int bus) || !ProfileLoader.TryParseI2cAddress(board.Address, out int address))
            throw new ArgumentException($"pca9685: expected /dev/i2c-N and 0xNN, got '{board.Device}' '{board.Address}'", nameof(board));
        return new Pca9685Target(bus, address);
    }

    /// <inheritdoc/>
    public override string ToString() => $"PCA9685 at /dev/i2c-{Bus} 0x{Address:X2}";
}
