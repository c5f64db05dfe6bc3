using System;
using System.IO;
using System.Linq;
using Realtime.Core.Audio;
using Realtime.Core.Control;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

/// <summary>
/// The real voice-relay pipeline: the speech recording (espeak-ng + sox) in 512-sample chunks,
/// Silero VAD through ONNX Runtime with its state carried, the relay controller, and a relay on a
/// simulated GPIO chip behind System.Device.Gpio's GpioController; single-stream, so the recording
/// advances one chunk per frame however fast the machine is.
/// </summary>
public sealed class VoiceRelayPipelineTests
{
    private static BoardProfile SimProfile(Action<BoardProfile>? edit = null)
    {
        var profile = ProfileLoader.LoadFile(TestAssets.SimProfile, new ProfileLoadOptions { Demo = VoiceRelayDemo.DemoName });
        profile.Timing.DeadlineUs = 30_000;
        profile.Timing.BudgetsUs.Clear();
        edit?.Invoke(profile);
        return profile;
    }

    private static VoiceRelayDemo Build(int frames, int warmup, Action<BoardProfile>? edit = null) =>
        VoiceRelayDemo.Build(SimProfile(edit), TestAssets.SimProfile, TestAssets.Dir, null,
            new RunOverrides { Frames = frames, WarmupFrames = warmup, Scenario = LoopScenario.SingleStream, MeasureFloor = false });

    [Fact]
    public void TheRelayClosesOnEveryPhraseAndStaysOpenInEverySilence()
    {
        var profile = SimProfile();
        using var demo = Build(profile.Timing.Frames, profile.Timing.WarmupFrames);
        LoopOutcome outcome = LoopOutcome.Faulted;
        SimDemo.OnPipelineThread(() => outcome = demo.Loop.Run());
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(demo.ChunksPerPass, demo.Loop.FramesRun);

        var metrics = new ApplicationMetrics();
        demo.FillMetrics(metrics, demo.Loop.Records);
        var phrases = demo.Phrases!;
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
        Assert.NotNull(metrics["onset_latency_frames"]);
        Assert.Equal(phrases.Count, (int)metrics["onset_latency_frames"]!["count"]!);
        Assert.Equal(32.0, (double)metrics["chunk_ms"]!);

        // The relay pin really switched through the GPIO API: at least one close and one open per phrase
        // (a long pause inside a sentence may open it for a moment), and it ends open.
        Assert.True(demo.Relay.Switches >= 2 * phrases.Count && demo.Relay.Switches % 2 == 0, $"{demo.Relay.Switches} switches");
        var gpio = demo.SimGpio!;
        Assert.False(demo.Relay.IsClosed);
        Assert.Equal(System.Device.Gpio.PinValue.Low, gpio.Level(profile.Relay!.Pin));
    }

    [Fact]
    public void ThousandsOfChunksOfLoopedSpeechAllocateNothingAndCollectNothing()
    {
        const int warmup = 40, frames = 1500;
        using var demo = Build(frames, warmup);
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(demo.Loop, warmup, frames);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        // The recording looped (693 chunks a pass) and the relay kept switching on every pass.
        Assert.True(warmup + frames > 2 * demo.ChunksPerPass);
        var metrics = new ApplicationMetrics();
        demo.FillMetrics(metrics, demo.Loop.Records);
        int seen = (int)metrics["phrases"]!;
        Assert.True(seen >= 2 * demo.Phrases!.Count, $"{seen} phrases seen");
        Assert.Equal(seen, (int)metrics["phrases_closed"]!);
        Assert.Equal(0, (int)metrics["false_closures"]!);
        Assert.True(demo.Relay.Switches >= 4 * demo.Phrases.Count);
    }

    [Fact]
    public void AWavOfAnotherRateIsAProfileErrorNamingTheFieldTheFileAndTheHeaderField()
    {
        string dir = Directory.CreateTempSubdirectory("rt-voice-").FullName;
        try
        {
            string wav = Path.Combine(dir, "cd.wav");
            WavFile.WriteMono16(wav, new float[44100], 44100);
            var ex = Assert.Throws<ProfileException>(() => Build(10, 0, p => p.Audio!.Path = wav));
            Assert.Contains("audio.path", ex.Message);
            Assert.Contains(wav, ex.Message);
            Assert.Contains("fmt.sample_rate is 44100 Hz", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnAlsaDeviceThatDoesNotOpenIsAProfileErrorWithAlsasWords()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(10, 0, p =>
        {
            p.Audio!.Kind = "alsa";
            p.Audio.Device = "hw:9";
        }));
        Assert.Contains("audio.device", ex.Message);
        Assert.Contains("ALSA cannot open capture device 'hw:9'", ex.Message);
    }

    [Fact]
    public void AtTheEndTheRelayIsOpenAndTheLastWriteToThePinIsTheSafeLevel()
    {
        using var demo = Build(200, 10, p => p.Relay!.ActiveHigh = false);
        SimDemo.OnPipelineThread(() => demo.Loop.Run());
        var gpio = demo.SimGpio!;
        // Active-low: open (safe) is a high level.
        Assert.Equal(System.Device.Gpio.PinValue.High, gpio.Level(demo.Profile.Relay!.Pin));
        var last = gpio.RecentWrite(0);
        Assert.True(last.High);
        Assert.Equal(demo.Profile.Relay.Pin, last.Pin);
        Assert.True(VoiceRelayController.IsClosed(demo.Loop.Applied) == false);
    }
}
