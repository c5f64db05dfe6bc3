using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Demos.Components;

/// <summary>
/// <c>relay-timeline</c>: scores a relay against a recording's known phrases. It is connected to the
/// same command as the relay (a second sink on it, driving nothing), so the loop hands it exactly
/// what reaches the relay each frame (the command, held, or the safe state, through the one gate);
/// with the <c>audio</c> input's chunk number (<see cref="AudioPayload.Sequence"/>) it records the
/// relay's state chunk by chunk (<see cref="RelayTimeline"/>, sized at creation: no allocation per
/// frame). After the run it adds the relay's figures (<see cref="IApplicationMetrics"/>): phrases
/// closed, false closures, onset and offset latencies in frames, each phrase. Config:
/// <c>recording</c> (the WAV the source plays, its phrase times in the CSV beside it,
/// <c>scripts/make-speech.sh</c>), <c>frames</c> (frames kept; default the profile's warm-up and
/// frames, at least 65536: later frames are not scored).
/// </summary>
public sealed class RelayTimelineNode : SinkNode, IApplicationMetrics
{
    private readonly string _field;
    private readonly Func<SpeechRecording> _load;
    private readonly RelayTimeline _timeline;
    private readonly InputPort<AudioPayload> _audio;
    private SpeechRecording? _recording;
    private ActuatorCommand _open;
    private long _lastCaptureNs;
    private bool _started, _closed;
    private long _switches;
    private int _chunk, _chunksPerPass, _sampleRate;

    /// <summary>
    /// A timeline of <paramref name="frames"/> frames scored against the recording <paramref name="load"/>
    /// reads at <see cref="Start"/> (an <see cref="ArgumentException"/> whose message names the field when it cannot).
    /// </summary>
    public RelayTimelineNode(string name, Func<SpeechRecording> load, int frames, string field = "relay-timeline") : base(name, 1)
    {
        ArgumentNullException.ThrowIfNull(load);
        _field = field;
        _load = load;
        _timeline = new RelayTimeline(frames);
        _audio = Input<AudioPayload>("audio", PayloadType.Audio());
        _open.Count = 1;
    }

    /// <summary>What was recorded.</summary>
    public RelayTimeline Timeline => _timeline;
    /// <summary>The recording's phrases (read at <see cref="Start"/>; empty before).</summary>
    public IReadOnlyList<SpeechPhrase> Phrases => _recording?.Phrases ?? Array.Empty<SpeechPhrase>();
    /// <summary>Times the command it was handed changed (as the relay beside it switched).</summary>
    public long Switches => _switches;

    /// <summary>
    /// The registry's factory. The recording is read when the graph starts, not here: <c>rtapp safe</c>
    /// builds the sinks alone, and a timeline must not keep a relay from being driven safe on a machine without the assets.
    /// </summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        string recording = config.Text("recording");
        var t = context.Board.Timing;
        int frames = config.Integer("frames", 1, 1 << 24, Math.Max(1 << 16, t.WarmupFrames + t.Frames));
        if (config.Problems.Count > 0) return null!;
        string field = config.Field;
        SpeechRecording Load()
        {
            // The asset is found as every component's is, its problem named by the same field.
            var one = new NodeConfig(Wrap(recording), field);
            string? path = context.RequireAsset(one, "recording", "speech recording");
            if (path is null) throw new ArgumentException(one.Problems[0]);
            try
            {
                return SpeechRecording.Load(path);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"{field}.recording: {ex.Message}");
            }
        }
        return new RelayTimelineNode(name, Load, frames, field);
    }

    /// <summary>The recording and its phrase times beside it (<see cref="SpeechRecording.PhrasesPath"/>): what a bundle ships for the timeline.</summary>
    public static IReadOnlyList<ReferencedFile> Files(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string recording = config.Text("recording", "");
        if (recording.Length == 0) return Array.Empty<ReferencedFile>();
        string field = $"{config.Field}.recording";
        return new[] { new ReferencedFile(field, recording), new ReferencedFile(field, SpeechRecording.PhrasesPath(recording)) };
    }

    private static System.Text.Json.JsonElement Wrap(string recording)
    {
        var o = new System.Text.Json.Nodes.JsonObject { ["recording"] = recording };
        using var doc = System.Text.Json.JsonDocument.Parse(o.ToJsonString());
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// Reads the recording and takes the chunk's size and rate from the audio it is connected to; a
    /// missing or malformed recording, or one of another rate, is refused naming <c>recording</c>.
    /// </summary>
    public override void Start()
    {
        var recording = _recording ??= _load();
        PayloadType audio = _audio.Payload.Type;
        _chunk = _audio.Payload.Samples.Length;
        _sampleRate = audio.SampleRateHz;
        if (_sampleRate != SpeechRecording.SampleRate)
            throw new ArgumentException($"{_field}.recording: {recording.Path} is {SpeechRecording.SampleRate} Hz, the audio on {_audio.Source} is {_sampleRate} Hz");
        _chunksPerPass = recording.Samples.Length / _chunk;
        if (_chunksPerPass < 1)
            throw new ArgumentException($"{_field}.recording: {recording.Path} holds {recording.Samples.Length} samples, fewer than one chunk ({_chunk})");
        _timeline.Clear();
        _lastCaptureNs = _audio.Payload.CaptureNs;
        _closed = false;
        _switches = 0;
        _started = true;
    }

    /// <inheritdoc/>
    public override void Stop() => _started = false;

    /// <summary>It drives nothing: it records what the relay beside it is driven to.</summary>
    public override IReadOnlyList<string> DescribeOutputs() => Array.Empty<string>();

    /// <inheritdoc/>
    public override void Apply(in ActuatorCommand command) => Record(command.Count > 0 && command.Values[0] >= 0.5f);

    /// <inheritdoc/>
    public override ActuatorCommand ApplySafeState()
    {
        Record(false);
        return _open;
    }

    // Once per chunk the sources delivered, while running: the safe state driven before the start and
    // after the last frame, and a source fault's held or safe write, add no chunk of their own (the
    // chunk before keeps its state).
    private void Record(bool closed)
    {
        if (!_started) return;
        if (closed != _closed)
        {
            _closed = closed;
            _switches++;
        }
        AudioPayload a = _audio.Payload;
        if (a.CaptureNs == _lastCaptureNs) return;
        _lastCaptureNs = a.CaptureNs;
        _timeline.Record(a.Sequence, closed);
    }

    /// <summary>The relay's figures, scored against the recording's phrases.</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        // The relay's own switches are its node's figure (gpio-relay's NAME_switches).
        if (_recording is { } r && _chunk > 0) _timeline.Fill(metrics, r.Phrases, _chunk, _chunksPerPass, _sampleRate);
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("chunks_recorded", _timeline.Count);
        report.Add("switches", _switches);
    }
}
