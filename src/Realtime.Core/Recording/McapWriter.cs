using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Realtime.Core.Recording;

/// <summary>
/// Writes an MCAP file (https://mcap.dev/spec): magic, Header, then Schema, Channel, Metadata and
/// Message records unchunked, DataEnd, a summary (every Schema and Channel again, Statistics) and the
/// Footer pointing at it, then the magic again. The DataEnd record carries the CRC-32 of the data
/// section (the opening magic to the last byte before DataEnd) and the Footer the CRC-32 of the
/// summary (its first byte to the Footer's summary offsets), as the spec defines them, so a reader
/// tells a file changed after it was written from one cut short. Runs on the recorder's writer
/// thread, never on the loop's.
/// </summary>
public sealed class McapWriter : IDisposable
{
    /// <summary>The 8 magic bytes that open and close every MCAP file.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'C', (byte)'A', (byte)'P', (byte)'0', (byte)'\r', (byte)'\n'];

    /// <summary>Record opcodes.</summary>
    public const byte OpHeader = 0x01, OpFooter = 0x02, OpSchema = 0x03, OpChannel = 0x04, OpMessage = 0x05,
        OpStatistics = 0x0B, OpMetadata = 0x0C, OpDataEnd = 0x0F;

    private readonly Stream _out;
    private readonly MemoryStream _record = new();
    private readonly List<(ushort Id, string Name, string Encoding, byte[] Data)> _schemas = new();
    private readonly List<(ushort Id, ushort Schema, string Topic, string Encoding)> _channels = new();
    private readonly Dictionary<ushort, ulong> _counts = new();
    private ulong _messages;
    private ulong _start = ulong.MaxValue, _end;
    private int _metadata;
    private bool _finished;
    // The running CRC of the section being written (the data section, then the summary).
    private uint _crc = Crc32.Initial;

    /// <summary>Starts a file on <paramref name="output"/> (owned) with the MCAP profile and library names.</summary>
    public McapWriter(Stream output, string profile, string library)
    {
        _out = output;
        Emit(Magic);
        Begin();
        String(profile);
        String(library);
        End(OpHeader);
    }

    /// <summary>Messages written so far.</summary>
    public ulong MessageCount => _messages;

    /// <summary>Messages written so far on channel <paramref name="channel"/>.</summary>
    public ulong CountOf(ushort channel) => _counts.TryGetValue(channel, out ulong n) ? n : 0;

    /// <summary>Bytes written so far.</summary>
    public long Position => _out.Position;

    /// <summary>Adds a schema (ids from 1); its data is the schema text (a JSON schema).</summary>
    public ushort AddSchema(string name, string encoding, string data)
    {
        ushort id = (ushort)(_schemas.Count + 1);
        byte[] bytes = Encoding.UTF8.GetBytes(data);
        _schemas.Add((id, name, encoding, bytes));
        WriteSchema(id, name, encoding, bytes);
        return id;
    }

    /// <summary>Adds a channel on <paramref name="schema"/> (ids from 0).</summary>
    public ushort AddChannel(ushort schema, string topic, string messageEncoding)
    {
        ushort id = (ushort)_channels.Count;
        _channels.Add((id, schema, topic, messageEncoding));
        _counts[id] = 0;
        WriteChannel(id, schema, topic, messageEncoding);
        return id;
    }

    /// <summary>A Metadata record: a name and its text pairs.</summary>
    public void AddMetadata(string name, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        Begin();
        String(name);
        Map(pairs);
        End(OpMetadata);
        _metadata++;
    }

    /// <summary>One message on <paramref name="channel"/>, stamped <paramref name="logTimeNs"/>.</summary>
    public void AddMessage(ushort channel, uint sequence, ulong logTimeNs, ReadOnlySpan<byte> data)
    {
        Begin();
        U16(channel);
        U32(sequence);
        U64(logTimeNs);
        U64(logTimeNs);
        _record.Write(data);
        End(OpMessage);
        _messages++;
        _counts[channel] = _counts[channel] + 1;
        _start = Math.Min(_start, logTimeNs);
        _end = Math.Max(_end, logTimeNs);
    }

    /// <summary>DataEnd, the summary (schemas, channels, statistics), the Footer and the closing magic.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        uint dataCrc = Crc32.Final(_crc);
        Begin();
        U32(dataCrc);
        End(OpDataEnd);
        ulong summaryStart = (ulong)_out.Position;
        _crc = Crc32.Initial;
        foreach (var s in _schemas) WriteSchema(s.Id, s.Name, s.Encoding, s.Data);
        foreach (var c in _channels) WriteChannel(c.Id, c.Schema, c.Topic, c.Encoding);
        Begin();
        U64(_messages);
        U16((ushort)_schemas.Count);
        U32((uint)_channels.Count);
        U32(0); // attachments
        U32((uint)_metadata);
        U32(0); // chunks
        U64(_messages == 0 ? 0 : _start);
        U64(_end);
        var counts = new MemoryStream();
        Span<byte> entry = stackalloc byte[10];
        foreach (var c in _channels)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(entry, c.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[2..], _counts[c.Id]);
            counts.Write(entry);
        }
        U32((uint)counts.Length);
        counts.WriteTo(_record);
        End(OpStatistics);
        // The summary's CRC ends with the Footer's own opcode, length and both offsets.
        Span<byte> footer = stackalloc byte[1 + 8 + 8 + 8 + 4];
        footer[0] = OpFooter;
        BinaryPrimitives.WriteUInt64LittleEndian(footer[1..], 8 + 8 + 4);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[9..], summaryStart);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[17..], 0); // no summary offsets
        uint summaryCrc = Crc32.Final(Crc32.Update(_crc, footer[..25]));
        BinaryPrimitives.WriteUInt32LittleEndian(footer[25..], summaryCrc);
        _out.Write(footer);
        _out.Write(Magic);
        _out.Flush();
    }

    /// <summary>Finishes the file if it was not, and closes it.</summary>
    public void Dispose()
    {
        try { Finish(); }
        finally { _out.Dispose(); }
    }

    private void WriteSchema(ushort id, string name, string encoding, byte[] data)
    {
        Begin();
        U16(id);
        String(name);
        String(encoding);
        U32((uint)data.Length);
        _record.Write(data);
        End(OpSchema);
    }

    private void WriteChannel(ushort id, ushort schema, string topic, string encoding)
    {
        Begin();
        U16(id);
        U16(schema);
        String(topic);
        String(encoding);
        U32(0); // no channel metadata
        End(OpChannel);
    }

    private void Begin() => _record.SetLength(0);

    private void End(byte op)
    {
        Span<byte> head = stackalloc byte[9];
        head[0] = op;
        BinaryPrimitives.WriteUInt64LittleEndian(head[1..], (ulong)_record.Length);
        // DataEnd is the one record outside both CRCs.
        if (op == OpDataEnd) { _out.Write(head); _out.Write(_record.GetBuffer().AsSpan(0, (int)_record.Length)); return; }
        Emit(head);
        Emit(_record.GetBuffer().AsSpan(0, (int)_record.Length));
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        _crc = Crc32.Update(_crc, bytes);
        _out.Write(bytes);
    }

    private void Map(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var body = new MemoryStream();
        foreach (var (k, v) in pairs) { StringTo(body, k); StringTo(body, v); }
        U32((uint)body.Length);
        body.WriteTo(_record);
    }

    private void String(string s) => StringTo(_record, s);

    private static void StringTo(Stream to, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)b.Length);
        to.Write(n);
        to.Write(b);
    }

    private void U16(ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); _record.Write(b); }
    private void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _record.Write(b); }
    private void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); _record.Write(b); }
}
