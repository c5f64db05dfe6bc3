using System;
using System.Device.I2c;
using System.Device.Pwm;

namespace Realtime.Gpio.ServoBoards;

/// <summary>
/// One PCA9685 servo board. Iot.Device.Bindings' <see cref="Iot.Device.Pwm.Pca9685"/> sets the chip
/// up (MODE1 with auto-increment, totem-pole outputs, the prescaler written asleep, then woken);
/// the channels are our own <see cref="Pca9685Channel"/>s over the same <see cref="I2cDevice"/>,
/// because the binding's channel spends six bus transactions and eight register writes on one
/// duty update (each 16-bit register written byte by byte, then again as a pair; ON and OFF in
/// separate transactions, so the output can glitch between them), about 2 ms at 100 kHz, and it
/// quantizes against the nominal frequency. Ours writes a channel's four registers in one
/// auto-increment transaction, allocation-free, from the pulse width the chip will really put out.
/// Dispose after its channels: it closes the bus device.
/// </summary>
public sealed class Pca9685Board : IDisposable
{
    private readonly Iot.Device.Pwm.Pca9685 _chip;
    private readonly I2cDevice _device;
    private ushort _opened;

    /// <summary>Sets the chip on <paramref name="device"/> up at <paramref name="frequencyHz"/>; takes ownership of the device (also when set-up fails).</summary>
    public Pca9685Board(I2cDevice device, Pca9685Target target, int frequencyHz)
    {
        if (frequencyHz < 24 || frequencyHz > 1526)
        {
            device.Dispose();
            throw new ArgumentOutOfRangeException(nameof(frequencyHz), frequencyHz, "a PCA9685 runs at 24..1526 Hz (PRE_SCALE 3..255)");
        }
        _device = device;
        Target = target;
        try
        {
            _chip = new Iot.Device.Pwm.Pca9685(device, pwmFrequency: frequencyHz);
        }
        catch
        {
            device.Dispose();
            throw;
        }
        NominalFrequencyHz = frequencyHz;
        Prescale = Pca9685Registers.PrescaleFor(frequencyHz);
    }

    /// <summary>Where the board is.</summary>
    public Pca9685Target Target { get; }
    /// <summary>The frequency the profile asked for, Hz.</summary>
    public int NominalFrequencyHz { get; }
    /// <summary>The PRE_SCALE value written.</summary>
    public byte Prescale { get; }
    /// <summary>The frequency the chip really runs at (the prescaler's step), Hz.</summary>
    public double ActualFrequencyHz => _chip.PwmFrequency;
    /// <summary>The bus device (channels write through it).</summary>
    internal I2cDevice Device => _device;

    /// <summary>
    /// Channel <paramref name="channel"/> (0..15) at <paramref name="dutyCycle"/> of the nominal
    /// period, not yet started (the chip holds it full-off until <see cref="PwmChannel.Start"/>).
    /// </summary>
    public PwmChannel OpenChannel(int channel, int frequencyHz, double dutyCycle)
    {
        if ((uint)channel >= Pca9685Registers.Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"{Target}: channels are 0..15");
        if (frequencyHz != NominalFrequencyHz)
            throw new ArgumentException($"{Target}: every channel shares one prescaler ({NominalFrequencyHz} Hz); channel {channel} asks for {frequencyHz} Hz", nameof(frequencyHz));
        if ((_opened & (1 << channel)) != 0) throw new ArgumentException($"{Target}: channel {channel} is already open", nameof(channel));
        var c = new Pca9685Channel(this, channel, dutyCycle);
        _opened |= (ushort)(1 << channel);
        return c;
    }

    internal void Closed(int channel) => _opened &= (ushort)~(1 << channel);

    /// <inheritdoc/>
    public void Dispose() => _chip.Dispose(); // disposes the device too
}
