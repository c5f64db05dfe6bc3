using Realtime.Core.Graph;
using Realtime.Core.Sensors;

namespace Realtime.Core.Components;

/// <summary>
/// <c>imu-tensor</c>: an IMU sample as a model's input, float32 [1, 6] (acceleration x y z in g,
/// rotation rate x y z in °/s, each times its scale) or [1, 7] with the temperature (°C). Config:
/// <c>temperature</c> (default false), <c>accel_scale</c>, <c>gyro_scale</c> (default 1).
/// </summary>
public sealed class ImuTensor : Node
{
    private readonly bool _temperature;
    private readonly float _accel, _gyro;
    private long _samples;

    /// <summary>A tensor of 6 (or 7 with <paramref name="temperature"/>) readings.</summary>
    public ImuTensor(string name, bool temperature, float accelScale = 1f, float gyroScale = 1f) : base(name, NodeRole.Transform)
    {
        _temperature = temperature;
        _accel = accelScale;
        _gyro = gyroScale;
        Imu = Input<ImuPayload>("imu", PayloadType.Imu());
        Tensor = Output("tensor", new TensorPayload(TensorElement.Float32, 1, temperature ? ImuSample.Elements : 6));
    }

    /// <summary>The sample.</summary>
    public InputPort<ImuPayload> Imu { get; }
    /// <summary>The model's input.</summary>
    public OutputPort<TensorPayload> Tensor { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        bool t = config.Flag("temperature", false);
        float a = (float)config.Number("accel_scale", -1e6, 1e6, 1), g = (float)config.Number("gyro_scale", -1e6, 1e6, 1);
        return config.Problems.Count > 0 ? null! : new ImuTensor(name, t, a, g);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        ref readonly ImuSample s = ref Imu.Payload.Sample;
        System.Span<float> x = Tensor.Payload.Floats;
        x[0] = s.AccelX * _accel;
        x[1] = s.AccelY * _accel;
        x[2] = s.AccelZ * _accel;
        x[3] = s.GyroX * _gyro;
        x[4] = s.GyroY * _gyro;
        x[5] = s.GyroZ * _gyro;
        if (_temperature) x[6] = s.TemperatureC;
        Tensor.Payload.CaptureNs = Imu.Payload.CaptureNs;
        _samples++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report) => report.Add("samples", _samples);
}
