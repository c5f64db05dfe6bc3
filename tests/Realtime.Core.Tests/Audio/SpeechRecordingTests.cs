using System;
using System.Diagnostics;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Tests;

namespace Realtime.Core.Tests.Audio;

/// <summary>The speech recording scripts/make-speech.sh makes (fetch-assets.sh puts it in .assets/audio).</summary>
public sealed class SpeechRecordingTests
{
    private static string Wav => TestAssets.SpeechRelay;

    [Fact]
    public void PhrasesAreSoundAndTheGapsBetweenThemDigitalSilenceOfShortAndLongLengths()
    {
        var rec = SpeechRecording.Load(Wav);
        Assert.True(rec.Phrases.Count >= 5);
        int previousEnd = 0;
        bool shortGap = false, longGap = false;
        foreach (var p in rec.Phrases)
        {
            for (int i = previousEnd; i < p.StartSample; i++) Assert.Equal(0f, rec.Samples[i]);
            double gap = (p.StartSample - previousEnd) / (double)SpeechRecording.SampleRate;
            if (previousEnd > 0) { shortGap |= gap <= 0.5; longGap |= gap >= 1.5; }
            // The phrase was trimmed to its audible part: it starts and ends near sound.
            Assert.True(Peak(rec.Samples, p.StartSample, 320) > 0.004f, $"'{p.Text}' starts in silence");
            Assert.True(Peak(rec.Samples, p.EndSample - 320, 320) > 0.004f, $"'{p.Text}' ends in silence");
            previousEnd = p.EndSample;
        }
        Assert.True(shortGap && longGap, "the recording needs short (<= 0.5 s) and long (>= 1.5 s) silences");
        Assert.True(rec.InPhrase(rec.Phrases[0].StartSample));
        Assert.False(rec.InPhrase(rec.Phrases[0].StartSample - 1));
    }

    [Fact]
    public void TheScriptMakesTheSameBytesAgain()
    {
        string dir = Directory.CreateTempSubdirectory("rt-speech-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Path.Combine(TestAssets.RepoRoot, "scripts", "make-speech.sh"), dir) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "make-speech.sh did not finish");
            Assert.True(p.ExitCode == 0, err);
            Assert.Equal(File.ReadAllBytes(Wav), File.ReadAllBytes(Path.Combine(dir, "speech-relay.wav")));
            Assert.Equal(File.ReadAllText(SpeechRecording.PhrasesPath(Wav)), File.ReadAllText(Path.Combine(dir, "speech-relay.csv")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ABadPhraseLineIsNamedByFileAndLine()
    {
        string dir = Directory.CreateTempSubdirectory("rt-speech-").FullName;
        try
        {
            string wav = Path.Combine(dir, "s.wav");
            WavFile.WriteMono16(wav, new float[1000], 16000);
            File.WriteAllText(Path.Combine(dir, "s.csv"), "start_sample,end_sample,text\n10,900,ok\n950,5000,too long\n");
            var ex = Assert.Throws<InvalidDataException>(() => SpeechRecording.Load(wav));
            Assert.Contains("s.csv: line 3", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static float Peak(float[] s, int from, int n)
    {
        float m = 0;
        for (int i = Math.Max(0, from); i < Math.Min(s.Length, from + n); i++) m = Math.Max(m, Math.Abs(s[i]));
        return m;
    }
}
