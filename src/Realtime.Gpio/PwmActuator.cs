using System;
using System.Device.Pwm;
using Realtime.Core.Pipeline;

namespace Realtime.Gpio;

/// <summary>How one kind of PWM-driven output turns a command value into a duty cycle.</summary>
public interface IPwmCalibration
{
    /// <summary>The PWM frame rate, Hz.</summary>
    int FrequencyHz { get; }
    /// <summary>The command value that is this output's safe state.</summary>
    double SafeValue { get; }
    /// <summary>Duty cycle (0..1) for a command value; NaN (no valid command) gives the safe value's.</summary>
    double DutyCycleFor(double value);
}

/// <summary>
/// Outputs on PWM channels, one per command channel, each with its calibration. Writes go through
/// System.Device.Gpio's <see cref="PwmChannel"/>, so the same code drives sysfs PWM on a board
/// (<see cref="SysfsPwmChannel"/>, which writes without allocating) and
/// <see cref="SimulatedPwmChannel"/> in simulation; channels open and start at their safe value.
/// The calibration is a struct type argument, so <see cref="Apply"/> calls it without boxing.
/// </summary>
public abstract class PwmActuator<TCalibration> : IActuator where TCalibration : struct, IPwmCalibration
{
    private readonly PwmChannel[] _channels;
    private readonly TCalibration[] _calibrations;
    private readonly PwmChannelOpener? _opener;
    private readonly bool _ownsOpener;
    private ActuatorCommand _safe;

    /// <summary>Takes ownership of started channels and their calibrations (same order).</summary>
    protected PwmActuator(PwmChannel[] channels, TCalibration[] calibrations) : this(channels, calibrations, null) { }

    /// <summary>
    /// Takes ownership of started channels, their calibrations (same order) and, when
    /// <paramref name="ownsOpener"/>, of the opener that opened them (its PCA9685 boards are disposed
    /// after the channels); an opener not owned (an application's shared one) is only remembered.
    /// </summary>
    protected PwmActuator(PwmChannel[] channels, TCalibration[] calibrations, PwmChannelOpener? opener, bool ownsOpener = true)
    {
        _opener = opener;
        _ownsOpener = ownsOpener;
        if (channels.Length != calibrations.Length) throw new ArgumentException("one calibration per channel");
        if (channels.Length == 0 || channels.Length > ChannelValues.MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), $"1..{ChannelValues.MaxChannels} channels");
        _channels = channels;
        _calibrations = calibrations;
        _safe.Count = channels.Length;
        for (int i = 0; i < channels.Length; i++) _safe.Values[i] = (float)calibrations[i].SafeValue;
    }

    /// <inheritdoc/>
    public int Channels => _channels.Length;
    /// <summary>The channels (for the simulated plant and tests).</summary>
    public ReadOnlySpan<PwmChannel> PwmChannels => _channels;
    /// <summary>Calibrations, in channel order.</summary>
    public ReadOnlySpan<TCalibration> Calibrations => _calibrations;
    /// <summary>The opener the channels came from, when they came from one (its boards and simulated chips).</summary>
    public PwmChannelOpener? Opener => _opener;
    /// <summary>The safe command.</summary>
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

    /// <summary>The outputs on sysfs PWM chips (no PCA9685), as the opener takes them.</summary>
    protected static PwmOutput<TCalibration>[] OnChips(ReadOnlySpan<(int Chip, int Channel, TCalibration Calibration)> outputs)
    {
        var list = new PwmOutput<TCalibration>[outputs.Length];
        for (int i = 0; i < outputs.Length; i++) list[i] = new PwmOutput<TCalibration>(outputs[i].Chip, outputs[i].Channel, outputs[i].Calibration);
        return list;
    }

    /// <summary>
    /// Opens each output's channel through <paramref name="opener"/> at its safe duty and starts it
    /// (sysfs PWM, a PCA9685 channel, or their simulated drivers). A failure closes what was opened
    /// (the opener stays the caller's).
    /// </summary>
    protected static (PwmChannel[] Channels, TCalibration[] Calibrations) OpenChannels(ReadOnlySpan<PwmOutput<TCalibration>> outputs, PwmChannelOpener opener)
    {
        var channels = new PwmChannel[outputs.Length];
        var cals = new TCalibration[outputs.Length];
        try
        {
            for (int i = 0; i < outputs.Length; i++)
            {
                cals[i] = outputs[i].Calibration;
                channels[i] = opener.Open(outputs[i], cals[i].DutyCycleFor(cals[i].SafeValue));
                channels[i].Start();
            }
        }
        catch
        {
            foreach (var c in channels) c?.Dispose();
            throw;
        }
        return (channels, cals);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var c in _channels) c.Dispose();
        if (_ownsOpener) _opener?.Dispose();
        GC.SuppressFinalize(this);
    }
}
