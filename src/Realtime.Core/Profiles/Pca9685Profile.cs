namespace Realtime.Core.Profiles;

/// <summary>The PCA9685 servo board a <c>pwm</c> output's channel is on (I2C, driven from user space).</summary>
public sealed class Pca9685Profile
{
    /// <summary>The I2C bus device, <c>/dev/i2c-N</c>.</summary>
    public string Device { get; set; } = "";
    /// <summary>The board's 7-bit address in hex (A5..A0 jumpers: 0x40..0x7F; 0x40 with none set).</summary>
    public string Address { get; set; } = "0x40";
}
