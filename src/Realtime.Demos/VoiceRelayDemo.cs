using System;
using System.Globalization;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Gpio;
using Realtime.Linux.Audio;
using Realtime.Onnx;

namespace Realtime.Demos;

/// <summary>
/// The voice-activity relay wired from a profile: audio chunks (a WAV file paced by the loop on a
/// simulated board, ALSA capture on a real one) → the chunk after its context into the bound input
/// → Silero VAD, its recurrent state carried from chunk to chunk → speech probability → relay
/// controller (on/off thresholds, hangover) → a relay on a GPIO line. On a recording with known
/// phrase times, the report gives per phrase the frames from speech to the relay closing and from
/// silence to it opening. Owns every part; dispose it to release them.
/// </summary>
public sealed class VoiceRelayDemo : DemoBase
{
    /// <summary>The demo's name.</summary>
    public const string DemoName = "voice-relay";
    /// <summary>Silero VAD v5's recurrent state: shape and the output → input pair that carries it.</summary>
    private static readonly long[] SileroStateShape = { 2, 1, 128 };
    private static readonly CarriedTensor SileroState = new("stateN", "state");
    private const string SileroProbability = "output";

    private IReadOnlyList<SpeechPhrase>? _phrases;
    private int _chunksPerPass;

    private VoiceRelayDemo(DemoWiring wiring) : base(wiring) { }

    /// <inheritdoc/>
    public override string Name => DemoName;
    /// <summary>The loop.</summary>
    public ClosedLoop<VoiceActivity> Loop { get; private set; } = null!;
    /// <inheritdoc/>
    protected override IClosedLoop UntypedLoop => Loop;
    /// <summary>The audio source.</summary>
    public IFrameSource Source { get; private set; } = null!;
    /// <summary>The relay.</summary>
    public RelayActuator Relay { get; private set; } = null!;
    /// <summary>The simulated GPIO chip the relay is on (simulated boards).</summary>
    public SimulatedGpioDriver? SimGpio { get; private set; }
    /// <summary>The relay controller.</summary>
    public VoiceRelayController Controller { get; private set; } = null!;
    /// <summary>The relay's state and the speech probability, chunk by chunk.</summary>
    public RelayTimeline Timeline { get; private set; } = null!;
    /// <summary>The recording's known phrases (a WAV input with its phrase times), else null.</summary>
    public IReadOnlyList<SpeechPhrase>? Phrases => _phrases;
    /// <summary>Whole chunks in one pass through the recording (WAV input).</summary>
    public int ChunksPerPass => _chunksPerPass;
    /// <inheritdoc/>
    public override int SettleFrames => 0;
    /// <inheritdoc/>
    public override ActuatorCommand SafeCommand => Relay.SafeCommand;

    /// <summary>
    /// Wires the demo. Every problem with what the profile points at (a missing model or recording,
    /// a WAV of another format, an audio device that does not open) is a <see cref="ProfileException"/> naming the field.
    /// </summary>
    public static VoiceRelayDemo Build(BoardProfile profile, string profileSource, string? assetsDir, IPeriodicWaiter? waiter, RunOverrides? overrides = null)
    {
        return Wired(new VoiceRelayDemo(new DemoWiring(profile, profileSource, assetsDir, overrides)), waiter);
    }

    /// <inheritdoc/>
    protected override void Wire(IPeriodicWaiter? waiter)
    {
        var p = Profile;
        var w = Wiring;
        var audio = p.Audio ?? throw w.Problem("audio", "the voice-relay demo needs an audio input (kind wav or alsa)");
        var relay = p.Relay ?? throw w.Problem("relay", "the voice-relay demo needs a relay output");
        // Outputs first: the relay is open (its safe state) and the runner's watchdog armed before the model loads.
        Relay = DemoOutputs.OpenRelay(w, out var driver);
        SimGpio = driver;
        Own(Relay);
        w.OutputsAreSafe(Relay);
        ModelPath = w.RequireModel();

        Source = OpenSource(audio);
        Own(Source);

        Engine = w.LoadModel(settings => OnnxInferenceEngine.Load(ModelPath, new OnnxBinding
        {
            PrimaryInput = p.Model.Input,
            ExpectedPrimaryShape = new long[] { 1, audio.Context + audio.Chunk },
            Shapes = new Dictionary<string, long[]> { [p.Model.Input] = new long[] { 1, audio.Context + audio.Chunk }, [SileroState.Input] = SileroStateShape },
            Scalars = new Dictionary<string, double> { ["sr"] = audio.SampleRate },
            Carried = new[] { SileroState },
        }, settings), "audio.chunk", $"audio.context {audio.Context} + audio.chunk {audio.Chunk}");
        Own(Engine);

        VoiceActivityDecoder decoder;
        try
        {
            decoder = new VoiceActivityDecoder(Engine, SileroProbability);
        }
        catch (ArgumentException ex)
        {
            throw w.Problem("model.path", $"{ModelPath}: {ex.Message}; a Silero VAD v5 model has it");
        }
        double chunkMs = 1000.0 * audio.Chunk / audio.SampleRate;
        Controller = new VoiceRelayController((float)relay.OnThreshold, (float)relay.OffThreshold, VoiceRelayController.ChunksFor(relay.HangoverMs, chunkMs));
        var options = w.LoopOptions();
        Timeline = new RelayTimeline(options.WarmupFrames + options.Frames);
        Loop = new ClosedLoop<VoiceActivity>(options, Source, new AudioChunkPreprocessor(audio.Chunk, audio.Context), Engine, decoder,
            Controller, Relay, w.NewWatchdog(), waiter, new RelayRecorder(Timeline, Relay), null,
            new ReturnToSafe<VoiceActivity>(Relay.SafeCommand, 1), w.Overrides.Faults);
    }

    private IFrameSource OpenSource(AudioProfile audio)
    {
        var w = Wiring;
        if (audio.Kind == "alsa")
        {
            try
            {
                return AlsaCaptureSource.Open(audio.Device!, audio.SampleRate, audio.Chunk, audio.RingChunks);
            }
            catch (AudioDeviceException ex)
            {
                throw w.Problem("audio.device", ex.Message);
            }
        }
        string path = w.RequireAsset(audio.Path!, "audio.path", "audio file");
        float[] samples;
        try
        {
            if (File.Exists(SpeechRecording.PhrasesPath(path)))
            {
                var recording = SpeechRecording.Load(path);
                samples = recording.Samples;
                _phrases = recording.Phrases;
            }
            else samples = WavFile.ReadMono16(path, audio.SampleRate);
        }
        catch (InvalidDataException ex)
        {
            throw w.Problem("audio.path", ex.Message);
        }
        if (samples.Length < audio.Chunk) throw w.Problem("audio.path", $"{path}: {samples.Length} samples, fewer than one chunk ({audio.Chunk})");
        var source = new WavChunkSource(samples, audio.Chunk, audio.Loop);
        _chunksPerPass = source.ChunksPerPass;
        return source;
    }

    /// <inheritdoc/>
    public override void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        var audio = Profile.Audio!;
        if (_phrases is not null) Timeline.Fill(metrics, _phrases, audio.Chunk, _chunksPerPass, audio.SampleRate);
        else metrics.Add("chunk_ms", Math.Round(1000.0 * audio.Chunk / audio.SampleRate, 3));
        metrics.Add("relay_switches", Relay.Switches);
        if (Source is AlsaCaptureSource alsa)
        {
            long overruns = alsa.DeviceOverruns + alsa.RingOverruns;
            metrics.Add("audio_overruns", overruns);
            metrics.Add("audio_underruns", alsa.Underruns);
            metrics.Add("audio_failure", alsa.FailureText);
            metrics.AddSummaryLine(string.Create(CultureInfo.InvariantCulture, $"Audio: {overruns} chunks lost to overruns, {alsa.Underruns} frames found no new chunk"));
        }
    }


    /// <summary>Records the relay's state after each frame's write; the frame's metric is the speech probability.</summary>
    private sealed class RelayRecorder : IDemoMetric<VoiceActivity>
    {
        private readonly RelayTimeline _timeline;
        private readonly RelayActuator _relay;

        public RelayRecorder(RelayTimeline timeline, RelayActuator relay)
        {
            _timeline = timeline;
            _relay = relay;
        }

        public float Measure(in VoiceActivity observation, FrameBuffer frame)
        {
            _timeline.Record(observation.Chunk, _relay.IsClosed);
            return observation.Probability;
        }
    }
}
