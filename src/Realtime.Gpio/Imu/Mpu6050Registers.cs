namespace Realtime.Gpio.Imu;

/// <summary>
/// The MPU-6050 / MPU-6000 register map and scales, from InvenSense's register map document
/// (RM-MPU-6000A rev 4.2). The MPU-6000 is the same chip with an SPI port beside I2C.
/// </summary>
public static class Mpu6050Registers
{
    /// <summary>I2C address with AD0 low.</summary>
    public const byte AddressAd0Low = 0x68;
    /// <summary>I2C address with AD0 high.</summary>
    public const byte AddressAd0High = 0x69;

    /// <summary>Sample rate divider: rate = gyro output rate / (1 + SMPLRT_DIV).</summary>
    public const byte SmplrtDiv = 0x19;
    /// <summary>CONFIG: digital low-pass filter (DLPF_CFG, bits 2:0).</summary>
    public const byte Config = 0x1A;
    /// <summary>GYRO_CONFIG: full scale FS_SEL in bits 4:3.</summary>
    public const byte GyroConfig = 0x1B;
    /// <summary>ACCEL_CONFIG: full scale AFS_SEL in bits 4:3.</summary>
    public const byte AccelConfig = 0x1C;
    /// <summary>First of 14 data bytes: accel x/y/z, temperature, gyro x/y/z, each big-endian signed 16-bit.</summary>
    public const byte AccelXoutH = 0x3B;
    /// <summary>SIGNAL_PATH_RESET.</summary>
    public const byte SignalPathReset = 0x68;
    /// <summary>USER_CTRL: I2C_IF_DIS (bit 4) turns the I2C port off when the chip is on SPI.</summary>
    public const byte UserCtrl = 0x6A;
    /// <summary>PWR_MGMT_1: DEVICE_RESET (bit 7), SLEEP (bit 6, set at power-on), CLKSEL (bits 2:0).</summary>
    public const byte PwrMgmt1 = 0x6B;
    /// <summary>WHO_AM_I: bits 6:1 of the address, 0x68 whatever AD0 is.</summary>
    public const byte WhoAmI = 0x75;

    /// <summary>WHO_AM_I's value.</summary>
    public const byte WhoAmIValue = 0x68;
    /// <summary>PWR_MGMT_1 SLEEP bit.</summary>
    public const byte SleepBit = 0x40;
    /// <summary>PWR_MGMT_1 DEVICE_RESET bit.</summary>
    public const byte ResetBit = 0x80;
    /// <summary>USER_CTRL I2C_IF_DIS bit.</summary>
    public const byte I2cIfDisBit = 0x10;
    /// <summary>On SPI, the first byte's bit 7 set means read.</summary>
    public const byte SpiReadBit = 0x80;
    /// <summary>Bytes of one burst read from <see cref="AccelXoutH"/>.</summary>
    public const int DataBytes = 14;

    /// <summary>Accelerometer LSB per g for AFS_SEL 0..3 (±2, ±4, ±8, ±16 g).</summary>
    public static float AccelLsbPerG(int afsSel) => 16384f / (1 << afsSel);
    /// <summary>Gyroscope LSB per °/s for FS_SEL 0..3 (±250, ±500, ±1000, ±2000 °/s).</summary>
    public static float GyroLsbPerDps(int fsSel) => fsSel switch { 0 => 131f, 1 => 65.5f, 2 => 32.8f, _ => 16.4f };
    /// <summary>Temperature in °C from the raw reading.</summary>
    public static float TemperatureC(short raw) => raw / 340f + 36.53f;
    /// <summary>The raw reading of a temperature (the inverse of <see cref="TemperatureC"/>).</summary>
    public static short TemperatureRaw(float celsius) => (short)System.Math.Round((celsius - 36.53f) * 340f);
}
