using Realtime.Core.Graph;

namespace Realtime.Gpio.Components;

/// <summary>
/// <c>servo</c>: servos on the board's PWM outputs (config <c>pwm</c>: indices into the board's
/// <c>pwm[]</c>, one per channel); commands are angles in degrees, each output's pulse and angle
/// range and safe angle come from its board entry.
/// </summary>
public sealed class ServoSink : PwmSink<ServoCalibration>
{
    /// <summary>A sink over open servos.</summary>
    public ServoSink(string name, ServoActuator servos, string[]? labels = null) : base(name, servos, labels)
    {
    }

    /// <inheritdoc/>
    protected override string Unit => " deg";

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        // A servo's travel is never assumed: its entry gives its angles.
        ServoActuator? servos = OpenOutputs(name, config, context, PwmOutputs.Servo, static (o, opener) => ServoActuator.OpenOn(o, opener), out string[] labels,
            static o => o.HasAngles ? null : "has no angles (min_angle_deg, max_angle_deg, safe_angle_deg): a servo's entry gives them");
        return servos is null ? null! : new ServoSink(name, servos, labels);
    }
}
