using System;
using System.Runtime.InteropServices;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Audio;

/// <summary>
/// Audio from samples in memory (a WAV file read at start-up), delivered in fixed chunks into a
/// <see cref="PixelFormat.Float32"/> slot (width = chunk, height 1). Each <see cref="Capture"/>
/// takes the next chunk, so the loop's rate paces the recording as a sound card would (31.25 Hz
/// for 512 samples at 16 kHz); the capture time is stamped as the loop reads it. The slot's
/// <see cref="FrameBuffer.Sequence"/> is the chunk's number, counting on across passes when it loops.
/// </summary>
public sealed class WavChunkSource : IFrameSource
{
    private readonly float[] _samples;
    private readonly bool _loop;
    private long _next;

    /// <summary>Chunks from <paramref name="samples"/>; a final partial chunk is left out.</summary>
    public WavChunkSource(float[] samples, int chunk, bool loop)
    {
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), "chunk must be positive");
        if (samples.Length < chunk) throw new ArgumentException($"the recording ({samples.Length} samples) is shorter than one chunk ({chunk})", nameof(samples));
        _samples = samples;
        _loop = loop;
        Width = chunk;
        ChunksPerPass = samples.Length / chunk;
    }

    /// <summary>Samples per chunk.</summary>
    public int Width { get; }
    /// <inheritdoc/>
    public int Height => 1;
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Float32;
    /// <summary>Whole chunks in one pass through the recording.</summary>
    public int ChunksPerPass { get; }

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        if (!_loop && _next >= ChunksPerPass) return CaptureStatus.Ended;
        int at = (int)(_next % ChunksPerPass) * Width;
        _samples.AsSpan(at, Width).CopyTo(MemoryMarshal.Cast<byte, float>(slot.Pixels.AsSpan()));
        slot.CaptureNs = MonotonicClock.NowNs();
        slot.Sequence = _next++;
        return CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public void Dispose() { }
}
