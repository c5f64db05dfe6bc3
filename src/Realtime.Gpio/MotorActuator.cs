using System;
using System.Device.Pwm;

namespace Realtime.Gpio;

/// <summary>Drive motors on PWM channels (command values in [-1, 1]: full reverse to full forward); the safe state is every motor stopped.</summary>
public sealed class MotorActuator : PwmActuator<MotorCalibration>
{
    /// <summary>Takes ownership of started channels and their calibrations (same order).</summary>
    public MotorActuator(PwmChannel[] channels, MotorCalibration[] calibrations) : base(channels, calibrations) { }

    /// <summary>Opens hardware PWM channels (sysfs /sys/class/pwm) stopped and starts them.</summary>
    public static MotorActuator OpenHardware(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs)
    {
        var (channels, cals) = OpenChannels(outputs, simulated: false);
        return new MotorActuator(channels, cals);
    }

    /// <summary>Simulated channels, stopped, started.</summary>
    public static MotorActuator OpenSimulated(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs)
    {
        var (channels, cals) = OpenChannels(outputs, simulated: true);
        return new MotorActuator(channels, cals);
    }
}
