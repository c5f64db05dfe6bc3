namespace Realtime.Gpio.ServoBoards;

/// <summary>Where a PCA9685 sits: Linux I2C bus number (<c>/dev/i2c-N</c>) and 7-bit address.</summary>
public readonly record struct Pca9685Target(int Bus, int Address)
{
    /// <inheritdoc/>
    public override string ToString() => $"PCA9685 at /dev/i2c-{Bus} 0x{Address:X2}";
}
