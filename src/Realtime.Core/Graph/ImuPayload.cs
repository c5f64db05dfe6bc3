using Realtime.Core.Sensors;

namespace Realtime.Core.Graph;

/// <summary>One IMU sample, in the units the drivers read it in (<see cref="ImuSample"/>: g, °/s, °C).</summary>
public sealed class ImuPayload : Payload
{
    /// <summary>An empty sample.</summary>
    public ImuPayload() : base(PayloadType.Imu())
    {
    }

    /// <summary>The sample.</summary>
    public ImuSample Sample;

    /// <inheritdoc/>
    public override Payload? NewCopy() => new ImuPayload();

    /// <inheritdoc/>
    protected override void CopyData(Payload target) => ((ImuPayload)target).Sample = Sample;
}
