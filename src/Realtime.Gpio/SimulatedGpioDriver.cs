using System;
using System.Device.Gpio;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Gpio;

/// <summary>
/// A GPIO chip with no hardware behind it: the simulated driver behind System.Device.Gpio's real
/// <see cref="GpioController"/>. It keeps each pin's mode and level, and a preallocated log of the
/// last writes (monotonic time, pin, level) so tests and the demo's report can see when an output
/// switched. Pins are numbered 0..<see cref="PinCount"/>-1.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly PinMode?[] _modes;
    private readonly PinValue[] _levels;
    private readonly long[] _logTimes;
    private readonly int[] _logPins;
    private readonly bool[] _logHigh;
    private long _writes;

    /// <summary>A chip of <paramref name="pinCount"/> lines that remembers its last <paramref name="logCapacity"/> writes.</summary>
    public SimulatedGpioDriver(int pinCount = 64, int logCapacity = 4096)
    {
        if (pinCount <= 0) throw new ArgumentOutOfRangeException(nameof(pinCount), "a chip has at least one line");
        _modes = new PinMode?[pinCount];
        _levels = new PinValue[pinCount];
        _logTimes = new long[Math.Max(1, logCapacity)];
        _logPins = new int[_logTimes.Length];
        _logHigh = new bool[_logTimes.Length];
    }

    /// <inheritdoc/>
    protected override int PinCount => _modes.Length;

    /// <summary>Writes so far (all pins).</summary>
    public long Writes => Interlocked.Read(ref _writes);


    /// <summary>Whether the pin is open.</summary>
    public bool IsOpen(int pinNumber) => _modes[Check(pinNumber)] is not null;

    /// <summary>The level the pin drives now.</summary>
    public PinValue Level(int pinNumber) => _levels[Check(pinNumber)];

    /// <summary>The <paramref name="back"/>-th most recent write (0 = last): time, pin and level.</summary>
    public (long TimeNs, int Pin, bool High) RecentWrite(int back)
    {
        long n = Writes;
        if (back < 0 || back >= n || back >= _logTimes.Length) throw new ArgumentOutOfRangeException(nameof(back));
        long i = (n - 1 - back) % _logTimes.Length;
        return (_logTimes[i], _logPins[i], _logHigh[i]);
    }

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber) => _modes[Check(pinNumber)] = PinMode.Input;

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber) => _modes[Check(pinNumber)] = null;

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[Check(pinNumber)] = mode;

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber) => _modes[Check(pinNumber)] ?? PinMode.Input;

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber) => _levels[Check(pinNumber)];

    /// <inheritdoc/>
    protected override void Toggle(int pinNumber) => Write(pinNumber, _levels[Check(pinNumber)] == PinValue.High ? PinValue.Low : PinValue.High);

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        _levels[Check(pinNumber)] = value;
        long i = _writes % _logTimes.Length;
        _logTimes[i] = MonotonicClock.NowNs();
        _logPins[i] = pinNumber;
        _logHigh[i] = value == PinValue.High;
        Interlocked.Increment(ref _writes);
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulated GPIO chip raises no input events");

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("the simulated GPIO chip raises no input events");

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }

    private int Check(int pinNumber)
    {
        if ((uint)pinNumber >= (uint)_modes.Length) ThrowPin(pinNumber);
        return pinNumber;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowPin(int pin) => throw new ArgumentOutOfRangeException(nameof(pin), pin, $"the simulated chip has pins 0..{_modes.Length - 1}");
}
