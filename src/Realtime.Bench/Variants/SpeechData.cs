using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Realtime.Bench.Variants;

/// <summary>
/// A real speech recording with known speech and silence, as shared/ASSETS.md describes: Debian's
/// espeak-ng speaks sentences, sox makes them 16 kHz mono 16-bit, and they are laid out between
/// stretches of silence, so which 32 ms chunk holds speech is known (within an utterance and
/// louder than −40 dBFS).
/// </summary>
public sealed class SpeechData
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 16000;
    /// <summary>Silence before, between and after the utterances, s.</summary>
    public const double GapSeconds = 1.0;

    private static readonly string[] Sentences =
    {
        "The quick brown fox jumps over the lazy dog.",
        "Real time means the answer arrives before the deadline, every time.",
        "Please hold the camera still while the servo turns toward the face.",
    };

    private SpeechData(float[] samples, bool[] inUtterance, string source)
    {
        Samples = samples;
        InUtterance = inUtterance;
        Source = source;
    }

    /// <summary>The recording, in [-1, 1].</summary>
    public float[] Samples { get; }
    /// <summary>Per sample: inside an utterance (not in the silence laid between them).</summary>
    public bool[] InUtterance { get; }
    /// <summary>Where it came from, in words.</summary>
    public string Source { get; }

    /// <summary>Whether the chunk <paramref name="start"/>..+<paramref name="length"/> is speech: inside an utterance and above −40 dBFS RMS.</summary>
    public bool IsSpeech(int start, int length)
    {
        int inside = 0;
        double sum = 0;
        for (int i = start; i < start + length && i < Samples.Length; i++)
        {
            if (InUtterance[i]) inside++;
            sum += Samples[i] * (double)Samples[i];
        }
        return inside * 2 > length && Math.Sqrt(sum / length) > 0.01;
    }

    /// <summary>
    /// The recording, made once into <paramref name="cacheDir"/> (espeak-ng and sox must be
    /// installed: Debian packages espeak-ng and sox); an <see cref="InvalidOperationException"/> says which is missing.
    /// </summary>
    public static SpeechData Ensure(string cacheDir)
    {
        Directory.CreateDirectory(cacheDir);
        var parts = new List<float[]>();
        for (int i = 0; i < Sentences.Length; i++)
        {
            string wav = Path.Combine(cacheDir, $"speech-{i}-16k.wav");
            if (!File.Exists(wav))
            {
                string raw = Path.Combine(cacheDir, $"speech-{i}-espeak.wav");
                Tool("espeak-ng", "-v", "en", "-s", "150", "-w", raw, Sentences[i]);
                Tool("sox", raw, "-r", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", wav + ".tmp.wav");
                File.Move(wav + ".tmp.wav", wav, overwrite: true);
                File.Delete(raw);
            }
            parts.Add(ReadWav16(wav));
        }
        int gap = (int)(GapSeconds * SampleRate);
        int total = gap;
        foreach (var p in parts) total += p.Length + gap;
        var samples = new float[total];
        var inside = new bool[total];
        int at = gap;
        foreach (var p in parts)
        {
            p.CopyTo(samples, at);
            Array.Fill(inside, true, at, p.Length);
            at += p.Length + gap;
        }
        return new SpeechData(samples, inside, $"{Sentences.Length} sentences spoken by espeak-ng, 16 kHz mono via sox, {GapSeconds:0.#} s of silence around each ({total / (double)SampleRate:0.0} s)");
    }

    /// <summary>Reads a 16-bit PCM mono WAV at 16 kHz into [-1, 1] floats; anything else is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static float[] ReadWav16(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b.Length < 12 || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F' || b[8] != 'W' || b[9] != 'A' || b[10] != 'V' || b[11] != 'E')
            throw new InvalidDataException($"{path}: not a RIFF/WAVE file");
        int pos = 12, channels = 0, rate = 0, bits = 0;
        while (pos + 8 <= b.Length)
        {
            string id = System.Text.Encoding.ASCII.GetString(b, pos, 4);
            int size = BitConverter.ToInt32(b, pos + 4);
            int body = pos + 8;
            if (id == "fmt ")
            {
                channels = BitConverter.ToInt16(b, body + 2);
                rate = BitConverter.ToInt32(b, body + 4);
                bits = BitConverter.ToInt16(b, body + 14);
            }
            else if (id == "data")
            {
                if (channels != 1 || rate != SampleRate || bits != 16)
                    throw new InvalidDataException($"{path}: {channels} channel(s), {rate} Hz, {bits}-bit; expected mono 16 kHz 16-bit");
                int n = Math.Min(size, b.Length - body) / 2;
                var s = new float[n];
                for (int i = 0; i < n; i++) s[i] = BitConverter.ToInt16(b, body + 2 * i) / 32768f;
                return s;
            }
            pos = body + size + (size & 1);
        }
        throw new InvalidDataException($"{path}: no data chunk");
    }

    private static void Tool(string name, params string[] args)
    {
        var psi = new ProcessStartInfo(name) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        Process? p;
        try
        {
            p = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"'{name}' is not installed: the speech recording is made with espeak-ng and sox (apt-get install espeak-ng sox)");
        }
        using (p)
        {
            if (p is null) throw new InvalidOperationException($"could not start '{name}'");
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{name} {string.Join(' ', args)} exited {p.ExitCode}: {err.Trim()}");
        }
    }
}
