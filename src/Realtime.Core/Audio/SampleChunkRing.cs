using System;
using System.Threading;

namespace Realtime.Core.Audio;

/// <summary>
/// A single-producer, single-consumer ring of fixed-size chunks of 16-bit samples, each with the
/// monotonic time it was completed. The capture thread fills the slot <see cref="TryBeginWrite"/>
/// hands it and publishes it with <see cref="CommitWrite"/>; the pipeline takes chunks in order
/// with <see cref="TryRead"/>. No locks, no allocation after construction: the two sides only share
/// two counters, each written by one side. A producer that finds the ring full drops the chunk and
/// counts an overrun (the pipeline fell behind by the whole ring); the consumer never waits.
/// </summary>
public sealed class SampleChunkRing
{
    private readonly short[] _samples;
    private readonly long[] _timesNs;
    private long _written; // chunks published, written by the producer only
    private long _read;    // chunks consumed, written by the consumer only
    private long _overruns;

    /// <summary>A ring of <paramref name="capacity"/> chunks of <paramref name="chunk"/> samples.</summary>
    public SampleChunkRing(int chunk, int capacity)
    {
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), "chunk must be positive");
        if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), "a ring holds at least two chunks");
        Chunk = chunk;
        Capacity = capacity;
        _samples = GC.AllocateArray<short>(chunk * capacity, pinned: true);
        _timesNs = new long[capacity];
    }

    /// <summary>Samples per chunk.</summary>
    public int Chunk { get; }
    /// <summary>Chunks the ring holds.</summary>
    public int Capacity { get; }
    /// <summary>Chunks waiting to be read.</summary>
    public int Count => (int)(Volatile.Read(ref _written) - Volatile.Read(ref _read));
    /// <summary>Chunks published so far.</summary>
    public long Written => Volatile.Read(ref _written);
    /// <summary>Chunks dropped because the ring was full.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>
    /// Producer: the next free slot to fill, or false when the ring is full (the chunk is then
    /// dropped: call <see cref="CountOverrun"/>, or read into a scratch buffer and discard it).
    /// </summary>
    public bool TryBeginWrite(out Span<short> slot)
    {
        long w = _written;
        if (w - Volatile.Read(ref _read) >= Capacity)
        {
            slot = default;
            return false;
        }
        slot = _samples.AsSpan((int)(w % Capacity) * Chunk, Chunk);
        return true;
    }

    /// <summary>Producer: publishes the slot <see cref="TryBeginWrite"/> gave, completed at <paramref name="timeNs"/>.</summary>
    public void CommitWrite(long timeNs)
    {
        long w = _written;
        _timesNs[w % Capacity] = timeNs;
        Volatile.Write(ref _written, w + 1); // release: the samples and time are visible before the count
    }

    /// <summary>Producer: counts a chunk dropped for want of room.</summary>
    public void CountOverrun() => Interlocked.Increment(ref _overruns);

    /// <summary>
    /// Consumer: copies the oldest waiting chunk into <paramref name="destination"/> as floats in
    /// [-1, 1) and frees its slot; false when none is waiting.
    /// </summary>
    public bool TryRead(Span<float> destination, out long timeNs, out long sequence)
    {
        long r = _read;
        if (Volatile.Read(ref _written) == r) // acquire: the slot's contents are visible after this
        {
            timeNs = 0;
            sequence = r;
            return false;
        }
        int at = (int)(r % Capacity);
        var src = _samples.AsSpan(at * Chunk, Chunk);
        int n = Math.Min(destination.Length, Chunk);
        for (int i = 0; i < n; i++) destination[i] = src[i] * (1f / 32768f);
        timeNs = _timesNs[at];
        sequence = r;
        Volatile.Write(ref _read, r + 1);
        return true;
    }

    /// <summary>Consumer: drops all but the newest <paramref name="keep"/> waiting chunks (e.g. after a stall); returns how many were dropped.</summary>
    public int SkipTo(int keep)
    {
        long w = Volatile.Read(ref _written);
        long r = _read;
        long drop = w - r - Math.Max(0, keep);
        if (drop <= 0) return 0;
        Volatile.Write(ref _read, r + drop);
        return (int)drop;
    }
}
