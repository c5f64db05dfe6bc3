using System;
using System.Buffers.Text;
using System.Device.Pwm;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Realtime.Gpio;

/// <summary>
/// A channel of the kernel's sysfs PWM interface (/sys/class/pwm/pwmchipN/pwmM) that writes
/// without allocating: its <c>period</c>, <c>duty_cycle</c> and <c>enable</c> files stay open from
/// the start, and each new value is formatted as ASCII into a buffer kept for it and written at
/// offset 0 in one call. System.Device.Gpio's own sysfs channel formats a string and opens the
/// file on every write (about 89 bytes a frame on the servos' hot path, found on the qemu rig).
/// Not thread-safe: one writer at a time, like the hardware it drives.
/// </summary>
public sealed class SysfsPwmChannel : PwmChannel
{
    /// <summary>Where the kernel puts its PWM chips.</summary>
    public const string DefaultClassPath = "/sys/class/pwm";

    private readonly string _channelPath;
    private readonly string _chipPath;
    private readonly int _channel;
    private readonly bool _exported;
    private SafeFileHandle? _period, _duty, _enable;
    private readonly byte[] _text = new byte[24];
    private long _periodNs = -1, _dutyNs = -1;
    private int _frequency;
    private double _dutyCycle;
    private bool _enabled;

    /// <summary>Exports pwmchip<paramref name="chip"/>'s channel <paramref name="channel"/> (when it is not yet) and sets its frequency and duty cycle; not started.</summary>
    public SysfsPwmChannel(int chip, int channel, int frequency, double dutyCycle) : this(DefaultClassPath, chip, channel, frequency, dutyCycle) { }

    /// <summary>The same, under another PWM class folder (tests).</summary>
    public SysfsPwmChannel(string classPath, int chip, int channel, int frequency, double dutyCycle)
    {
        if (chip < 0) throw new ArgumentOutOfRangeException(nameof(chip), $"PWM chip must not be negative, got {chip}");
        if (channel < 0) throw new ArgumentOutOfRangeException(nameof(channel), $"PWM channel must not be negative, got {channel}");
        _chipPath = Path.Combine(classPath, "pwmchip" + chip.ToString(CultureInfo.InvariantCulture));
        _channelPath = Path.Combine(_chipPath, "pwm" + channel.ToString(CultureInfo.InvariantCulture));
        _channel = channel;
        if (!Directory.Exists(_chipPath)) throw new IOException($"{_chipPath} does not exist: no PWM chip {chip} on this machine (ls /sys/class/pwm lists those there are)");
        try
        {
            if (!Directory.Exists(_channelPath))
            {
                File.WriteAllText(Path.Combine(_chipPath, "export"), channel.ToString(CultureInfo.InvariantCulture));
                _exported = true;
            }
            // udev may set the new files' owner and mode a moment after the export.
            _period = OpenWhenReady(Path.Combine(_channelPath, "period"));
            _duty = OpenWhenReady(Path.Combine(_channelPath, "duty_cycle"));
            _enable = OpenWhenReady(Path.Combine(_channelPath, "enable"));
            _dutyCycle = dutyCycle;
            Frequency = frequency;
        }
        catch
        {
            Dispose(true);
            throw;
        }
    }

    /// <inheritdoc/>
    public override int Frequency
    {
        get => _frequency;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), $"PWM frequency must be positive, got {value}");
            long period = (long)Math.Round(1e9 / value);
            long duty = DutyNs(period, _dutyCycle);
            // The kernel refuses a duty cycle longer than the period at every step: shrink in the safe order.
            if (_dutyNs > period) { Write(_duty!, duty, "duty_cycle"); _dutyNs = duty; }
            Write(_period!, period, "period");
            _periodNs = period;
            _frequency = value;
            if (_dutyNs != duty) { Write(_duty!, duty, "duty_cycle"); _dutyNs = duty; }
        }
    }

    /// <inheritdoc/>
    public override double DutyCycle
    {
        get => _dutyCycle;
        set
        {
            if (!(value >= 0 && value <= 1)) ThrowDuty(value);
            long duty = DutyNs(_periodNs, value);
            _dutyCycle = value;
            // Written even when unchanged: the kernel skips a state it already has, and a value
            // someone else wrote meanwhile is put right (the safe state above all).
            Write(_duty!, duty, "duty_cycle");
            _dutyNs = duty;
        }
    }

    /// <summary>The duty cycle last written, ns.</summary>
    public long DutyCycleNs => _dutyNs;
    /// <summary>The period written, ns.</summary>
    public long PeriodNs => _periodNs;

    /// <inheritdoc/>
    public override void Start()
    {
        if (_enabled) return;
        Write(_enable!, 1, "enable");
        _enabled = true;
    }

    /// <inheritdoc/>
    public override void Stop()
    {
        if (!_enabled) return;
        Write(_enable!, 0, "enable");
        _enabled = false;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _period?.Dispose();
        _duty?.Dispose();
        _enable?.Dispose();
        _period = _duty = _enable = null;
        // Unexport only what this channel exported; the output keeps the last state it was given.
        if (_exported)
        {
            try { File.WriteAllText(Path.Combine(_chipPath, "unexport"), _channel.ToString(CultureInfo.InvariantCulture)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* already gone */ }
        }
        base.Dispose(disposing);
    }

    private static long DutyNs(long periodNs, double dutyCycle) => periodNs <= 0 ? 0 : (long)Math.Round(periodNs * dutyCycle);

    // ASCII digits and a newline into the kept buffer, one write at offset 0 (sysfs takes the whole value from one write).
    private void Write(SafeFileHandle file, long value, string name)
    {
        Utf8Formatter.TryFormat(value, _text, out int n);
        _text[n++] = (byte)'\n';
        try
        {
            RandomAccess.Write(file, new ReadOnlySpan<byte>(_text, 0, n), 0);
        }
        catch (IOException ex)
        {
            ThrowWrite(name, value, ex);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowWrite(string name, long value, IOException inner) =>
        throw new IOException($"{Path.Combine(_channelPath, name)}: the kernel refused {value}: {inner.Message}", inner);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDuty(double value) =>
        throw new ArgumentOutOfRangeException(nameof(value), $"duty cycle must be 0..1, got {value.ToString(CultureInfo.InvariantCulture)}");

    private static SafeFileHandle OpenWhenReady(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }
            catch (Exception ex) when ((ex is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException) && attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }
}
