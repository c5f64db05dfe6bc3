using System;
using System.Device.I2c;
using System.IO;
using System.Threading;
using Realtime.Gpio.I2c;

namespace Realtime.Gpio.ServoBoards;

/// <summary>
/// The simulated driver behind a PCA9685 servo board on the <c>sim</c> board and in tests: the
/// chip's register file as the datasheet describes it (powers up asleep with MODE1 = 0x11, every
/// channel full-off, PRE_SCALE 0x1E; PRE_SCALE writes ignored unless asleep, as the chip does;
/// the pointer auto-increments only with MODE1.AI; ALL_LED writes reach every channel and read
/// back 0; full-off wins over full-on). It says what pulse each channel puts out. Reach it
/// through System.Device.Gpio's bus API with <see cref="OpenI2c"/>.
/// </summary>
public sealed class SimulatedPca9685 : ISimulatedI2cChip
{
    private readonly byte[] _registers = new byte[256];
    private readonly object _gate = new();
    private readonly int _address;
    private long _transactions;
    private long _writes;

    /// <summary>A chip at power-on that answers at <paramref name="address"/>.</summary>
    public SimulatedPca9685(int address = Pca9685Registers.DefaultAddress)
    {
        _address = address;
        PowerOn();
    }

    /// <summary>Whether the chip answers on its bus (false: every transaction fails as Linux reports a NAK).</summary>
    public bool Connected { get; set; } = true;

    /// <summary>Bus transactions so far.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Register bytes written so far.</summary>
    public long RegisterWrites => Interlocked.Read(ref _writes);

    /// <inheritdoc/>
    public string ChipName => "PCA9685";

    /// <summary>A register's current value (tests, and what <c>i2cget</c> would read).</summary>
    public byte Register(byte register) { lock (_gate) return _registers[register]; }

    /// <summary>Whether the oscillator is off (MODE1.SLEEP): no channel puts out a pulse.</summary>
    public bool Sleeping { get { lock (_gate) return (_registers[Pca9685Registers.Mode1] & Pca9685Registers.SleepBit) != 0; } }

    /// <summary>The PWM update rate PRE_SCALE sets, Hz.</summary>
    public double FrequencyHz { get { lock (_gate) return Pca9685Registers.FrequencyFor(_registers[Pca9685Registers.PreScale]); } }

    /// <summary>Channel <paramref name="channel"/>'s 13-bit ON and OFF register values (12-bit count plus the full bit).</summary>
    public (ushort On, ushort Off) Counts(int channel)
    {
        if ((uint)channel >= Pca9685Registers.Channels) throw new ArgumentOutOfRangeException(nameof(channel));
        lock (_gate)
        {
            int r = Pca9685Registers.LedOnL(channel);
            return ((ushort)(_registers[r] | (_registers[r + 1] << 8)), (ushort)(_registers[r + 2] | (_registers[r + 3] << 8)));
        }
    }

    /// <summary>The high time channel <paramref name="channel"/> puts out each period, µs (0 while asleep or full-off).</summary>
    public double PulseUs(int channel)
    {
        var (on, off) = Counts(channel);
        byte prescale;
        lock (_gate)
        {
            if ((_registers[Pca9685Registers.Mode1] & Pca9685Registers.SleepBit) != 0) return 0;
            prescale = _registers[Pca9685Registers.PreScale];
        }
        int high;
        if ((off & 0x1000) != 0) high = 0; // full off wins
        else if ((on & 0x1000) != 0) high = Pca9685Registers.CountsPerPeriod;
        else high = ((off & 0xFFF) - (on & 0xFFF) + Pca9685Registers.CountsPerPeriod) % Pca9685Registers.CountsPerPeriod;
        return high * Pca9685Registers.CountUs(prescale);
    }

    /// <summary>An I2C device at <paramref name="address"/> on bus <paramref name="busId"/>; only the chip's own address answers.</summary>
    public I2cDevice OpenI2c(int busId, int address) => new SimulatedI2cDevice(this, new I2cConnectionSettings(busId, address), _address);

    private void PowerOn()
    {
        Array.Clear(_registers);
        _registers[Pca9685Registers.Mode1] = Pca9685Registers.Mode1PowerOn;
        _registers[Pca9685Registers.Mode2] = Pca9685Registers.Mode2PowerOn;
        for (int ch = 0; ch < Pca9685Registers.Channels; ch++) _registers[Pca9685Registers.LedOnL(ch) + 3] = Pca9685Registers.FullBit;
        _registers[Pca9685Registers.PreScale] = Pca9685Registers.PreScalePowerOn;
    }

    private static bool Exists(int r) => r <= Pca9685Registers.LedOnL(Pca9685Registers.Channels) - 1 || r >= Pca9685Registers.AllLedOnL && r <= Pca9685Registers.PreScale;

    private void Write(byte register, byte value)
    {
        Interlocked.Increment(ref _writes);
        if (!Exists(register)) return;
        if (register == Pca9685Registers.PreScale)
        {
            if ((_registers[Pca9685Registers.Mode1] & Pca9685Registers.SleepBit) != 0)
                _registers[register] = Math.Max(value, Pca9685Registers.PreScaleMin);
            return;
        }
        if (register >= Pca9685Registers.AllLedOnL)
        {
            for (int ch = 0; ch < Pca9685Registers.Channels; ch++) _registers[Pca9685Registers.LedOnL(ch) + register - Pca9685Registers.AllLedOnL] = value;
            return;
        }
        _registers[register] = value;
    }

    private byte Read(byte register) => register >= Pca9685Registers.AllLedOnL && register < Pca9685Registers.PreScale ? (byte)0 : _registers[register];

    /// <inheritdoc/>
    public void Transact(ReadOnlySpan<byte> write, Span<byte> read, ref byte pointer)
    {
        if (!Connected) throw new IOException("Error 6 performing bus transfer: the simulated PCA9685 does not answer (disconnected)");
        lock (_gate)
        {
            Interlocked.Increment(ref _transactions);
            bool ai = (_registers[Pca9685Registers.Mode1] & Pca9685Registers.AutoIncrementBit) != 0;
            if (write.Length > 0)
            {
                pointer = write[0];
                for (int i = 1; i < write.Length; i++)
                {
                    Write(pointer, write[i]);
                    if (ai) pointer++;
                }
            }
            for (int i = 0; i < read.Length; i++)
            {
                read[i] = Read(pointer);
                if (ai) pointer++;
            }
        }
    }
}
