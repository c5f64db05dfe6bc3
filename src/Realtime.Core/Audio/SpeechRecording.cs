using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Realtime.Core.Audio;

/// <summary>
/// A speech recording with known phrase times: the WAV file scripts/make-speech.sh writes and,
/// beside it, the CSV of its phrases (<c>start_sample,end_sample,text</c>). Everything between
/// phrases is digital silence. What a recording's known speech is, for whoever scores a
/// voice-activity decision against it (an application's timeline, a bench's variant ladder).
/// </summary>
public sealed class SpeechRecording
{
    /// <summary>Samples per second of every recording.</summary>
    public const int SampleRate = 16000;
    private SpeechRecording(string path, float[] samples, SpeechPhrase[] phrases)
    {
        Path = path;
        Samples = samples;
        Phrases = phrases;
    }

    /// <summary>The WAV file.</summary>
    public string Path { get; }
    /// <summary>The samples, in [-1, 1).</summary>
    public float[] Samples { get; }
    /// <summary>The phrases, in order.</summary>
    public IReadOnlyList<SpeechPhrase> Phrases { get; }
    /// <summary>Where it came from, in words.</summary>
    public string Source => $"{System.IO.Path.GetFileName(Path)}: {Phrases.Count} phrases spoken by espeak-ng between silences, 16 kHz mono ({Samples.Length / (double)SampleRate:0.0} s)";

    /// <summary>The CSV of phrase times beside a recording.</summary>
    public static string PhrasesPath(string wavPath) => System.IO.Path.ChangeExtension(wavPath, ".csv");

    /// <summary>Whether sample <paramref name="index"/> lies inside a phrase.</summary>
    public bool InPhrase(int index)
    {
        foreach (var p in Phrases) if (index >= p.StartSample && index < p.EndSample) return true;
        return false;
    }

    /// <summary>
    /// Whether the chunk <paramref name="start"/>..+<paramref name="length"/> is speech: mostly
    /// inside a phrase and louder than −40 dBFS RMS (quiet stretches inside a phrase are not).
    /// </summary>
    public bool IsSpeech(int start, int length)
    {
        int inside = 0;
        double sum = 0;
        for (int i = start; i < start + length && i < Samples.Length; i++)
        {
            if (InPhrase(i)) inside++;
            sum += Samples[i] * (double)Samples[i];
        }
        return inside * 2 > length && Math.Sqrt(sum / length) > 0.01;
    }

    /// <summary>
    /// Reads the recording and its phrase list; a missing or malformed file is an
    /// <see cref="InvalidDataException"/> (or <see cref="FileNotFoundException"/>) naming the file and the line.
    /// </summary>
    public static SpeechRecording Load(string wavPath)
    {
        if (!File.Exists(wavPath)) throw new FileNotFoundException($"speech recording not found: {wavPath} (./scripts/fetch-assets.sh makes it)", wavPath);
        string csvPath = PhrasesPath(wavPath);
        if (!File.Exists(csvPath)) throw new FileNotFoundException($"phrase times not found: {csvPath} (./scripts/fetch-assets.sh makes them with the recording)", csvPath);
        float[] samples = WavFile.ReadMono16(wavPath, SampleRate);
        string[] lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0 || lines[0].Trim() != "start_sample,end_sample,text")
            throw new InvalidDataException($"{csvPath}: line 1: expected the header start_sample,end_sample,text");
        var phrases = new List<SpeechPhrase>();
        int previousEnd = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] f = lines[i].Split(',', 3);
            if (f.Length != 3
                || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int start)
                || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int end))
                throw new InvalidDataException($"{csvPath}: line {i + 1}: expected start_sample,end_sample,text");
            if (start < previousEnd || end <= start || end > samples.Length)
                throw new InvalidDataException($"{csvPath}: line {i + 1}: phrase {start}..{end} is out of order or outside the recording's {samples.Length} samples");
            phrases.Add(new SpeechPhrase(start, end, f[2]));
            previousEnd = end;
        }
        if (phrases.Count == 0) throw new InvalidDataException($"{csvPath}: no phrases");
        return new SpeechRecording(wavPath, samples, phrases.ToArray());
    }
}
