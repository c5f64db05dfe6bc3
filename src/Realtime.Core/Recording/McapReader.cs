using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Realtime.Core.Recording;

/// <summary>One message read back: its channel's topic, stamp and bytes.</summary>
public sealed record McapMessage(ushort Channel, string Topic, ulong LogTimeNs, byte[] Data);

/// <summary>A bad MCAP file: what is wrong, said once (the caller names the file).</summary>
public sealed class McapFormatException(string message) : Exception(message);

/// <summary>
/// Reads an unchunked MCAP file as <see cref="McapWriter"/> writes it: checks both magics and the
/// Footer, walks the records up to DataEnd and keeps schemas, channels, metadata and messages, and
/// checks the data section's and the summary's CRC-32 where the file states them (0 is "not
/// computed" in the spec). A file that is not MCAP, is cut short, was changed after it was written
/// or holds chunks (compressed data this reader does not take) is refused in words.
/// </summary>
public sealed class McapReader
{
    /// <summary>Schemas by id: name, encoding.</summary>
    public Dictionary<ushort, (string Name, string Encoding)> Schemas { get; } = new();
    /// <summary>Channels by id: schema id, topic, message encoding.</summary>
    public Dictionary<ushort, (ushort Schema, string Topic, string Encoding)> Channels { get; } = new();
    /// <summary>Metadata records by name.</summary>
    public Dictionary<string, Dictionary<string, string>> Metadata { get; } = new(StringComparer.Ordinal);
    /// <summary>Every message, in file order.</summary>
    public List<McapMessage> Messages { get; } = new();

    /// <summary>Reads <paramref name="bytes"/>, a whole MCAP file.</summary>
    public static McapReader Read(byte[] bytes)
    {
        var r = new McapReader();
        ReadOnlySpan<byte> magic = McapWriter.Magic;
        if (bytes.Length < magic.Length || !bytes.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw new McapFormatException("not an MCAP file (its first bytes are not the MCAP magic)");
        if (bytes.Length < 2 * magic.Length + 9 + 20 || !bytes.AsSpan(bytes.Length - magic.Length).SequenceEqual(magic))
            throw new McapFormatException($"truncated: the file ({bytes.Length} bytes) does not end with the MCAP footer and magic (the recording was cut short)");
        // The Footer: opcode, length 20, summary start, summary offset start, summary CRC; then the magic.
        int footerAt = bytes.Length - magic.Length - 29;
        if (bytes[footerAt] != McapWriter.OpFooter || BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(footerAt + 1)) != 20)
            throw new McapFormatException("corrupted: the file ends with the MCAP magic but no Footer record before it");
        ulong summaryStart = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(footerAt + 9));
        uint summaryCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(footerAt + 25));
        if (summaryStart > (ulong)footerAt)
            throw new McapFormatException($"corrupted: the Footer puts the summary at byte {summaryStart}, past the Footer itself (byte {footerAt})");
        if (summaryCrc != 0 && summaryStart > 0)
        {
            uint actual = Crc32.Of(bytes.AsSpan((int)summaryStart, footerAt + 25 - (int)summaryStart));
            if (actual != summaryCrc)
                throw new McapFormatException($"corrupted: the summary's CRC-32 is {actual:x8}, the Footer says {summaryCrc:x8} (the file was changed after it was written)");
        }
        // The data section is checked before a record of it is believed: a changed byte is named as such, not as whatever it broke.
        bool dataChecked = false;
        if (summaryStart >= 13 && bytes[(int)summaryStart - 13] == McapWriter.OpDataEnd)
        {
            CheckDataSection(bytes, (int)summaryStart - 13);
            dataChecked = true;
        }
        int pos = magic.Length;
        bool dataEnd = false;
        while (!dataEnd)
        {
            if (pos + 9 > bytes.Length - magic.Length) throw new McapFormatException($"truncated: a record at byte {pos} is cut short");
            byte op = bytes[pos];
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos + 1));
            if (length > (ulong)(bytes.Length - pos - 9)) throw new McapFormatException($"truncated: the record at byte {pos} (opcode 0x{op:x2}) claims {length} bytes, more than the file holds");
            var body = new ReadOnlySpan<byte>(bytes, pos + 9, (int)length);
            try
            {
                switch (op)
                {
                    case McapWriter.OpSchema:
                        {
                            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(body);
                            int at = 2;
                            string name = Str(body, ref at), enc = Str(body, ref at);
                            r.Schemas[id] = (name, enc);
                            break;
                        }
                    case McapWriter.OpChannel:
                        {
                            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(body);
                            ushort schema = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                            int at = 4;
                            string topic = Str(body, ref at), enc = Str(body, ref at);
                            r.Channels[id] = (schema, topic, enc);
                            break;
                        }
                    case McapWriter.OpMetadata:
                        {
                            int at = 0;
                            string name = Str(body, ref at);
                            int end = at + 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(body[at..]);
                            at += 4;
                            var map = new Dictionary<string, string>(StringComparer.Ordinal);
                            while (at < end) { string k = Str(body, ref at); map[k] = Str(body, ref at); }
                            r.Metadata[name] = map;
                            break;
                        }
                    case McapWriter.OpMessage:
                        {
                            ushort ch = BinaryPrimitives.ReadUInt16LittleEndian(body);
                            if (!r.Channels.TryGetValue(ch, out var c)) throw new McapFormatException($"a message at byte {pos} is on channel {ch}, which no Channel record declared before it");
                            ulong t = BinaryPrimitives.ReadUInt64LittleEndian(body[6..]);
                            r.Messages.Add(new McapMessage(ch, c.Topic, t, body[22..].ToArray()));
                            break;
                        }
                    case 0x06:
                        throw new McapFormatException("holds chunks (compressed or indexed data): only unchunked recordings, as rtapp writes them, are read");
                    case McapWriter.OpDataEnd:
                        if (!dataChecked) CheckDataSection(bytes, pos);
                        dataEnd = true;
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                throw new McapFormatException($"the record at byte {pos} (opcode 0x{op:x2}) is malformed");
            }
            pos += 9 + (int)length;
        }
        return r;
    }

    /// <summary>The CRC-32 of everything before the DataEnd record at <paramref name="dataEnd"/> against the one it states (0: not computed).</summary>
    private static void CheckDataSection(byte[] bytes, int dataEnd)
    {
        if (dataEnd + 13 > bytes.Length) throw new McapFormatException($"truncated: the DataEnd record at byte {dataEnd} is cut short");
        uint stated = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(dataEnd + 9));
        if (stated == 0) return;
        uint actual = Crc32.Of(bytes.AsSpan(0, dataEnd));
        if (actual != stated)
            throw new McapFormatException($"corrupted: the data section's CRC-32 is {actual:x8}, its DataEnd record says {stated:x8} (the file was changed after it was written)");
    }

    private static string Str(ReadOnlySpan<byte> body, ref int at)
    {
        int n = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[at..]);
        string s = Encoding.UTF8.GetString(body.Slice(at + 4, n));
        at += 4 + n;
        return s;
    }
}
