using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Core.Components;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Demos.Components;
using Realtime.Gpio.Components;
using Realtime.Hosting;
using Realtime.Hosting.Commands;
using Realtime.Onnx.Components;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The real voice relay, the graph of boards/sim.json's <c>demos.voice-relay</c>: the speech
/// recording (espeak-ng + sox) in 512-sample chunks (<c>wav-source</c>), after their 64-sample
/// context (<c>audio-tensor</c>), Silero VAD through ONNX Runtime with its state carried by the model
/// node, the speech probability, hysteresis and hangover (<c>threshold</c>), a relay on a simulated
/// GPIO chip behind System.Device.Gpio's GpioController, and the timeline scoring it against the
/// phrases; single-stream, so the recording advances one chunk per frame however fast the machine is.
/// </summary>
public sealed class VoiceRelayPipelineTests
{
    private static (BoardProfile Profile, string Source) SimProfile(params string[] sets)
    {
        var all = new List<string> { "timing.deadline_us=30000", "timing.budgets_us=null" };
        all.AddRange(sets);
        return ProfileCatalog.Load(TestAssets.SimProfile, all, DemoApplications.VoiceRelayName);
    }

    private static GraphApplicationInstance Build(int frames, int warmup, params string[] sets)
    {
        var host = new RealtimeHost("test").AddDemos();
        var (profile, source) = SimProfile(sets);
        var app = host.ApplicationFor(profile, source, DemoApplications.VoiceRelayName);
        Assert.Equal(DemoApplications.VoiceRelayName, app.Name);
        return (GraphApplicationInstance)app.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = false },
        });
    }

    private static GpioRelayNode Relay(GraphApplicationInstance app) => Assert.IsType<GpioRelayNode>(app.Graph.Find("relay"));
    private static RelayTimelineNode Timeline(GraphApplicationInstance app) => Assert.IsType<RelayTimelineNode>(app.Graph.Find("timeline"));
    private static WavSource Mic(GraphApplicationInstance app) => Assert.IsType<WavSource>(app.Graph.Find("mic"));

    [Fact]
    public void TheGraphIsTheVoiceRelaysOwnComponentsAndSileroCarriesItsState()
    {
        using var app = Build(10, 0);
        Assert.Equal(DemoApplications.VoiceRelayName, app.Name);
        var vad = Assert.IsType<OnnxModelNode>(app.Graph.Find("vad"));
        Assert.True(vad.CarriesState);
        Assert.Equal("input", Assert.Single(vad.Inputs).Name);
        Assert.Equal("vad", Assert.Single(app.Models).Name);
        Assert.IsType<ThresholdControllerNode>(app.Graph.Find("hysteresis"));
        // The first sink is the relay: its safe command is the application's.
        Assert.Same(Relay(app), app.Graph.Sinks[0]);
        Assert.Equal(0f, app.SafeCommand.Values[0]);
    }

    [Fact]
    public void TheRelayClosesOnEveryPhraseAndStaysOpenInEverySilence()
    {
        var (profile, _) = SimProfile();
        using var app = Build(profile.Timing.Frames, profile.Timing.WarmupFrames);
        LoopOutcome outcome = LoopOutcome.Faulted;
        SimDemo.OnPipelineThread(() => outcome = app.Loop.Run());
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(Mic(app).ChunksPerPass, app.Loop.FramesRun);

        var metrics = new ApplicationMetrics();
        app.FillMetrics(metrics, app.Loop.Records);
        var phrases = Timeline(app).Phrases;
        Assert.Equal(phrases.Count, (int)metrics["phrases"]!);
        Assert.Equal(phrases.Count, (int)metrics["phrases_closed"]!);
        Assert.Equal(0, (int)metrics["false_closures"]!);
        Assert.Equal(0, (int)metrics["false_closure_chunks"]!);
        foreach (var r in metrics["relay_phrases"]!.AsArray())
        {
            int phrase = (int)r!["phrase"]!;
            string what = $"phrase {phrase} '{phrases[phrase].Text}'";
            Assert.True((bool)r["closed"]!, $"{what}: the relay never closed");
            // Every silence in the recording (0.4 s and longer) is open before the next phrase: none is bridged.
            Assert.False((bool)r["bridged"]!, $"{what}: the relay was still closed from the phrase before");
            Assert.NotNull(r["onset_frames"]);
            Assert.InRange((int)r["onset_frames"]!, 0, 8);
            Assert.NotNull(r["offset_frames"]);
            // Released before the next phrase (the VAD may already fall below the off threshold in the phrase's quiet tail).
            Assert.InRange((int)r["offset_frames"]!, 0, (int)((double)r["gap_after_s"]! * 31.25) + 1);
        }
        // The figures the hand-wired demo gave on this recording: the graph is the same application.
        Assert.Equal(1, (double)metrics["onset_latency_frames"]!["p50"]!);
        Assert.Equal(4, (double)metrics["onset_latency_frames"]!["max"]!);
        Assert.Equal(8, (double)metrics["offset_latency_frames"]!["p50"]!);
        Assert.Equal(9, (double)metrics["offset_latency_frames"]!["max"]!);
        Assert.Equal(phrases.Count, (int)metrics["onset_latency_frames"]!["count"]!);
        Assert.Equal(32.0, (double)metrics["chunk_ms"]!);

        // The relay pin really switched through the GPIO API, as often as the timeline saw it switch, and it ends open.
        var relay = Relay(app);
        Assert.Equal(14, relay.Relay.Switches);
        Assert.Equal(relay.Relay.Switches, (long)metrics["relay_switches"]!);
        Assert.False(relay.Relay.IsClosed);
        Assert.Equal(System.Device.Gpio.PinValue.Low, relay.Simulated!.Level(relay.Relay.Pin));
        // Each frame's figure is the speech probability.
        Assert.Contains(app.Loop.Records.ToArray(), r => r.DemoMetric >= 0.5f);
    }

    [Fact]
    public void ThousandsOfChunksOfLoopedSpeechAllocateNothingAndCollectNothing()
    {
        const int warmup = 40, frames = 1500;
        using var app = Build(frames, warmup);
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(app.Loop, warmup, frames);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // The recording looped (693 chunks a pass) and the relay kept switching on every pass.
        Assert.True(warmup + frames > 2 * Mic(app).ChunksPerPass);
        var metrics = new ApplicationMetrics();
        app.FillMetrics(metrics, app.Loop.Records);
        int seen = (int)metrics["phrases"]!;
        int perPass = Timeline(app).Phrases.Count;
        Assert.True(seen >= 2 * perPass, $"{seen} phrases seen");
        Assert.Equal(seen, (int)metrics["phrases_closed"]!);
        Assert.Equal(0, (int)metrics["false_closures"]!);
        Assert.True(Relay(app).Relay.Switches >= 4 * perPass);
    }

    [Fact]
    public void AWavOfAnotherRateIsAProfileErrorNamingTheFieldTheFileAndTheHeaderField()
    {
        string dir = Directory.CreateTempSubdirectory("rt-voice-").FullName;
        try
        {
            string wav = Path.Combine(dir, "cd.wav");
            WavFile.WriteMono16(wav, new float[44100], 44100);
            var ex = Assert.Throws<ProfileException>(() => Build(10, 0, $"app.nodes[0].config.path={wav}"));
            Assert.Contains("app.nodes[0].config.path", ex.Message);
            Assert.Contains(wav, ex.Message);
            Assert.Contains("fmt.sample_rate is 44100 Hz", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ALoopRateThatIsNotTheAudiosChunkRateIsAProfileErrorNamingTheSourcesChunk()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, "timing.rate_hz=20"));
        Assert.Contains("app.nodes[0].config.chunk: the loop's 20 Hz does not match the audio: 16000 Hz in chunks of 512 is 31.25 Hz (one chunk a frame)", ex.Problems);
    }

    [Fact]
    public void AMissingRecordingIsAProfileErrorNamingTheTimelinesField()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, "app.nodes[6].config.recording=audio/none.wav"));
        Assert.StartsWith("app.nodes[6].config.recording: speech recording not found: ", Assert.Single(ex.Problems));
    }

    [Fact]
    public void AnAlsaDeviceThatDoesNotOpenIsAProfileErrorWithAlsasWords()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, "app.nodes[0].type=alsa-capture", """app.nodes[0].config={"device": "hw:9"}"""));
        Assert.Contains("app.nodes[0].config.device", ex.Message);
        Assert.Contains("ALSA cannot open capture device 'hw:9'", ex.Message);
    }

    [Fact]
    public void AtTheEndTheRelayIsOpenAndTheLastWriteToThePinIsTheSafeLevel()
    {
        using var app = Build(200, 10, "app.nodes[5].config.active_high=false");
        SimDemo.OnPipelineThread(() => app.Loop.Run());
        var relay = Relay(app);
        var gpio = relay.Simulated!;
        // Active-low: open (safe) is a high level.
        Assert.Equal(System.Device.Gpio.PinValue.High, gpio.Level(relay.Relay.Pin));
        var last = gpio.RecentWrite(0);
        Assert.True(last.High);
        Assert.Equal(relay.Relay.Pin, last.Pin);
        Assert.False(relay.Relay.IsClosed);
        Assert.Equal(0f, app.Loop.Applied.Values[0]);
    }
}
