using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Linux.Audio;

namespace Realtime.Linux.Components;

/// <summary>
/// <c>alsa-capture</c>: a microphone through ALSA (<see cref="AlsaCaptureSource"/>: S16_LE mono,
/// its own capture thread into a ring), one chunk per frame as an <see cref="AudioPayload"/>;
/// no chunk ready keeps the last capture time, so the loop counts the frame stale. The device is
/// opened at <see cref="Start"/> (a refusal names the field) and closed at <see cref="Stop"/>.
/// Config: <c>device</c> (an ALSA PCM name; default <c>default</c>), <c>sample_rate_hz</c> (default
/// 16000), <c>chunk</c> (default 512), <c>ring_chunks</c> (2..256; default 8).
/// </summary>
public sealed class AlsaSource : SourceNode
{
    private readonly string _device;
    private readonly int _rate, _ringChunks;
    private readonly FrameBuffer _slot;
    private AlsaCaptureSource? _source;
    private long _chunks, _lastNs;

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
            _chunks++;
        }
        CaptureNs = _slot.CaptureNs;
        Audio.Payload.CaptureNs = CaptureNs;
        return status;
    }

    /// <summary>Stops the capture thread and closes the device.</summary>
    public override void Stop()
    {
        _source?.Dispose();
        _source = null;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("chunks", _chunks);
        if (_source is { } s)
        {
            report.Add("device_overruns", s.DeviceOverruns);
            report.Add("ring_overruns", s.RingOverruns);
            report.Add("underruns", s.Underruns);
        }
    }
}
