using System;
using System.Device.Pwm;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Gpio;

/// <summary>
/// A PWM channel with no hardware behind it: the simulated driver behind System.Device.Gpio's
/// <see cref="PwmChannel"/> API. It keeps the duty cycle a plant reads, and a preallocated log of
/// the last writes (monotonic time, duty) so tests can see the order of commands. Like a real
/// driver it can take time per write (<see cref="WriteLatencyNs"/>, as a sysfs write does), fail
/// writes (<see cref="FailWrites"/>, as sysfs PWM answers EINVAL), and it counts writes that
/// overlapped another thread's write (<see cref="OverlappingWrites"/>): a real channel is not
/// thread-safe, so that count must stay 0.
/// </summary>
public sealed class SimulatedPwmChannel : PwmChannel
{
    private readonly long[] _logTimes;
    private readonly double[] _logDuty;
    private long _writes;
    private int _writersInside;
    private long _overlaps;
    private int _failWrites;
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
    /// <summary>Writes that began while another write was still inside the driver.</summary>
    public long OverlappingWrites => Interlocked.Read(ref _overlaps);
    /// <summary>How long each write stays inside the driver, ns (busy, as a syscall would); 0 by default.</summary>
    public long WriteLatencyNs { get; set; }
    /// <summary>The next this many duty-cycle writes fail with an <see cref="System.IO.IOException"/> ("Invalid argument"), as sysfs PWM's do.</summary>
    public int FailWrites { get => Volatile.Read(ref _failWrites); set => Volatile.Write(ref _failWrites, value); }

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
            if (Interlocked.Increment(ref _writersInside) > 1) Interlocked.Increment(ref _overlaps);
            try
            {
                if (WriteLatencyNs > 0)
                {
                    long until = MonotonicClock.NowNs() + WriteLatencyNs;
                    while (MonotonicClock.NowNs() < until) Thread.SpinWait(10);
                }
                if (Volatile.Read(ref _failWrites) > 0 && Interlocked.Decrement(ref _failWrites) >= 0) ThrowWriteFailed();
                Volatile.Write(ref _dutyCycle, value);
                long i = _writes % _logTimes.Length;
                _logTimes[i] = MonotonicClock.NowNs();
                _logDuty[i] = value;
                Interlocked.Increment(ref _writes);
            }
            finally
            {
                Interlocked.Decrement(ref _writersInside);
            }
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
    private static void ThrowWriteFailed() => throw new System.IO.IOException("Invalid argument");

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowDuty(double v) => throw new ArgumentOutOfRangeException(nameof(DutyCycle), v, "duty cycle must be within 0..1");
}
