using System;

namespace Realtime.Gpio.I2c;

/// <summary>
/// A simulated chip on an I2C bus: its register file behind one transaction call. The bus side
/// (addressing, NAKs, System.Device.Gpio's <see cref="System.Device.I2c.I2cDevice"/> API) is
/// <see cref="SimulatedI2cDevice"/>, shared by every simulated chip.
/// </summary>
public interface ISimulatedI2cChip
{
    /// <summary>The chip's name in bus errors (e.g. <c>MPU-6050</c>).</summary>
    string ChipName { get; }

    /// <summary>
    /// One bus transaction: <paramref name="write"/> (usually a register pointer, then data), then
    /// <paramref name="read"/> filled from the pointer on. <paramref name="pointer"/> is the
    /// register pointer the chip keeps between transactions on this device handle. Throws
    /// <see cref="System.IO.IOException"/> as Linux reports a NAK when the chip does not answer.
    /// </summary>
    void Transact(ReadOnlySpan<byte> write, Span<byte> read, ref byte pointer);
}
