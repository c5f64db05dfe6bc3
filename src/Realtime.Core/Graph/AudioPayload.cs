using System;

namespace Realtime.Core.Graph;

/// <summary>A chunk of mono float audio samples at a sample rate, in pinned memory.</summary>
public sealed class AudioPayload : Payload
{
    /// <summary>Allocates a chunk of <paramref name="samples"/> samples.</summary>
    public AudioPayload(int sampleRateHz, int samples) : base(PayloadType.Audio(Positive(sampleRateHz), Positive(samples)))
    {
        Samples = GC.AllocateArray<float>(samples, pinned: true);
    }

    /// <summary>The samples, in [-1, 1].</summary>
    public float[] Samples { get; }

    private static int Positive(int v) => v > 0 ? v : throw new ArgumentOutOfRangeException(nameof(v), "an audio payload's rate and size are positive");
}
