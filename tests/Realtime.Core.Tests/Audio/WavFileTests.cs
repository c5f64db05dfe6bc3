using System;
using System.IO;
using Realtime.Core.Audio;

namespace Realtime.Core.Tests.Audio;

public sealed class WavFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rt-wav-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SixteenBitMonoRoundTripsWithinOneStep()
    {
        string path = Path.Combine(_dir, "tone.wav");
        var samples = new float[1000];
        for (int i = 0; i < samples.Length; i++) samples[i] = 0.5f * MathF.Sin(i * 0.1f);
        WavFile.WriteMono16(path, samples, 16000);
        float[] back = WavFile.ReadMono16(path, 16000);
        Assert.Equal(samples.Length, back.Length);
        for (int i = 0; i < samples.Length; i++) Assert.InRange(back[i] - samples[i], -1f / 32768, 1f / 32768);
    }

    [Theory]
    [InlineData(44100, 1, 16, "fmt.sample_rate is 44100 Hz; expected 16000 Hz")]
    [InlineData(16000, 2, 16, "fmt.channels is 2; expected 1 (mono)")]
    [InlineData(16000, 1, 8, "fmt.bits_per_sample is 8; expected 16")]
    public void AnotherFormatNamesTheFileAndTheField(int rate, int channels, int bits, string expected)
    {
        string path = Path.Combine(_dir, "wrong.wav");
        WavFile.WriteMono16(path, new float[64], rate, channels, bits);
        var ex = Assert.Throws<InvalidDataException>(() => WavFile.ReadMono16(path, 16000));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void NotAWaveFileIsSaid()
    {
        string path = Path.Combine(_dir, "text.wav");
        File.WriteAllText(path, "hello, this is not audio at all");
        var ex = Assert.Throws<InvalidDataException>(() => WavFile.ReadMono16(path, 16000));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not a RIFF/WAVE file", ex.Message);
    }
}
