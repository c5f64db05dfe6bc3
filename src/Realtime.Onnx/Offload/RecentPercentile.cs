using System;

namespace Realtime.Onnx.Offload;

/// <summary>
/// The p99 of the last <c>window</c> samples (round trips, local runs), kept by one thread: a ring
/// and the same samples kept sorted, sized at construction; adding takes the oldest sample out of
/// the sorted copy and puts the new one in (two binary searches and a shift, by hand: a span's
/// Sort() took a comparison delegate per call under NativeAOT, 48 B a local run on the loop's
/// thread), so adding allocates nothing. With a window under 100 the p99 is the window's maximum:
/// one slow round trip keeps offload cautious for <c>window</c> samples, which is what a deadline wants.
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
        int slot = (int)(_count % _ring.Length);
        int n = (int)Math.Min(_count, _ring.Length);
        if (n == _ring.Length)
        {
            // The window is full: the sample this one replaces leaves the sorted copy.
            int at = LowerBound(_sorted, n, _ring[slot]);
            Array.Copy(_sorted, at + 1, _sorted, at, n - at - 1);
            n--;
        }
        _ring[slot] = value;
        _count++;
        int into = LowerBound(_sorted, n, value);
        Array.Copy(_sorted, into, _sorted, into + 1, n - into);
        _sorted[into] = value;
        n++;
        // Nearest rank: the smallest sample with at least 99% of the window at or below it.
        P99 = _sorted[Math.Max(0, (int)Math.Ceiling(0.99 * n) - 1)];
        return P99;
    }

    // The first index of sorted[0..n) whose value is not below value.
    private static int LowerBound(long[] sorted, int n, long value)
    {
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
