using System;
using System.Device.Pwm;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Gpio;

/// <summary>
/// A PWM channel with no hardware behind it: the simulated driver behind System.Device.Gpio's
/// <see cref="PwmChannel"/> API. It keeps the duty cycle a plant reads, and a preallocated log of
/// the last writes (monotonic time, duty) so tests can see the order of commands.
/// </summary>
public sealed class SimulatedPwmChannel : PwmChannel
{
    private readonly long[] _logTimes;
    private readonly double[] _logDuty;
    private long _writes;
    private double _dutyCycle;
    private int _frequency;

    /// <summary>Creates a channel that remembers its last <paramref name="logCapacity"/> writes.</summary>
    public SimulatedPwmChannel(int chip, int channel, int frequencyHz, double dutyCycle, int logCapacity = 64)
    {
        Chip = chip;
        Channel = channel;
        _frequency = frequencyHz;
        _dutyCycle = dutyCycle;
        _logTimes = new long[Math.Max(1, logCapacity)];
        _logDuty = new double[Math.Max(1, logCapacity)];
    }

    /// <summary>Chip number.</summary>
    public int Chip { get; }
    /// <summary>Channel number.</summary>
    public int Channel { get; }
    /// <summary>Whether the output is running.</summary>
    public bool IsRunning { get; private set; }
    /// <summary>Duty-cycle writes so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <inheritdoc/>
    public override int Frequency
    {
        get => _frequency;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "frequency must be positive");
            _frequency = value;
        }
    }

    /// <inheritdoc/>
    public override double DutyCycle
    {
        get => Volatile.Read(ref _dutyCycle);
        set
        {
            if (!(value >= 0 && value <= 1)) ThrowDuty(value); // NaN included
            Volatile.Write(ref _dutyCycle, value);
            long i = _writes % _logTimes.Length;
            _logTimes[i] = MonotonicClock.NowNs();
            _logDuty[i] = value;
            Interlocked.Increment(ref _writes);
        }
    }

    /// <summary>The <paramref name="back"/>-th most recent write (0 = last): time and duty.</summary>
    public (long TimeNs, double Duty) RecentWrite(int back)
    {
        long n = Writes;
        if (back < 0 || back >= n || back >= _logTimes.Length) throw new ArgumentOutOfRangeException(nameof(back));
        long i = (n - 1 - back) % _logTimes.Length;
        return (_logTimes[i], _logDuty[i]);
    }

    /// <inheritdoc/>
    public override void Start() => IsRunning = true;

    /// <inheritdoc/>
    public override void Stop() => IsRunning = false;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowDuty(double v) => throw new ArgumentOutOfRangeException(nameof(DutyCycle), v, "duty cycle must be within 0..1");
}
