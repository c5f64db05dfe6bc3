using System;
using System.Device.Pwm;

namespace Realtime.Gpio;

/// <summary>Drive motors on PWM channels (command values in [-1, 1]: full reverse to full forward); the safe state is every motor stopped.</summary>
public sealed class MotorActuator : PwmActuator<MotorCalibration>
{
    /// <summary>Takes ownership of started channels and their calibrations (same order).</summary>
    public MotorActuator(PwmChannel[] channels, MotorCalibration[] calibrations) : base(channels, calibrations) { }

    private MotorActuator(PwmChannel[] channels, MotorCalibration[] calibrations, PwmChannelOpener opener, bool ownsOpener = true) : base(channels, calibrations, opener, ownsOpener) { }

    /// <summary>
    /// Opens each output through <paramref name="opener"/> as <see cref="Open"/> does, but the opener
    /// stays the caller's (an application's one shared opener: <see cref="PwmChannelOpener.For"/>).
    /// </summary>
    public static MotorActuator OpenOn(ReadOnlySpan<PwmOutput<MotorCalibration>> outputs, PwmChannelOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        var (channels, cals) = OpenChannels(outputs, opener);
        return new MotorActuator(channels, cals, opener, ownsOpener: false);
    }

    /// <summary>
    /// Opens each output where it is (sysfs PWM or a PCA9685 channel, real or simulated as
    /// <paramref name="opener"/> is), stopped, and starts it. Takes ownership of the opener, also
    /// when opening fails.
    /// </summary>
    public static MotorActuator Open(ReadOnlySpan<PwmOutput<MotorCalibration>> outputs, PwmChannelOpener opener)
    {
        try
        {
            var (channels, cals) = OpenChannels(outputs, opener);
            return new MotorActuator(channels, cals, opener);
        }
        catch
        {
            opener.Dispose();
            throw;
        }
    }

    /// <summary>Opens hardware PWM channels (sysfs /sys/class/pwm) stopped and starts them.</summary>
    public static MotorActuator OpenHardware(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs) =>
        Open(OnChips(outputs), PwmChannelOpener.Hardware());

    /// <summary>Simulated channels, stopped, started.</summary>
    public static MotorActuator OpenSimulated(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs) =>
        Open(OnChips(outputs), PwmChannelOpener.Simulated());
}
