using System;
using System.Device.Pwm;

namespace Realtime.Gpio;

/// <summary>Servos on PWM channels (command values in degrees); the safe state is each servo's safe angle.</summary>
public sealed class ServoActuator : PwmActuator<ServoCalibration>
{
    /// <summary>Takes ownership of started channels and their calibrations (same order).</summary>
    public ServoActuator(PwmChannel[] channels, ServoCalibration[] calibrations) : base(channels, calibrations) { }

    private ServoActuator(PwmChannel[] channels, ServoCalibration[] calibrations, PwmChannelOpener opener, bool ownsOpener = true) : base(channels, calibrations, opener, ownsOpener) { }

    /// <summary>
    /// Opens each output through <paramref name="opener"/> as <see cref="Open"/> does, but the opener
    /// stays the caller's (an application's one shared opener: <see cref="PwmChannelOpener.For"/>).
    /// </summary>
    public static ServoActuator OpenOn(ReadOnlySpan<PwmOutput<ServoCalibration>> outputs, PwmChannelOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        var (channels, cals) = OpenChannels(outputs, opener);
        return new ServoActuator(channels, cals, opener, ownsOpener: false);
    }

    /// <summary>
    /// Opens each output where it is (sysfs PWM or a PCA9685 channel, real or simulated as
    /// <paramref name="opener"/> is) at its safe duty and starts it. Takes ownership of the opener,
    /// also when opening fails.
    /// </summary>
    public static ServoActuator Open(ReadOnlySpan<PwmOutput<ServoCalibration>> outputs, PwmChannelOpener opener)
    {
        try
        {
            var (channels, cals) = OpenChannels(outputs, opener);
            return new ServoActuator(channels, cals, opener);
        }
        catch
        {
            opener.Dispose();
            throw;
        }
    }

    /// <summary>Opens hardware PWM channels (sysfs /sys/class/pwm) at their safe duty and starts them.</summary>
    public static ServoActuator OpenHardware(ReadOnlySpan<(int Chip, int Channel, ServoCalibration Calibration)> outputs) =>
        Open(OnChips(outputs), PwmChannelOpener.Hardware());

    /// <summary>Simulated channels at their safe duty, started.</summary>
    public static ServoActuator OpenSimulated(ReadOnlySpan<(int Chip, int Channel, ServoCalibration Calibration)> outputs) =>
        Open(OnChips(outputs), PwmChannelOpener.Simulated());
}
