using Realtime.Core.Profiles;
using Realtime.Gpio.ServoBoards;

namespace Realtime.Gpio;

/// <summary>A board profile's <c>pwm[]</c> entry as an output of a servo or a motor: one reading, shared by the demos and the built-in sinks.</summary>
public static class PwmOutputs
{
    /// <summary>A servo on the entry: its pulse range, angle range and safe angle.</summary>
    public static PwmOutput<ServoCalibration> Servo(PwmOutputProfile o) =>
        new(o.Chip, o.Channel, new ServoCalibration(o.FrequencyHz, o.MinPulseUs, o.MaxPulseUs, o.MinAngleDeg, o.MaxAngleDeg, o.SafeAngleDeg),
            o.Pca9685 is { } board ? Pca9685Target.From(board) : null);

    /// <summary>An RC-style motor signal on the entry: full reverse and forward at the pulse limits, stop halfway.</summary>
    public static PwmOutput<MotorCalibration> Motor(PwmOutputProfile o) =>
        new(o.Chip, o.Channel, new MotorCalibration(o.FrequencyHz, o.MinPulseUs, (o.MinPulseUs + o.MaxPulseUs) / 2, o.MaxPulseUs),
            o.Pca9685 is { } board ? Pca9685Target.From(board) : null);
}
