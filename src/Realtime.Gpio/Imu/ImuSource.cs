using Realtime.Core.Sensors;
using System;
using System.IO;
using System.Runtime.InteropServices;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Gpio.Imu;

/// <summary>
/// An MPU-6050/6000 as a pipeline's sensor: each capture is one burst read over I2C or SPI,
/// written into a <see cref="PixelFormat.Float32"/> slot as seven floats in
/// <see cref="ImuSample"/>'s order (accel x/y/z in g, gyro x/y/z in °/s, temperature in °C) and
/// stamped when the read completed. A bus error is a failed capture for the watchdog to judge
/// (the exception's text is kept in <see cref="LastError"/>), not a crash. Allocates nothing per read.
/// </summary>
public sealed class ImuSource : IFrameSource
{
    private readonly Mpu6050 _imu;
    private readonly bool _ownsImu;
    private ImuSample _sample;
    private long _sequence;

    /// <summary>Reads <paramref name="imu"/>; disposes it with the source when <paramref name="ownsImu"/>.</summary>
    public ImuSource(Mpu6050 imu, bool ownsImu = true)
    {
        _imu = imu;
        _ownsImu = ownsImu;
    }

    /// <inheritdoc/>
    public int Width => ImuSample.Elements;
    /// <inheritdoc/>
    public int Height => 1;
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Float32;
    /// <summary>Reads that failed on the bus.</summary>
    public long BusErrors { get; private set; }
    /// <summary>The last bus error's message, or null.</summary>
    public string? LastError { get; private set; }

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        try
        {
            _imu.Read(ref _sample);
        }
        catch (IOException ex)
        {
            BusErrors++;
            LastError = ex.Message;
            return CaptureStatus.Failed;
        }
        slot.CaptureNs = MonotonicClock.NowNs();
        slot.Sequence = _sequence++;
        Span<float> values = MemoryMarshal.Cast<byte, float>(slot.Pixels.AsSpan(0, ImuSample.Elements * sizeof(float)));
        values[0] = _sample.AccelX;
        values[1] = _sample.AccelY;
        values[2] = _sample.AccelZ;
        values[3] = _sample.GyroX;
        values[4] = _sample.GyroY;
        values[5] = _sample.GyroZ;
        values[6] = _sample.TemperatureC;
        return CaptureStatus.Ok;
    }

    /// <summary>The values of an IMU frame slot.</summary>
    public static ReadOnlySpan<float> Values(FrameBuffer slot) =>
        MemoryMarshal.Cast<byte, float>(slot.Pixels.AsSpan(0, ImuSample.Elements * sizeof(float)));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsImu) _imu.Dispose();
    }
}
