using Realtime.Core.Graph;

namespace Realtime.Gpio.Components;

/// <summary>
/// <c>motor</c>: RC-style motor signals on the board's PWM outputs (config <c>pwm</c>: indices into
/// the board's <c>pwm[]</c>, one per channel): a command in [-1, 1] from full reverse (the entry's
/// minimum pulse) through stop (halfway) to full forward (its maximum); the safe state stops every motor.
/// </summary>
public sealed class MotorSink : PwmSink<MotorCalibration>
{
    /// <summary>A sink over open motors.</summary>
    public MotorSink(string name, MotorActuator motors, string[]? labels = null) : base(name, motors, labels)
    {
    }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        MotorActuator? motors = OpenOutputs(name, config, context, PwmOutputs.Motor, static (o, opener) => MotorActuator.OpenOn(o, opener), out string[] labels,
            static o => o.HasAngles ? "has angles, a servo's entry: a motor's gives none (full reverse at min_pulse_us, stop halfway, full forward at max_pulse_us)" : null);
        return motors is null ? null! : new MotorSink(name, motors, labels);
    }
}
