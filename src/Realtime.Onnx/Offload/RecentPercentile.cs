using System;

namespace Realtime.Onnx.Offload;

/// <summary>
/// The p99 of the last <c>window</c> samples (round trips, local runs), kept by one thread: a ring
/// and a scratch copy sorted in place per sample, sized at construction, so adding allocates
/// nothing. With a window under 100 the p99 is the window's maximum: one slow round trip keeps
/// offload cautious for <c>window</c> samples, which is what a deadline wants.
/// </summary>
public sealed class RecentPercentile
{
    private readonly long[] _ring;
    private readonly long[] _sorted;
    private long _count;

    /// <summary>A window of <paramref name="window"/> samples (at least 1).</summary>
    public RecentPercentile(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _ring = new long[window];
        _sorted = new long[window];
    }

    /// <summary>Samples added so far.</summary>
    public long Count => _count;

    /// <summary>The p99 of the window (0 before the first sample).</summary>
    public long P99 { get; private set; }

    /// <summary>Adds <paramref name="value"/> and returns the window's new p99.</summary>
    public long Add(long value)
    {
        _ring[_count % _ring.Length] = value;
        _count++;
        int n = (int)Math.Min(_count, _ring.Length);
        Span<long> sorted = _sorted.AsSpan(0, n);
        _ring.AsSpan(0, n).CopyTo(sorted);
        sorted.Sort();
        // Nearest rank: the smallest sample with at least 99% of the window at or below it.
        P99 = sorted[Math.Max(0, (int)Math.Ceiling(0.99 * n) - 1)];
        return P99;
    }
}
