using System;
using System.Threading;

namespace Realtime.Core.Timing;

/// <summary>
/// A streaming log-linear histogram of nanosecond durations with constant memory, for runs that do
/// not end: every power of two is split into <see cref="SubBuckets"/> equal buckets (values under
/// <see cref="SubBuckets"/> ns are exact), so a value read back (<see cref="HistogramSnapshot.ValueAtQuantile"/>)
/// is within <see cref="RelativeError"/> of the true one. Values from 2^40 ns (18 minutes) up are
/// counted in the last bucket and in <see cref="Clamped"/>.
/// <para>
/// One thread writes (<see cref="Record"/>: no allocation, no lock, no atomic instruction); any
/// other thread may read at any time (<see cref="CopyTo"/>): each count is a 64-bit word that only
/// grows, so a reader sees every bucket at a value it really had, never a torn one. A snapshot taken
/// while a frame is being recorded may count that frame in its bucket and not yet in the total, or
/// the reverse; <see cref="HistogramSnapshot.Count"/> is the sum of the buckets, so the two agree.
/// </para>
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>log2 of the buckets per power of two.</summary>
    public const int SubBucketBits = 7;
    /// <summary>Buckets per power of two (128): a bucket is at most 1/128 of its lowest value wide.</summary>
    public const int SubBuckets = 1 << SubBucketBits;
    /// <summary>The largest exponent kept apart: values of 2^<see cref="MaxExponent"/> ns and more land in the last bucket.</summary>
    public const int MaxExponent = 40;
    /// <summary>How many buckets a histogram has (4,480: 35 KB).</summary>
    public const int BucketCount = SubBuckets + (MaxExponent - SubBucketBits) * SubBuckets;
    /// <summary>
    /// The largest relative difference between a value read back and the true one: a quantile is
    /// read as the middle of its bucket, and half a bucket is at most 1/256 of the value (0.39 %).
    /// </summary>
    public const double RelativeError = 1.0 / (2 * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];
    private long _sum, _min = long.MaxValue, _max, _clamped;

    /// <summary>The bucket a value falls in (negative values count as 0).</summary>
    public static int BucketOf(long valueNs)
    {
        if (valueNs < SubBuckets) return valueNs <= 0 ? 0 : (int)valueNs;
        int exponent = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)valueNs);
        if (exponent >= MaxExponent) return BucketCount - 1;
        int shift = exponent - SubBucketBits;
        return SubBuckets + shift * SubBuckets + (int)((valueNs >> shift) - SubBuckets);
    }

    /// <summary>The lowest value of bucket <paramref name="bucket"/>, ns.</summary>
    public static long LowerBoundNs(int bucket)
    {
        if ((uint)bucket >= BucketCount) throw new ArgumentOutOfRangeException(nameof(bucket));
        if (bucket < SubBuckets) return bucket;
        int shift = (bucket - SubBuckets) / SubBuckets;
        return (long)(SubBuckets + (bucket - SubBuckets) % SubBuckets) << shift;
    }

    /// <summary>The first value above bucket <paramref name="bucket"/>, ns: every value in it is smaller.</summary>
    public static long UpperBoundNs(int bucket)
    {
        if ((uint)bucket >= BucketCount) throw new ArgumentOutOfRangeException(nameof(bucket));
        if (bucket < SubBuckets) return bucket + 1;
        if (bucket == BucketCount - 1) return long.MaxValue;
        int shift = (bucket - SubBuckets) / SubBuckets;
        return LowerBoundNs(bucket) + (1L << shift);
    }

    /// <summary>Counts one duration. The writer's thread only; allocates nothing.</summary>
    public void Record(long valueNs)
    {
        if (valueNs < 0) valueNs = 0;
        int bucket = BucketOf(valueNs);
        if (bucket == BucketCount - 1 && valueNs >= 1L << MaxExponent) _clamped++;
        // One writer: a plain increment of an aligned 64-bit word is never seen torn by a reader.
        Volatile.Write(ref _counts[bucket], _counts[bucket] + 1);
        Volatile.Write(ref _sum, _sum + valueNs);
        if (valueNs < _min) Volatile.Write(ref _min, valueNs);
        if (valueNs > _max) Volatile.Write(ref _max, valueNs);
    }

    /// <summary>Values of 2^40 ns or more, counted in the last bucket.</summary>
    public long Clamped => Volatile.Read(ref _clamped);

    /// <summary>Copies the counts so far into <paramref name="into"/> (from any thread; allocates nothing).</summary>
    public void CopyTo(HistogramSnapshot into)
    {
        ArgumentNullException.ThrowIfNull(into);
        long total = 0;
        long[] counts = into.Counts;
        for (int i = 0; i < BucketCount; i++)
        {
            long c = Volatile.Read(ref _counts[i]);
            counts[i] = c;
            total += c;
        }
        into.Count = total;
        into.SumNs = Volatile.Read(ref _sum);
        long min = Volatile.Read(ref _min);
        into.MinNs = total == 0 || min == long.MaxValue ? 0 : min;
        into.MaxNs = Volatile.Read(ref _max);
    }

    /// <summary>A new snapshot of the counts so far.</summary>
    public HistogramSnapshot Snapshot()
    {
        var s = new HistogramSnapshot();
        CopyTo(s);
        return s;
    }
}

/// <summary>
/// The counts of a <see cref="LatencyHistogram"/> at one moment, owned by the reader: quantiles,
/// the difference between two moments (an interval), the buckets to export. Made once and refilled.
/// </summary>
public sealed class HistogramSnapshot
{
    /// <summary>Count per bucket (<see cref="LatencyHistogram.BucketCount"/> of them).</summary>
    public long[] Counts { get; } = new long[LatencyHistogram.BucketCount];
    /// <summary>Values counted (the sum of <see cref="Counts"/>).</summary>
    public long Count { get; internal set; }
    /// <summary>Their sum, ns.</summary>
    public long SumNs { get; internal set; }
    /// <summary>The smallest value recorded, ns (0 when none; for an interval, the lowest bucket's lower bound).</summary>
    public long MinNs { get; internal set; }
    /// <summary>The largest value recorded, ns (for an interval, the highest bucket's upper bound less 1, at most the whole run's max).</summary>
    public long MaxNs { get; internal set; }

    /// <summary>Mean, ns (0 when empty).</summary>
    public double MeanNs => Count == 0 ? 0 : (double)SumNs / Count;

    /// <summary>
    /// The nearest-rank quantile <paramref name="q"/> in (0, 1], ns: the middle of the bucket that holds
    /// the rank, kept within [min, max]; within <see cref="LatencyHistogram.RelativeError"/> of the exact
    /// nearest-rank value. 0 when empty.
    /// </summary>
    public long ValueAtQuantile(double q)
    {
        if (Count == 0) return 0;
        if (double.IsNaN(q) || q <= 0) return MinNs;
        long rank = (long)Math.Ceiling((decimal)Math.Min(q, 1) * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (int i = 0; i < LatencyHistogram.BucketCount; i++)
        {
            seen += Counts[i];
            if (seen < rank) continue;
            if (i == LatencyHistogram.BucketCount - 1) return MaxNs; // the open last bucket: the largest value is all that is known
            long lo = LatencyHistogram.LowerBoundNs(i);
            long hi = LatencyHistogram.UpperBoundNs(i) - 1;
            long middle = lo + (hi - lo) / 2;
            return Math.Clamp(middle, MinNs, Math.Max(MinNs, MaxNs));
        }
        return MaxNs;
    }

    /// <summary>
    /// What was counted between <paramref name="earlier"/> and this snapshot, into <paramref name="into"/>
    /// (an interval's histogram; allocates nothing). Its min and max are the bounds of the lowest and
    /// highest buckets counted in it, kept within this snapshot's min and max.
    /// </summary>
    public void Minus(HistogramSnapshot earlier, HistogramSnapshot into)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(into);
        long total = 0;
        int lowest = -1, highest = -1;
        for (int i = 0; i < LatencyHistogram.BucketCount; i++)
        {
            long c = Counts[i] - earlier.Counts[i];
            if (c < 0) throw new ArgumentException("the earlier snapshot has more in a bucket than this one: not the same histogram, or not earlier", nameof(earlier));
            into.Counts[i] = c;
            if (c == 0) continue;
            total += c;
            if (lowest < 0) lowest = i;
            highest = i;
        }
        into.Count = total;
        into.SumNs = SumNs - earlier.SumNs;
        into.MinNs = total == 0 ? 0 : Math.Max(MinNs, LatencyHistogram.LowerBoundNs(lowest));
        into.MaxNs = total == 0 ? 0 : Math.Min(MaxNs, LatencyHistogram.UpperBoundNs(highest) - 1);
    }

    /// <summary>Copies <paramref name="from"/> into this one.</summary>
    public void CopyFrom(HistogramSnapshot from)
    {
        ArgumentNullException.ThrowIfNull(from);
        Array.Copy(from.Counts, Counts, Counts.Length);
        Count = from.Count;
        SumNs = from.SumNs;
        MinNs = from.MinNs;
        MaxNs = from.MaxNs;
    }
}
