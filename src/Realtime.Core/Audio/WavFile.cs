using System;
using System.Buffers.Binary;
using System.IO;

namespace Realtime.Core.Audio;

/// <summary>
/// Reads RIFF/WAVE files of 16-bit PCM, the one format the audio pipeline takes. Anything else
/// (another rate, stereo, 8/24/32-bit, float, compressed) is an <see cref="InvalidDataException"/>
/// naming the file and the header field that differs.
/// </summary>
public static class WavFile
{
    /// <summary>WAVE_FORMAT_PCM.</summary>
    private const int FormatPcm = 1;
    /// <summary>WAVE_FORMAT_EXTENSIBLE (its sub-format must then be PCM).</summary>
    private const int FormatExtensible = 0xFFFE;

    /// <summary>
    /// Reads a mono 16-bit PCM file at <paramref name="sampleRate"/> Hz into floats in [-1, 1).
    /// </summary>
    public static float[] ReadMono16(string path, int sampleRate)
    {
        byte[] b;
        try
        {
            b = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the audio file: {ex.Message}", ex);
        }
        if (b.Length < 12 || !Tag(b, 0, "RIFF") || !Tag(b, 8, "WAVE"))
            throw new InvalidDataException($"{path}: not a RIFF/WAVE file (header: RIFF....WAVE expected)");
        int pos = 12;
        bool haveFormat = false;
        while (pos + 8 <= b.Length)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(pos + 4));
            int body = pos + 8;
            if (size < 0 || body + size > b.Length && !Tag(b, pos, "data"))
                throw new InvalidDataException($"{path}: chunk at byte {pos} runs past the end of the file");
            if (Tag(b, pos, "fmt "))
            {
                if (size < 16) throw new InvalidDataException($"{path}: fmt chunk is {size} bytes; at least 16 expected");
                var f = b.AsSpan(body);
                int format = BinaryPrimitives.ReadUInt16LittleEndian(f);
                int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
                int rate = BinaryPrimitives.ReadInt32LittleEndian(f[4..]);
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
                if (format == FormatExtensible && size >= 26) format = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]);
                if (format != FormatPcm) throw new InvalidDataException($"{path}: fmt.audio_format is {format}; expected 1 (integer PCM)");
                if (channels != 1) throw new InvalidDataException($"{path}: fmt.channels is {channels}; expected 1 (mono)");
                if (rate != sampleRate) throw new InvalidDataException($"{path}: fmt.sample_rate is {rate} Hz; expected {sampleRate} Hz");
                if (bits != 16) throw new InvalidDataException($"{path}: fmt.bits_per_sample is {bits}; expected 16");
                haveFormat = true;
            }
            else if (Tag(b, pos, "data"))
            {
                if (!haveFormat) throw new InvalidDataException($"{path}: data chunk before any fmt chunk");
                int n = Math.Min(size, b.Length - body) / 2;
                var samples = new float[n];
                for (int i = 0; i < n; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(body + 2 * i)) / 32768f;
                return samples;
            }
            pos = body + size + (size & 1);
        }
        throw new InvalidDataException(haveFormat ? $"{path}: no data chunk" : $"{path}: no fmt chunk");
    }

    /// <summary>Writes mono 16-bit PCM (tests and tools; clips to [-1, 1]).</summary>
    public static void WriteMono16(string path, ReadOnlySpan<float> samples, int sampleRate, int channels = 1, int bits = 16)
    {
        // channels and bits only change the header: tests write files whose header is wrong on purpose.
        int dataBytes = samples.Length * 2;
        var b = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(b.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(20), FormatPcm);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(28), sampleRate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(32), (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(34), (short)bits);
        "data"u8.CopyTo(b.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(40), dataBytes);
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44 + 2 * i), (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue));
        File.WriteAllBytes(path, b);
    }

    private static bool Tag(byte[] b, int at, string tag) =>
        at + 4 <= b.Length && b[at] == tag[0] && b[at + 1] == tag[1] && b[at + 2] == tag[2] && b[at + 3] == tag[3];
}
