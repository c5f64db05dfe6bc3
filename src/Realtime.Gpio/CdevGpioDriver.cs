using System;
using System.Device.Gpio;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using Realtime.Linux.Interop;

namespace Realtime.Gpio;

/// <summary>
/// A <see cref="GpioDriver"/> over the GPIO character device's v2 interface (<c>/dev/gpiochipN</c>,
/// Linux 5.10+), for outputs written on the hot path. Each opened line is requested on its own;
/// an output is requested at its initial level in the same ioctl, so it never shows another level
/// first; a write is one <c>GPIO_V2_LINE_SET_VALUES</c> ioctl over a struct on the stack, so it
/// allocates nothing (System.Device.Gpio 4.2's libgpiod driver allocates on writes, about 1.5 B a
/// frame on the voice relay). Edge events are not offered: this driver is for outputs and plain reads.
/// </summary>
public sealed unsafe class CdevGpioDriver : GpioDriver
{
    // Sizes and requests from <linux/gpio.h> (the same on x86-64 and arm64).
    private const int RequestSize = 592, ConsumerOffset = 256, FlagsOffset = 288, NumAttrsOffset = 296, AttrsOffset = 320,
        NumLinesOffset = 560, FdOffset = 588, ChipInfoSize = 68;
    private const uint ChipInfoIoctl = 0x8044B401, GetLine = 0xC250B407, GetValues = 0xC010B40E, SetValues = 0xC010B40F;
    private const ulong FlagInput = 1 << 2, FlagOutput = 1 << 3, FlagPullUp = 1 << 8, FlagPullDown = 1 << 9;
    private const uint AttrOutputValues = 2;

    private struct LineValues
    {
        public ulong Bits;
        public ulong Mask;
    }

    // -1 until the chip is open: a constructor that throws leaves the finalizer nothing to close (fd 0 is stdin).
    private int _chipFd = -1;
    private readonly int[] _lineFds;
    private readonly PinMode?[] _modes;

    /// <summary>Opens <c>/dev/gpiochip{chip}</c>; an absent or unreadable chip is an <see cref="IOException"/> that names it.</summary>
    public CdevGpioDriver(int chip = 0)
    {
        if (chip < 0) throw new ArgumentOutOfRangeException(nameof(chip), $"a GPIO chip number is not negative, got {chip}");
        ChipPath = $"/dev/gpiochip{chip}";
        int fd = Libc.open(ChipPath, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) throw new IOException($"{ChipPath}: {Libc.LastErrnoText()} (is the board's GPIO chip there, and the user in the 'gpio' group?)");
        byte* info = stackalloc byte[ChipInfoSize];
        if (Libc.ioctl(fd, ChipInfoIoctl, info) < 0)
        {
            string why = Libc.LastErrnoText();
            Libc.close(fd);
            throw new IOException($"{ChipPath}: not a GPIO character device (GPIO_GET_CHIPINFO: {why})");
        }
        Label = new string((sbyte*)info + 32);
        int lines = Math.Clamp(*(int*)(info + 64), 0, 1 << 16);
        _lineFds = new int[lines];
        _lineFds.AsSpan().Fill(-1);
        _modes = new PinMode?[lines];
        _chipFd = fd; // last: from here on Dispose has everything it closes
    }

    /// <summary>The chip's device node.</summary>
    public string ChipPath { get; }
    /// <summary>The chip's label (the kernel driver's name for it).</summary>
    public string Label { get; }

    /// <inheritdoc/>
    protected override int PinCount => _lineFds.Length;

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber) => Request(Check(pinNumber), PinMode.Input, PinValue.Low);

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        int line = Check(pinNumber);
        Release(line);
        _modes[line] = null;
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode) => Request(Check(pinNumber), mode, PinValue.Low);

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue) => Request(Check(pinNumber), mode, initialValue);

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber) => _modes[Check(pinNumber)] ?? PinMode.Input;

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber)
    {
        int fd = LineFd(pinNumber);
        var v = new LineValues { Mask = 1 };
        if (Libc.ioctl(fd, GetValues, &v) < 0) ThrowIo("read", pinNumber);
        return (v.Bits & 1) != 0 ? PinValue.High : PinValue.Low;
    }

    /// <inheritdoc/>
    protected override void Toggle(int pinNumber) => Write(pinNumber, Read(pinNumber) == PinValue.High ? PinValue.Low : PinValue.High);

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        int fd = LineFd(pinNumber);
        var v = new LineValues { Bits = value == PinValue.High ? 1UL : 0UL, Mask = 1 };
        if (Libc.ioctl(fd, SetValues, &v) < 0) ThrowIo("write", pinNumber);
    }

    /// <inheritdoc/>
    protected override void Write(ReadOnlySpan<PinValuePair> pinValuePairs)
    {
        foreach (var pair in pinValuePairs) Write(pair.PinNumber, pair.PinValue);
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{ChipPath}: edge events are not offered by {nameof(CdevGpioDriver)} (outputs and plain reads only)");

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException($"{ChipPath}: edge events are not offered by {nameof(CdevGpioDriver)} (outputs and plain reads only)");

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }

    /// <summary>Requests the line alone in <paramref name="mode"/>, an output at <paramref name="initial"/>, replacing an earlier request.</summary>
    private void Request(int line, PinMode mode, PinValue initial)
    {
        ObjectDisposedException.ThrowIf(_chipFd < 0, this);
        if (!IsPinModeSupported(line, mode)) throw new NotSupportedException($"{ChipPath} line {line}: mode {mode} is not supported (Input, Output, InputPullUp, InputPullDown)");
        byte* req = stackalloc byte[RequestSize];
        new Span<byte>(req, RequestSize).Clear();
        *(uint*)req = (uint)line;
        "rtapp"u8.CopyTo(new Span<byte>(req + ConsumerOffset, 31));
        ulong flags = mode switch
        {
            PinMode.Output => FlagOutput,
            PinMode.InputPullUp => FlagInput | FlagPullUp,
            PinMode.InputPullDown => FlagInput | FlagPullDown,
            _ => FlagInput,
        };
        *(ulong*)(req + FlagsOffset) = flags;
        if (mode == PinMode.Output)
        {
            // One attribute: the line's output value, applied as the request takes the line.
            *(uint*)(req + NumAttrsOffset) = 1;
            *(uint*)(req + AttrsOffset) = AttrOutputValues;
            *(ulong*)(req + AttrsOffset + 8) = initial == PinValue.High ? 1UL : 0UL;
            *(ulong*)(req + AttrsOffset + 16) = 1; // mask: line 0 of the request
        }
        *(uint*)(req + NumLinesOffset) = 1;
        // A line held by an earlier request of ours is let go first: the kernel refuses a second request for a held line.
        Release(line);
        if (Libc.ioctl(_chipFd, GetLine, req) < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new IOException(errno == 16
                ? $"{ChipPath} line {line}: busy (another program or a kernel driver holds it; `gpioinfo` shows who)"
                : $"{ChipPath} line {line}: cannot request it as {mode}: {Libc.ErrnoText(errno)}");
        }
        _lineFds[line] = *(int*)(req + FdOffset);
        _modes[line] = mode;
    }

    private void Release(int line)
    {
        int fd = _lineFds[line];
        if (fd < 0) return;
        _lineFds[line] = -1;
        Libc.close(fd);
    }

    private int LineFd(int pinNumber)
    {
        int line = Check(pinNumber);
        int fd = _lineFds[line];
        if (fd < 0) ThrowNotOpen(line);
        return fd;
    }

    private int Check(int pinNumber)
    {
        if ((uint)pinNumber >= (uint)_lineFds.Length) ThrowRange(pinNumber);
        return pinNumber;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRange(int pin) => throw new ArgumentOutOfRangeException(nameof(pin), $"{ChipPath} ({Label}) has lines 0..{_lineFds.Length - 1}, not {pin}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotOpen(int line) => throw new InvalidOperationException($"{ChipPath} line {line} is not open");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIo(string what, int line) => throw new IOException($"{ChipPath} line {line}: {what} failed: {Libc.LastErrnoText()}");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_chipFd >= 0)
        {
            for (int i = 0; i < _lineFds.Length; i++) Release(i);
            Libc.close(_chipFd);
            _chipFd = -1;
        }
        base.Dispose(disposing);
    }
}
