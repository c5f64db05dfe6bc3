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

    /// <summary>The chunk's number from the source's start (0, 1, 2, …; a looping recording counts on across passes), so a consumer can tell which stretch of audio it has.</summary>
    public long Sequence { get; set; }

    /// <summary>
    /// Why chunks of <paramref name="chunk"/> samples at <paramref name="sampleRateHz"/>, one a frame,
    /// do not match a loop at <paramref name="loopHz"/> (a microphone would overrun or starve, a
    /// recording would play at another speed), or null when they do.
    /// </summary>
    public static string? ChunkRateMismatch(int sampleRateHz, int chunk, double loopHz)
    {
        double chunkHz = sampleRateHz / (double)chunk;
        if (Math.Abs(loopHz - chunkHz) <= 1e-6 * loopHz) return null;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return string.Create(c, $"the loop's {loopHz} Hz does not match the audio: {sampleRateHz} Hz in chunks of {chunk} is {chunkHz} Hz (one chunk a frame)");
    }

    private static int Positive(int v) => v > 0 ? v : throw new ArgumentOutOfRangeException(nameof(v), "an audio payload's rate and size are positive");

    /// <inheritdoc/>
    public override Payload? NewCopy() => new AudioPayload(Type.SampleRateHz, Samples.Length);

    /// <inheritdoc/>
    protected override void CopyData(Payload target)
    {
        var to = (AudioPayload)target;
        Samples.AsSpan().CopyTo(to.Samples);
        to.Sequence = Sequence;
    }
}
