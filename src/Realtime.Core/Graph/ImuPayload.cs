namespace Realtime.Core.Graph;

/// <summary>One IMU sample: acceleration (m/s²) and angular rate (rad/s) on three axes.</summary>
public sealed class ImuPayload : Payload
{
    /// <summary>An empty sample.</summary>
    public ImuPayload() : base(PayloadType.Imu())
    {
    }

    /// <summary>Acceleration, x.</summary>
    public float AccelX;
    /// <summary>Acceleration, y.</summary>
    public float AccelY;
    /// <summary>Acceleration, z.</summary>
    public float AccelZ;
    /// <summary>Angular rate, x.</summary>
    public float GyroX;
    /// <summary>Angular rate, y.</summary>
    public float GyroY;
    /// <summary>Angular rate, z.</summary>
    public float GyroZ;
}
