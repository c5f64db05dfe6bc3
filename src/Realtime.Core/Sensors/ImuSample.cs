namespace Realtime.Core.Sensors;

/// <summary>One reading of a 6-axis IMU in physical units.</summary>
public struct ImuSample
{
    /// <summary>Acceleration along x, in g (1 g = 9.80665 m/s²).</summary>
    public float AccelX;
    /// <summary>Acceleration along y, in g.</summary>
    public float AccelY;
    /// <summary>Acceleration along z, in g.</summary>
    public float AccelZ;
    /// <summary>Angular rate about x, °/s.</summary>
    public float GyroX;
    /// <summary>Angular rate about y, °/s.</summary>
    public float GyroY;
    /// <summary>Angular rate about z, °/s.</summary>
    public float GyroZ;
    /// <summary>Die temperature, °C.</summary>
    public float TemperatureC;

    /// <summary>Values in a frame slot, in this order.</summary>
    public const int Elements = 7;
}
