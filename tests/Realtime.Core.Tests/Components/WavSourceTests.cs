using System;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Tests;

namespace Realtime.Core.Tests.Components;

/// <summary>
/// <c>wav-source</c> and <c>audio-tensor</c> on the real speech recording (the voice relay's): the
/// chunks are the file's samples in order, looping or ending; the tensor is the last context then
/// the chunk; a graph of them, built from a profile, runs on the hand-ticked loop with 0 B per frame
/// and hears the speech where the recording's labels put it.
/// </summary>
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)] // counts the process's GC collections: alone
public sealed class WavSourceTests
{
    private const string Speech = "audio/speech-relay.wav";

    /// <summary>A board whose loop runs at the recording's chunk rate (16000 Hz / 512).</summary>
    private static Realtime.Core.Profiles.BoardProfile VoiceBoard() => new() { Simulated = true, Timing = { RateHz = 31.25 } };

    [Fact]
    public void ChunksThatDoNotMatchTheLoopsRateAreAProblemNamingTheChunk()
    {
        using var kit = new ComponentKit();
        var config = ComponentKit.Config($$"""{ "path": "{{Speech}}", "chunk": 512 }""");
        Assert.Null(WavSource.Create("mic", config, kit.Context));
        Assert.Equal("app.nodes[0].config.chunk: the loop's 30 Hz does not match the audio: 16000 Hz in chunks of 512 is 31.25 Hz (one chunk a frame)", Assert.Single(config.Problems));
    }

    [Fact]
    public void EachChunkCarriesItsNumberCountingOnAcrossPasses()
    {
        using var kit = new ComponentKit(VoiceBoard());
        var mic = (WavSource)WavSource.Create("mic", ComponentKit.Config($$"""{ "path": "{{Speech}}" }"""), kit.Context);
        for (int c = 0; c < mic.ChunksPerPass + 2; c++)
        {
            mic.Process();
            Assert.Equal(c, mic.Audio.Payload.Sequence);
        }
        var metrics = new Realtime.Core.Reporting.ApplicationMetrics();
        mic.FillMetrics(metrics, default);
        Assert.Equal(32.0, (double)metrics["chunk_ms"]!);
    }

    [Fact]
    public void ChunksAreTheRecordingsSamplesInOrderAndTheEndIsTheSourcesEnd()
    {
        using var kit = new ComponentKit(VoiceBoard());
        float[] all = WavFile.ReadMono16(TestAssets.Get(Speech), 16000);
        var mic = (WavSource)WavSource.Create("mic", ComponentKit.Config($$"""{ "path": "{{Speech}}", "chunk": 512, "loop": false }"""), kit.Context);
        Assert.Equal(all.Length / 512, mic.ChunksPerPass);
        for (int c = 0; c < mic.ChunksPerPass; c++)
        {
            kit.Clock.Advance(1000);
            mic.Process();
            Assert.Equal(CaptureStatus.Ok, mic.Status);
            Assert.True(all.AsSpan(c * 512, 512).SequenceEqual(mic.Audio.Payload.Samples), $"chunk {c}");
            Assert.Equal(kit.Clock.NowNs(), mic.Audio.Payload.CaptureNs);
        }
        mic.Process();
        Assert.Equal(CaptureStatus.Ended, mic.Status);
    }

    [Fact]
    public void AGraphOfTheRecordingHearsTheSpeechWhereItsLabelsSayAndAllocatesNothingPerFrame()
    {
        using var kit = new ComponentKit(VoiceBoard());
        AppGraph g = kit.Build($$"""
            { "nodes": [
                { "name": "mic", "type": "wav-source", "config": { "path": "{{Speech}}" } },
                { "name": "pre", "type": "audio-tensor", "config": { "chunk": 512, "context": 64, "sample_rate_hz": 16000 } },
                { "name": "rms", "type": "tensor-rms" },
                { "name": "gain", "type": "pid", "config": { "kp": 1, "incremental": false, "min": -1, "max": 1 } },
                { "name": "out", "type": "recorder" } ],
              "connections": [
                { "from": "mic.audio", "to": "pre.audio" }, { "from": "pre.tensor", "to": "rms.tensor" },
                { "from": "rms.rms", "to": "gain.value" }, { "from": "gain.command", "to": "out.command" } ] }
            """);
        var mic = (WavSource)g.Find("mic")!;
        var pre = (AudioTensor)g.Find("pre")!;
        var rms = (TensorRms)g.Find("rms")!;
        Assert.Equal([1, 576], pre.Tensor.Payload.Type.Shape.ToArray());
        int frames = mic.ChunksPerPass;
        using GraphLoop loop = kit.Loop(g, frames + 3000);
        // Speech chunks (by the recording's own labels) are far louder than the silences between them.
        var labels = File.ReadAllLines(TestAssets.Get("audio/speech-relay.csv"));
        double speech = 0, silence = 0;
        int nSpeech = 0, nSilence = 0;
        for (int f = 0; f < frames; f++)
        {
            loop.RunFrames(1);
            Assert.Equal(f + 1, loop.FramesRun);
            int mid = f * 512 + 256;
            bool inSpeech = false, nearSpeech = false;
            for (int i = 1; i < labels.Length; i++)
            {
                string[] c = labels[i].Split(',');
                int s = int.Parse(c[0]), e = int.Parse(c[1]);
                if (mid >= s && mid < e) inSpeech = true;
                if (mid >= s - 4000 && mid < e + 4000) nearSpeech = true;
            }
            if (inSpeech) { speech += rms.Rms.Payload.Value; nSpeech++; }
            else if (!nearSpeech) { silence += rms.Rms.Payload.Value; nSilence++; }
        }
        Assert.True(nSpeech > 100 && nSilence > 20, $"{nSpeech} speech and {nSilence} silent chunks");
        Assert.True(speech / nSpeech > 10 * (silence / nSilence + 1e-6), $"mean rms {speech / nSpeech:0.0000} in speech, {silence / nSilence:0.0000} in silence");
        // The recording loops: over two more passes, after as many frames to warm up, nothing is allocated per frame.
        int gc = GC.CollectionCount(0);
        Assert.Equal(0, ComponentKit.LoopAllocated(loop, 1400));
        Assert.Equal(gc, GC.CollectionCount(0));
        Assert.Equal(frames + 2800, loop.FramesRun);
        var report = new NodeReport();
        mic.Report(report);
        Assert.Equal(frames + 2800, report.Figures["chunks"]);
    }

    [Fact]
    public void TheTensorIsTheLastContextThenTheChunk()
    {
        var pre = new AudioTensor("pre", 8, 3, 2f);
        var src = new TestAudio("src", 8);
        DecoderComponentsTests.Wire([src, pre], ("src.audio", "pre.audio"));
        for (int i = 0; i < 8; i++) src.Audio.Payload.Samples[i] = i + 1;
        pre.Process();
        for (int i = 0; i < 8; i++) src.Audio.Payload.Samples[i] = 10 + i;
        pre.Process();
        Assert.Equal([12f, 14f, 16f, 20f, 22f, 24f, 26f, 28f, 30f, 32f, 34f], pre.Tensor.Payload.Floats.ToArray());
        Assert.Equal(0, ThreadAllocations.Least(pre.Process));
    }

    [Theory]
    [InlineData("""{ "path": "audio/no-such.wav" }""", "app.nodes[0].config.path: recording not found: ", "no-such.wav")]
    [InlineData("""{ "path": "audio" }""", "app.nodes[0].config.path: recording not found: ", "audio")]
    [InlineData("""{ "path": "/dev/zero" }""", "app.nodes[0].config.path: /dev/zero", "not a regular file")]
    [InlineData("""{ "path": "audio/speech-relay.csv" }""", "app.nodes[0].config.path: ", "not a RIFF/WAVE file")]
    [InlineData("""{ "path": "audio/speech-relay.wav", "sample_rate_hz": 8000 }""", "app.nodes[0].config.path: ", "expected 8000 Hz")]
    [InlineData("""{ "path": "audio/speech-relay.wav", "chunk": 3 }""", "app.nodes[0].config.chunk: ", "between 16 and 65536, got 3")]
    [InlineData("""{ "path": 7 }""", "app.nodes[0].config.path: ", "expected text")]
    [InlineData("""{ }""", "app.nodes[0].config.path: ", "required")]
    [InlineData("""{ "path": "audio/speech-relay.wav", "loops": true }""", "app.nodes[0].config.loops: ", "unknown field")]
    public void BadSettingsAreOneProblemNamingTheField(string config, string field, string what)
    {
        using var kit = new ComponentKit(VoiceBoard());
        string p = kit.NodeProblem("wav-source", config);
        Assert.StartsWith(field, p);
        Assert.Contains(what, p);
    }

    [Fact]
    public void AnAudioTensorOfAnotherChunkIsRefusedWhenTheGraphIsBuilt()
    {
        // 256-sample chunks at 16 kHz: a loop at 62.5 Hz.
        using var kit = new ComponentKit(new Realtime.Core.Profiles.BoardProfile { Simulated = true, Timing = { RateHz = 62.5 } });
        string[] p = kit.Problems("""
            { "nodes": [
                { "name": "mic", "type": "wav-source", "config": { "path": "audio/speech-relay.wav", "chunk": 256 } },
                { "name": "pre", "type": "audio-tensor", "config": { "chunk": 512, "context": 600 } } ],
              "connections": [ { "from": "mic.audio", "to": "pre.audio" } ] }
            """);
        Assert.Equal("app.nodes[1].config.context: must be at most the chunk (512), got 600", Assert.Single(p));
        p = kit.Problems("""
            { "nodes": [
                { "name": "mic", "type": "wav-source", "config": { "path": "audio/speech-relay.wav", "chunk": 256 } },
                { "name": "pre", "type": "audio-tensor", "config": { "chunk": 512 } } ],
              "connections": [ { "from": "mic.audio", "to": "pre.audio" } ] }
            """);
        Assert.Contains("audio 16000 Hz, 256 samples cannot flow into audio any-rate, 512 samples", Assert.Single(p));
    }

    private sealed class TestAudio : SourceNode
    {
        public TestAudio(string name, int samples) : base(name) => Audio = Output("audio", new AudioPayload(16000, samples));
        public OutputPort<AudioPayload> Audio { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }
}
