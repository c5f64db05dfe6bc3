using System;
using System.Globalization;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Linux.Audio;

namespace Realtime.Linux.Components;

/// <summary>
/// <c>alsa-capture</c>: a microphone through ALSA (<see cref="AlsaCaptureSource"/>: S16_LE mono,
/// its own capture thread into a ring), one chunk per frame as an <see cref="AudioPayload"/>;
/// no chunk ready keeps the last capture time, so the loop counts the frame stale. The device is
/// opened at <see cref="Start"/> (a refusal names the field) and closed at <see cref="Stop"/>.
/// Config: <c>device</c> (an ALSA PCM name; default <c>default</c>), <c>sample_rate_hz</c> (default
/// 16000), <c>chunk</c> (default 512), <c>ring_chunks</c> (2..256; default 8). The application's
/// figures: the chunk's length, chunks lost to overruns, frames that found no new chunk, a capture failure.
/// </summary>
public sealed class AlsaSource : SourceNode, IApplicationMetrics
{
    private readonly string _device;
    private readonly int _rate, _ringChunks;
    private readonly FrameBuffer _slot;
    private AlsaCaptureSource? _source;
    private long _chunks, _lastNs;
    // The device's counts, kept when it closes at Stop (the figures are read after the run).
    private long _deviceOverruns, _ringOverruns, _underruns;
    private string? _failure;

    /// <summary>A capture of <paramref name="chunk"/>-sample chunks at <paramref name="sampleRateHz"/> from <paramref name="device"/>.</summary>
    public AlsaSource(string name, string device, int sampleRateHz, int chunk, int ringChunks = 8) : base(name)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        _device = device;
        _rate = sampleRateHz;
        _ringChunks = ringChunks;
        _slot = new FrameBuffer(chunk, 1, PixelFormat.Float32);
        Audio = Output("audio", new AudioPayload(sampleRateHz, chunk));
    }

    /// <summary>The chunks.</summary>
    public OutputPort<AudioPayload> Audio { get; }
    /// <summary>The capture while running, else null.</summary>
    public AlsaCaptureSource? Device => _source;
    /// <summary>Where it was configured (file, field), for errors at start; null when built in code.</summary>
    public (string Source, string Field)? ConfiguredAt { get; init; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        string device = config.Text("device", "default");
        int rate = config.Integer("sample_rate_hz", 8000, 192_000, 16_000);
        int chunk = config.Integer("chunk", 16, 65_536, 512);
        int ring = config.Integer("ring_chunks", 2, 256, 8);
        foreach (char c in device)
            if (char.IsControl(c)) { config.Problem("device", "an ALSA PCM name has no control characters"); break; }
        if (device.Length > 128) config.Problem("device", $"an ALSA PCM name is at most 128 characters, got {device.Length}");
        if (config.Problems.Count == 0 && AudioPayload.ChunkRateMismatch(rate, chunk, context.LoopRateHz) is { } mismatch) config.Problem("chunk", mismatch);
        return config.Problems.Count > 0 ? null! : new AlsaSource(name, device, rate, chunk, ring) { ConfiguredAt = (context.Source, config.Field) };
    }

    /// <summary>Opens the device and starts its capture thread; a refusal is a <see cref="ProfileException"/> naming <c>device</c>.</summary>
    public override void Start()
    {
        try
        {
            _source = AlsaCaptureSource.Open(_device, _rate, _slot.Width, _ringChunks);
        }
        catch (AudioDeviceException ex) when (ConfiguredAt is { } at)
        {
            throw new ProfileException(at.Source, [$"{at.Field}.device: {ex.Message}"]);
        }
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        CaptureStatus status = _source!.Capture(_slot);
        if (status != CaptureStatus.Ok) return status;
        if (_slot.CaptureNs != _lastNs)
        {
            _lastNs = _slot.CaptureNs;
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_slot.Pixels.AsSpan()).CopyTo(Audio.Payload.Samples);
            Audio.Payload.Sequence = _chunks++;
        }
        CaptureNs = _slot.CaptureNs;
        Audio.Payload.CaptureNs = CaptureNs;
        return status;
    }

    /// <summary>Stops the capture thread and closes the device.</summary>
    public override void Stop()
    {
        if (_source is { } s) Keep(s);
        _source?.Dispose();
        _source = null;
    }

    private void Keep(AlsaCaptureSource s)
    {
        _deviceOverruns = s.DeviceOverruns;
        _ringOverruns = s.RingOverruns;
        _underruns = s.Underruns;
        _failure = s.FailureText;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_source is { } s) Keep(s);
        report.Add("chunks", _chunks);
        report.Add("device_overruns", _deviceOverruns);
        report.Add("ring_overruns", _ringOverruns);
        report.Add("underruns", _underruns);
    }

    /// <summary>The application's figures: <c>chunk_ms</c>, <c>audio_overruns</c> (device and ring), <c>audio_underruns</c>, <c>audio_failure</c>, and a line for a person.</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_source is { } s) Keep(s);
        long overruns = _deviceOverruns + _ringOverruns;
        metrics.Add("chunk_ms", Math.Round(1000.0 * _slot.Width / _rate, 3));
        metrics.Add("audio_overruns", overruns);
        metrics.Add("audio_underruns", _underruns);
        metrics.Add("audio_failure", _failure);
        metrics.AddSummaryLine(string.Create(CultureInfo.InvariantCulture, $"Audio: {overruns} chunks lost to overruns, {_underruns} frames found no new chunk"));
    }
}
