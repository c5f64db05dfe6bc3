using System;
using System.Device.Pwm;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Realtime.Gpio.ServoBoards;

/// <summary>
/// One PCA9685 channel behind System.Device.Gpio's <see cref="PwmChannel"/> API. A duty cycle
/// means that fraction of the nominal period (1/<see cref="Frequency"/>): it becomes a pulse width,
/// and the pulse width becomes OFF counts at the chip's real count length, so a servo gets the
/// pulse its calibration asks for although the prescaler's period is not exactly the nominal one.
/// Each write is one 5-byte auto-increment transaction (LEDn_ON_L..LEDn_OFF_H) from a stack
/// buffer: no allocation, and ON and OFF change together.
/// </summary>
public sealed class Pca9685Channel : PwmChannel
{
    private readonly Pca9685Board _board;
    private readonly byte _register;
    private readonly double _countsPerDuty;
    private double _dutyCycle;
    private int _running;
    private bool _disposed;

    internal Pca9685Channel(Pca9685Board board, int channel, double dutyCycle)
    {
        CheckDuty(dutyCycle);
        _board = board;
        Channel = channel;
        _register = Pca9685Registers.LedOnL(channel);
        // duty × nominal period (µs) / count length (µs)
        _countsPerDuty = 1e6 / board.NominalFrequencyHz / Pca9685Registers.CountUs(board.Prescale);
        _dutyCycle = dutyCycle;
    }

    /// <summary>The channel on the chip (0..15).</summary>
    public int Channel { get; }
    /// <summary>Whether the output is running.</summary>
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <summary>The 12-bit OFF count a duty cycle gives (ON is 0); 0 and 4096 are the full-off and full-on states.</summary>
    public int CountsFor(double dutyCycle) => (int)Math.Clamp(Math.Round(dutyCycle * _countsPerDuty), 0, Pca9685Registers.CountsPerPeriod);

    /// <inheritdoc/>
    public override int Frequency
    {
        get => _board.NominalFrequencyHz;
        set
        {
            if (value != _board.NominalFrequencyHz) ThrowFrequency(value);
        }
    }

    /// <inheritdoc/>
    public override double DutyCycle
    {
        get => Volatile.Read(ref _dutyCycle);
        set
        {
            CheckDuty(value);
            Volatile.Write(ref _dutyCycle, value);
            if (IsRunning) WriteCounts(CountsFor(value));
        }
    }

    /// <inheritdoc/>
    public override void Start()
    {
        Volatile.Write(ref _running, 1);
        WriteCounts(CountsFor(Volatile.Read(ref _dutyCycle)));
    }

    /// <inheritdoc/>
    public override void Stop()
    {
        Volatile.Write(ref _running, 0);
        WriteCounts(0);
    }

    private void WriteCounts(int off)
    {
        Span<byte> b = stackalloc byte[5];
        b[0] = _register;
        if (off <= 0)
        {
            b[1] = 0; b[2] = 0; b[3] = 0; b[4] = Pca9685Registers.FullBit; // full off
        }
        else if (off >= Pca9685Registers.CountsPerPeriod)
        {
            b[1] = 0; b[2] = Pca9685Registers.FullBit; b[3] = 0; b[4] = 0; // full on
        }
        else
        {
            b[1] = 0; b[2] = 0; b[3] = (byte)off; b[4] = (byte)(off >> 8);
        }
        _board.Device.Write(b);
    }

    private static void CheckDuty(double v)
    {
        if (!(v >= 0 && v <= 1)) ThrowDuty(v); // NaN included
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDuty(double v) => throw new ArgumentOutOfRangeException(nameof(DutyCycle), v, "duty cycle must be within 0..1");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowFrequency(int v) =>
        throw new InvalidOperationException($"{_board.Target}: the frequency ({_board.NominalFrequencyHz} Hz) is the board's, shared by all 16 channels; cannot set {v} Hz on channel {Channel}");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            _board.Closed(Channel);
        }
        base.Dispose(disposing);
    }
}
