using System;

namespace Realtime.Core.Recording;

/// <summary>
/// CRC-32 as MCAP (and zlib) define it: polynomial 0xEDB88320 reflected, initial and final XOR
/// 0xFFFFFFFF. Table-driven, eight bytes a step; it runs on the recorder's writer thread and on
/// the reader, never on the loop's.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = Build();

    private static uint[] Build()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        for (int i = 0; i < 256; i++)
            for (int s = 1; s < 8; s++) t[s * 256 + i] = (t[(s - 1) * 256 + i] >> 8) ^ t[t[(s - 1) * 256 + i] & 0xFF];
        return t;
    }

    /// <summary>The running state before any byte.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>The state after <paramref name="data"/> more bytes.</summary>
    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        uint c = state;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint lo = c ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            uint hi = (uint)(data[i + 4] | data[i + 5] << 8 | data[i + 6] << 16 | data[i + 7] << 24);
            c = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
              ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
        }
        for (; i < data.Length; i++) c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        return c;
    }

    /// <summary>The CRC of a running state.</summary>
    public static uint Final(uint state) => state ^ 0xFFFFFFFFu;

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Of(ReadOnlySpan<byte> data) => Final(Update(Initial, data));
}
