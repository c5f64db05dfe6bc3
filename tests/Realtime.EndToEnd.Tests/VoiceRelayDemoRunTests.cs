using System;
using System.IO;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>The voice-activity relay (a graph of components: boards/sim.json's demos.voice-relay) through the published NativeAOT binary, judged by its JSON report.</summary>
public sealed class VoiceRelayDemoRunTests
{
    [Fact]
    public void TheSimRelayClosesOnEveryPhraseWithoutFalseClosuresAndAllocatesNothing()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "voice.json");
        // A generous deadline: this test judges the relay, not the machine's timing.
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", "sim", "--demo", "voice-relay", "--set", "timing.deadline_us=30000", "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Relay: closed on 6 of 6 phrases; false closures 0", r.Stdout);
        // The figures the hand-wired demo gave: the same application, now composed from components.
        Assert.Contains("onset → close: p50 1 frames, max 4 frames (128 ms)", r.Stdout);
        Assert.Contains("offset → release: p50 8 frames, max 9 frames (288 ms)", r.Stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("voice-relay", j.GetProperty("demo").GetString());
        Assert.Equal("silero_vad.onnx", j.GetProperty("model").GetString());
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(31.25, j.GetProperty("rate_hz").GetDouble());
        Assert.Equal(677, j.GetProperty("frames").GetInt32());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());
        Assert.Equal(693, j.GetProperty("model_runs").GetInt64());
        var d = j.GetProperty("demo_metrics");
        Assert.Equal(6, d.GetProperty("phrases").GetInt32());
        Assert.Equal(6, d.GetProperty("phrases_closed").GetInt32());
        Assert.Equal(0, d.GetProperty("false_closures").GetInt32());
        Assert.Equal(0, d.GetProperty("false_closure_chunks").GetInt32());
        Assert.Equal(32.0, d.GetProperty("chunk_ms").GetDouble());
        Assert.Equal(6, d.GetProperty("onset_latency_frames").GetProperty("count").GetInt32());
        Assert.Equal(14, d.GetProperty("relay_switches").GetInt64());
        var phrases = d.GetProperty("relay_phrases");
        Assert.Equal(6, phrases.GetArrayLength());
        foreach (var p in phrases.EnumerateArray())
        {
            Assert.True(p.GetProperty("closed").GetBoolean());
            Assert.False(p.GetProperty("bridged").GetBoolean());
            Assert.True(p.GetProperty("onset_frames").GetInt32() >= 0);
            Assert.True(p.GetProperty("offset_frames").GetInt32() >= 0);
        }
        // The relay ends open: its safe state.
        Assert.True(j.GetProperty("outputs_at_exit").GetProperty("safe").GetBoolean());
    }

    [Fact]
    public void AWavOfTheWrongRateIsExitTwoNamingTheFileAndTheField()
    {
        string dir = Rtapp.TempDir();
        string wav = Path.Combine(dir, "cd-quality.wav");
        WriteSilentWav(wav, 44100, 4410);
        var r = Rtapp.Run(TimeSpan.FromMinutes(1), "run", "--board", "sim", "--demo", "voice-relay", "--set", $"app.nodes[0].config.path={wav}", "--frames", "5");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("app.nodes[0].config.path", r.Stderr);
        Assert.Contains(wav, r.Stderr);
        Assert.Contains("fmt.sample_rate is 44100 Hz; expected 16000 Hz", r.Stderr);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    /// <summary>A RIFF PCM 16-bit mono file of silence at <paramref name="rate"/> Hz.</summary>
    private static void WriteSilentWav(string path, int rate, int samples)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8); w.Write(36 + 2 * samples); w.Write("WAVEfmt "u8);
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(2 * samples); w.Write(new byte[2 * samples]);
    }
}
