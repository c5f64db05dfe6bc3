using System;
using System.Runtime.InteropServices;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Audio;

/// <summary>
/// Puts an audio chunk (a <see cref="PixelFormat.Float32"/> slot) into a streaming model's input:
/// the last <see cref="Context"/> samples of the previous chunk first (Silero VAD v5 reads 64
/// samples of context before its 512 new ones at 16 kHz), then the chunk, scaled by
/// <see cref="Gain"/>. The context is the tail of what the tensor already holds, so nothing is
/// kept apart and nothing is allocated.
/// </summary>
public sealed class AudioChunkPreprocessor : IPreprocessor
{
    /// <summary>A preprocessor for <paramref name="chunk"/> new samples after <paramref name="context"/> old ones.</summary>
    public AudioChunkPreprocessor(int chunk, int context, float gain = 1f)
    {
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), "chunk must be positive");
        if (context < 0 || context > chunk) throw new ArgumentOutOfRangeException(nameof(context), "context must be within 0..chunk");
        Chunk = chunk;
        Context = context;
        Gain = gain;
    }

    /// <summary>New samples per chunk.</summary>
    public int Chunk { get; }
    /// <summary>Samples of context carried from the previous chunk.</summary>
    public int Context { get; }
    /// <summary>Scale applied to the samples (1 for [-1, 1) input).</summary>
    public float Gain { get; }
    /// <summary>The tensor length this expects: context + chunk.</summary>
    public int TensorLength => Context + Chunk;

    /// <inheritdoc/>
    public void Process(FrameBuffer frame, Span<float> tensor) =>
        Process(MemoryMarshal.Cast<byte, float>(frame.Pixels.AsSpan(0, Chunk * sizeof(float))), tensor);

    /// <summary>Shifts the context and appends <paramref name="chunk"/> (<see cref="Chunk"/> samples) to <paramref name="tensor"/> (<see cref="TensorLength"/>).</summary>
    public void Process(ReadOnlySpan<float> chunk, Span<float> tensor)
    {
        tensor.Slice(Chunk, Context).CopyTo(tensor);
        var fresh = tensor.Slice(Context, Chunk);
        if (Gain == 1f) chunk.CopyTo(fresh);
        else for (int i = 0; i < fresh.Length; i++) fresh[i] = chunk[i] * Gain;
    }
}
