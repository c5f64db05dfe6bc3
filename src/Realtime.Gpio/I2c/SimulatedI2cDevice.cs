using System;
using System.Device.I2c;
using System.IO;

namespace Realtime.Gpio.I2c;

/// <summary>
/// The simulated I2C bus driver behind System.Device.Gpio's <see cref="I2cDevice"/> API: a
/// handle at one address that forwards transactions to a simulated chip, which acknowledges
/// only its own address (as Linux does, a transfer nobody acknowledges fails with ENXIO, error 6).
/// </summary>
public sealed class SimulatedI2cDevice : I2cDevice
{
    private readonly ISimulatedI2cChip _chip;
    private readonly I2cConnectionSettings _settings;
    private readonly int _chipAddress;
    private byte _pointer;

    /// <summary>A handle at <paramref name="settings"/>' address to <paramref name="chip"/>, which answers at <paramref name="chipAddress"/>.</summary>
    public SimulatedI2cDevice(ISimulatedI2cChip chip, I2cConnectionSettings settings, int chipAddress)
    {
        _chip = chip;
        _settings = settings;
        _chipAddress = chipAddress;
    }

    /// <inheritdoc/>
    public override I2cConnectionSettings ConnectionSettings => _settings;

    private void Check()
    {
        if (_settings.DeviceAddress != _chipAddress) ThrowNoAck();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowNoAck() =>
        throw new IOException($"Error 6 performing I2C data transfer: no device acknowledges address 0x{_settings.DeviceAddress:X2} on bus {_settings.BusId} (the simulated {_chip.ChipName} is at 0x{_chipAddress:X2})");

    /// <inheritdoc/>
    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    /// <inheritdoc/>
    public override void Read(Span<byte> buffer)
    {
        Check();
        _chip.Transact(ReadOnlySpan<byte>.Empty, buffer, ref _pointer);
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value)
    {
        Span<byte> b = stackalloc byte[1] { value };
        Write(b);
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Check();
        _chip.Transact(buffer, Span<byte>.Empty, ref _pointer);
    }

    /// <inheritdoc/>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Check();
        _chip.Transact(writeBuffer, readBuffer, ref _pointer);
    }
}
