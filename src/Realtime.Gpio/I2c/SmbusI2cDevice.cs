using System;
using System.Device.I2c;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Realtime.Linux.Interop;

namespace Realtime.Gpio.I2c;

/// <summary>
/// An I2C device on an adapter that speaks only SMBus (a PC's SMBus controller, i2c-stub): the
/// kernel refuses plain I2C transfers there (I2C_RDWR, read/write on /dev/i2c-N), which is all
/// System.Device.I2c's own device uses. Register access maps onto SMBus transactions through the
/// I2C_SMBUS ioctl: a one-byte write is "send byte", a register and a value "write byte data", a
/// register and up to 32 bytes an "I2C block write"; a register write followed by a read is "read
/// byte data" or an "I2C block read" (up to 32 bytes, enough for an IMU's burst).
/// <see cref="Open"/> picks this or System.Device.I2c's device by what the adapter can do.
/// </summary>
public sealed unsafe class SmbusI2cDevice : I2cDevice
{
    private const uint I2C_SLAVE = 0x0703, I2C_FUNCS = 0x0705, I2C_SMBUS = 0x0720;
    private const ulong FuncI2c = 0x1, FuncSmbusReadByteData = 0x80000, FuncSmbusReadI2cBlock = 0x4000000;
    private const byte SmbusRead = 1, SmbusWrite = 0;
    private const uint SizeByte = 1, SizeByteData = 2, SizeI2cBlockBroken = 6, SizeI2cBlockData = 8;
    private const int BlockMax = 32;

    /// <summary>struct i2c_smbus_ioctl_data: read_write, command, size, a pointer to union i2c_smbus_data.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SmbusIoctlData
    {
        public byte ReadWrite;
        public byte Command;
        public uint Size;
        public byte* Data;
    }

    private int _fd;
    private readonly I2cConnectionSettings _settings;
    // union i2c_smbus_data: a byte, a word, or block[34] (length first); kept, so no transfer allocates.
    private readonly byte* _data = (byte*)NativeMemory.AllocZeroed(BlockMax + 2);

    private SmbusI2cDevice(int fd, I2cConnectionSettings settings)
    {
        _fd = fd;
        _settings = settings;
    }

    /// <inheritdoc/>
    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>
    /// Opens <c>/dev/i2c-{bus}</c> at <paramref name="address"/>: System.Device.I2c's device when the
    /// adapter does plain I2C, this SMBus one when it does only SMBus (with byte-data and I2C-block reads).
    /// </summary>
    public static I2cDevice Open(int bus, int address)
    {
        var settings = new I2cConnectionSettings(bus, address);
        string path = $"/dev/i2c-{bus}";
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) throw new IOException($"{path}: {Libc.LastErrnoText()} (is i2c-dev loaded, and the bus there?)");
        ulong funcs = 0;
        if (Libc.ioctl(fd, I2C_FUNCS, &funcs) < 0)
        {
            string why = Libc.LastErrnoText();
            Libc.close(fd);
            throw new IOException($"{path}: I2C_FUNCS failed: {why}");
        }
        if ((funcs & FuncI2c) != 0)
        {
            Libc.close(fd);
            return I2cDevice.Create(settings);
        }
        if ((funcs & (FuncSmbusReadByteData | FuncSmbusReadI2cBlock)) != (FuncSmbusReadByteData | FuncSmbusReadI2cBlock))
        {
            Libc.close(fd);
            throw new IOException($"{path}: the adapter does neither plain I2C nor SMBus byte-data and I2C-block reads (functionality 0x{funcs:X})");
        }
        if (Libc.ioctl(fd, I2C_SLAVE, (void*)(nint)address) < 0)
        {
            string why = Libc.LastErrnoText();
            Libc.close(fd);
            throw new IOException($"{path}: cannot address 0x{address:X2}: {why}");
        }
        return new SmbusI2cDevice(fd, settings);
    }

    /// <inheritdoc/>
    public override byte ReadByte()
    {
        Smbus(SmbusRead, 0, SizeByte);
        return _data[0];
    }

    /// <inheritdoc/>
    public override void Read(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = ReadByte();
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Smbus(SmbusWrite, value, SizeByte);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        if (buffer.Length == 1) { WriteByte(buffer[0]); return; }
        if (buffer.Length == 2)
        {
            _data[0] = buffer[1];
            Smbus(SmbusWrite, buffer[0], SizeByteData);
            return;
        }
        int n = buffer.Length - 1;
        if (n > BlockMax) ThrowTooLong(n);
        _data[0] = (byte)n;
        buffer[1..].CopyTo(new Span<byte>(_data + 1, n));
        Smbus(SmbusWrite, buffer[0], SizeI2cBlockBroken);
    }

    /// <inheritdoc/>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != 1) ThrowShape(writeBuffer.Length);
        if (readBuffer.Length == 1)
        {
            Smbus(SmbusRead, writeBuffer[0], SizeByteData);
            readBuffer[0] = _data[0];
            return;
        }
        if (readBuffer.Length > BlockMax) ThrowTooLong(readBuffer.Length);
        _data[0] = (byte)readBuffer.Length;
        Smbus(SmbusRead, writeBuffer[0], SizeI2cBlockData);
        new ReadOnlySpan<byte>(_data + 1, readBuffer.Length).CopyTo(readBuffer);
    }

    private void Smbus(byte readWrite, byte command, uint size)
    {
        var args = new SmbusIoctlData { ReadWrite = readWrite, Command = command, Size = size, Data = _data };
        if (Libc.ioctl(_fd, I2C_SMBUS, &args) < 0) ThrowTransfer(readWrite, command);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowTransfer(byte readWrite, byte command) =>
        throw new IOException($"/dev/i2c-{_settings.BusId} address 0x{_settings.DeviceAddress:X2}: SMBus {(readWrite == SmbusRead ? "read" : "write")} at register 0x{command:X2} failed: {Libc.LastErrnoText()}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooLong(int n) => throw new ArgumentException($"SMBus moves at most {BlockMax} bytes in one transfer, not {n}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(int n) => throw new ArgumentException($"over SMBus a write-read starts with one register byte, not {n}");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_fd >= 0)
        {
            Libc.close(_fd);
            _fd = -1;
            NativeMemory.Free(_data);
        }
        base.Dispose(disposing);
    }
}
