using System;
using System.Device.Pwm;
using Realtime.Core.Pipeline;

namespace Realtime.Gpio;

/// <summary>
/// Drive motors on PWM channels, one per command channel (values in [-1, 1]: full reverse to full
/// forward). Writes go through System.Device.Gpio's <see cref="PwmChannel"/>, so the same code drives
/// sysfs PWM on a board and <see cref="SimulatedPwmChannel"/> in simulation. The safe state is every
/// motor stopped.
/// </summary>
public sealed class MotorActuator : IActuator
{
    private readonly PwmChannel[] _channels;
    private readonly MotorCalibration[] _calibrations;
    private ActuatorCommand _safe;

    /// <summary>Takes ownership of started channels and their calibrations (same order).</summary>
    public MotorActuator(PwmChannel[] channels, MotorCalibration[] calibrations)
    {
        if (channels.Length != calibrations.Length) throw new ArgumentException("one calibration per channel");
        if (channels.Length == 0 || channels.Length > ChannelValues.MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), $"1..{ChannelValues.MaxChannels} channels");
        _channels = channels;
        _calibrations = calibrations;
        _safe.Count = channels.Length; // all zero: stopped
    }

    /// <inheritdoc/>
    public int Channels => _channels.Length;
    /// <summary>The channels (for the simulated plant and tests).</summary>
    public ReadOnlySpan<PwmChannel> PwmChannels => _channels;
    /// <summary>Calibrations, in channel order.</summary>
    public ReadOnlySpan<MotorCalibration> Calibrations => _calibrations;
    /// <summary>The safe command: every motor stopped.</summary>
    public ActuatorCommand SafeCommand => _safe;

    /// <inheritdoc/>
    public void Apply(in ActuatorCommand command)
    {
        int n = Math.Min(command.Count, _channels.Length);
        for (int i = 0; i < n; i++) _channels[i].DutyCycle = _calibrations[i].DutyCycleFor(command.Values[i]);
    }

    /// <inheritdoc/>
    public ActuatorCommand ApplySafeState()
    {
        Apply(in _safe);
        return _safe;
    }

    /// <summary>Opens hardware PWM channels (sysfs /sys/class/pwm) stopped and starts them.</summary>
    public static MotorActuator OpenHardware(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs)
    {
        var channels = new PwmChannel[outputs.Length];
        var cals = new MotorCalibration[outputs.Length];
        try
        {
            for (int i = 0; i < outputs.Length; i++)
            {
                var o = outputs[i];
                cals[i] = o.Calibration;
                channels[i] = PwmChannel.Create(o.Chip, o.Channel, o.Calibration.FrequencyHz, o.Calibration.DutyCycleFor(0));
                channels[i].Start();
            }
        }
        catch
        {
            foreach (var c in channels) c?.Dispose();
            throw;
        }
        return new MotorActuator(channels, cals);
    }

    /// <summary>Simulated channels, stopped, started.</summary>
    public static MotorActuator OpenSimulated(ReadOnlySpan<(int Chip, int Channel, MotorCalibration Calibration)> outputs)
    {
        var channels = new PwmChannel[outputs.Length];
        var cals = new MotorCalibration[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            cals[i] = o.Calibration;
            channels[i] = new SimulatedPwmChannel(o.Chip, o.Channel, o.Calibration.FrequencyHz, o.Calibration.DutyCycleFor(0));
            channels[i].Start();
        }
        return new MotorActuator(channels, cals);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var c in _channels) c.Dispose();
    }
}
