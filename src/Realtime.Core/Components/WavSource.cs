using System;
using System.IO;
using Realtime.Core.Audio;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Core.Components;

/// <summary>
/// <c>wav-source</c>: a mono 16-bit WAV recording, read whole at creation, delivered one chunk per
/// frame as an <see cref="AudioPayload"/> (the loop's rate paces it as a sound card would), looping
/// or ending at the last whole chunk. Config: <c>path</c> (relative: in the assets folder), <c>sample_rate_hz</c> (the file's own; default 16000), <c>chunk</c>
/// (samples per frame; default 512; the rate over the chunk is the loop's rate), <c>loop</c> (default true). The path is resolved as every asset is (<see cref="ComponentContext.RequireAsset"/>).
/// </summary>
public sealed class WavSource : SourceNode, IApplicationMetrics
{
    /// <summary>The largest recording read (it is read whole; a larger file is refused before reading).</summary>
    public const long MaxFileBytes = 256L << 20;

    private readonly WavChunkSource _chunks;
    private readonly FrameBuffer _slot;
    private readonly IClock _clock;
    private readonly int _sampleRateHz;
    private long _delivered;

    /// <summary>A source over <paramref name="samples"/> (mono, [-1, 1)) at <paramref name="sampleRateHz"/>.</summary>
    public WavSource(string name, float[] samples, int sampleRateHz, int chunk, bool loop, IClock clock) : base(name)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _chunks = new WavChunkSource(samples, chunk, loop);
        _slot = new FrameBuffer(chunk, 1, PixelFormat.Float32);
        _clock = clock;
        _sampleRateHz = sampleRateHz;
        Audio = Output("audio", new AudioPayload(sampleRateHz, chunk));
    }

    /// <summary>The chunks.</summary>
    public OutputPort<AudioPayload> Audio { get; }
    /// <summary>Whole chunks in one pass through the recording.</summary>
    public int ChunksPerPass => _chunks.ChunksPerPass;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        string? file = context.RequireAsset(config, "path", "recording");
        int rate = config.Integer("sample_rate_hz", 8000, 192_000, 16_000);
        int chunk = config.Integer("chunk", 16, 65_536, 512);
        bool loop = config.Flag("loop", true);
        if (config.Problems.Count > 0 || file is null) return null!;
        long bytes = new FileInfo(file).Length;
        // A device, FIFO or /proc file reports size 0 whoever checked it as a file: never read one whole.
        if (bytes == 0) { config.Problem("path", $"{file} is empty or not a regular file (a device, FIFO or /proc file)"); return null!; }
        if (bytes > MaxFileBytes) { config.Problem("path", $"{file} is {bytes} bytes; a recording is read whole, at most {MaxFileBytes}"); return null!; }
        float[] samples;
        try { samples = WavFile.ReadMono16(file, rate); }
        catch (InvalidDataException ex) { config.Problem("path", ex.Message); return null!; }
        if (samples.Length < chunk) { config.Problem("path", $"{file}: the recording ({samples.Length} samples) is shorter than one chunk ({chunk})"); return null!; }
        if (AudioPayload.ChunkRateMismatch(rate, chunk, context.LoopRateHz) is { } mismatch) { config.Problem("chunk", mismatch); return null!; }
        return new WavSource(name, samples, rate, chunk, loop, context.Clock);
    }

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        CaptureStatus status = _chunks.Capture(_slot);
        if (status != CaptureStatus.Ok) return status;
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_slot.Pixels.AsSpan()).CopyTo(Audio.Payload.Samples);
        // Stamped by the application's clock (the chunk is "latched" as the loop reads it).
        CaptureNs = _clock.NowNs();
        Audio.Payload.CaptureNs = CaptureNs;
        Audio.Payload.Sequence = _slot.Sequence;
        _delivered++;
        return CaptureStatus.Ok;
    }

    /// <summary>The application's figures: the chunk's length (<c>chunk_ms</c>).</summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Add("chunk_ms", Math.Round(1000.0 * Audio.Payload.Samples.Length / _sampleRateHz, 3));
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("chunks", _delivered);
        report.Add("chunks_per_pass", ChunksPerPass);
    }
}
