using System;
using System.Collections.Generic;
using System.Device.I2c;
using System.Device.Pwm;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Gpio.ServoBoards;

namespace Realtime.Gpio;

/// <summary>
/// Opens PWM channels wherever a profile puts them: sysfs PWM (<c>/sys/class/pwm</c>, through <see cref="SysfsPwmChannel"/>), or a
/// channel of a PCA9685 on an I2C or SMBus adapter (one <see cref="Pca9685Board"/> per bus and address,
/// shared by its channels); on a simulated board, <see cref="SimulatedPwmChannel"/>s and
/// <see cref="SimulatedPca9685"/> register files behind the same bus API. Owns the boards:
/// dispose it after the channels.
/// </summary>
public sealed class PwmChannelOpener : IDisposable
{
    private readonly bool _simulated;
    private readonly Dictionary<Pca9685Target, Pca9685Board> _boards = new();
    private readonly Dictionary<Pca9685Target, SimulatedPca9685> _chips = new();
    private readonly Dictionary<(Pca9685Target? Board, int Chip, int Channel), PwmChannel> _opened = new();

    private PwmChannelOpener(bool simulated) => _simulated = simulated;

    /// <summary>Real drivers: sysfs PWM and <c>/dev/i2c-N</c>.</summary>
    public static PwmChannelOpener Hardware() => new(simulated: false);

    /// <summary>Simulated drivers.</summary>
    public static PwmChannelOpener Simulated() => new(simulated: true);

    /// <summary>
    /// The application's one opener (<see cref="ComponentContext.Shared{T}"/>): simulated on a
    /// simulated board, real drivers otherwise; every PWM sink of the application opens through it,
    /// so a PCA9685 is opened once, and a simulated plant finds the channels the sinks opened.
    /// </summary>
    public static PwmChannelOpener For(ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Shared(() => context.Board.Simulated ? Simulated() : Hardware());
    }

    /// <summary>
    /// The channel opened so far for <paramref name="output"/>'s chip and channel (or PCA9685 board
    /// and channel), or null when no sink opened it: what a simulated plant reads the duty cycle of.
    /// </summary>
    public PwmChannel? Opened(PwmOutputProfile output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Pca9685Target? board = output.Pca9685 is { } pca ? Pca9685Target.From(pca) : null;
        return _opened.TryGetValue((board, board is null ? output.Chip : 0, output.Channel), out var channel) ? channel : null;
    }

    /// <summary>The PCA9685 boards opened so far.</summary>
    public IEnumerable<Pca9685Board> Boards => _boards.Values;

    /// <summary>The simulated chip at <paramref name="target"/> (simulated opener, after a channel on it was opened).</summary>
    public SimulatedPca9685 SimulatedChip(Pca9685Target target) =>
        _chips.TryGetValue(target, out var chip) ? chip : throw new ArgumentException($"no simulated {target} was opened", nameof(target));

    /// <summary>Opens an output's channel at <paramref name="dutyCycle"/>, not started.</summary>
    public PwmChannel Open<TCalibration>(in PwmOutput<TCalibration> output, double dutyCycle) where TCalibration : struct, IPwmCalibration
    {
        PwmChannel channel = OpenChannel(output, dutyCycle);
        _opened[(output.Board, output.Board is null ? output.Chip : 0, output.Channel)] = channel;
        return channel;
    }

    private PwmChannel OpenChannel<TCalibration>(in PwmOutput<TCalibration> output, double dutyCycle) where TCalibration : struct, IPwmCalibration
    {
        int frequency = output.Calibration.FrequencyHz;
        if (output.Board is not Pca9685Target target)
            return _simulated
                ? new SimulatedPwmChannel(output.Chip, output.Channel, frequency, dutyCycle)
                : new SysfsPwmChannel(output.Chip, output.Channel, frequency, dutyCycle); // writes without allocating
        if (!_boards.TryGetValue(target, out var board))
        {
            I2cDevice device;
            if (_simulated)
            {
                var chip = new SimulatedPca9685(target.Address);
                _chips[target] = chip;
                device = chip.OpenI2c(target.Bus, target.Address);
            }
            else
            {
                // Plain I2C, or SMBus where the adapter only does that (a PC's SMBus controller, i2c-stub).
                try { device = Realtime.Gpio.I2c.SmbusI2cDevice.Open(target.Bus, target.Address); }
                catch (IOException ex) { throw new IOException($"{target}: {ex.Message}", ex); }
            }
            try { board = new Pca9685Board(device, target, frequency); }
            catch (IOException ex) { throw new IOException($"{target}: the board does not answer ({ex.Message})", ex); }
            _boards[target] = board;
        }
        return board.OpenChannel(output.Channel, frequency, dutyCycle);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var b in _boards.Values) b.Dispose();
        _boards.Clear();
        _opened.Clear();
    }
}
