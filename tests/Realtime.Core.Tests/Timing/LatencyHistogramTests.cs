using System;
using System.Threading;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Timing;

/// <summary>
/// The streaming histogram a run that does not end keeps instead of every frame's record: its
/// buckets tile every value once, a quantile read back is within the stated relative error of the
/// exact nearest-rank value on latency-like distributions, an interval is the difference of two
/// snapshots, a reader on another thread sees counts that only grow, and recording allocates nothing.
/// </summary>
public sealed class LatencyHistogramTests
{
    [Fact]
    public void TheBucketsTileEveryValueOnceAndNoneIsWiderThanAHundredAndTwentyEighthOfItsValue()
    {
        for (int i = 0; i < LatencyHistogram.BucketCount - 1; i++)
        {
            long lo = LatencyHistogram.LowerBoundNs(i), hi = LatencyHistogram.UpperBoundNs(i);
            Assert.Equal(i, LatencyHistogram.BucketOf(lo));
            Assert.Equal(i, LatencyHistogram.BucketOf(hi - 1));
            Assert.Equal(hi, LatencyHistogram.LowerBoundNs(i + 1));
            if (lo >= LatencyHistogram.SubBuckets) Assert.True((hi - lo) * (double)LatencyHistogram.SubBuckets <= lo, $"bucket {i}: [{lo}, {hi})");
            else Assert.Equal(1, hi - lo); // below 128 ns every value is its own bucket
        }
        Assert.Equal(LatencyHistogram.BucketCount - 1, LatencyHistogram.BucketOf(1L << LatencyHistogram.MaxExponent));
        Assert.Equal(LatencyHistogram.BucketCount - 1, LatencyHistogram.BucketOf(long.MaxValue));
        Assert.Equal(0, LatencyHistogram.BucketOf(-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyHistogram.LowerBoundNs(LatencyHistogram.BucketCount));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void QuantilesAreWithinTheStatedErrorOfTheExactNearestRank(int seed)
    {
        // Latency-like: a log-normal body around 1 ms with a 1 % tail of 5–40 ms stalls and a few sub-µs values.
        var random = new Random(seed);
        var samples = new long[200_000];
        var h = new LatencyHistogram();
        for (int i = 0; i < samples.Length; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            long v = random.Next(100) == 0 ? random.NextInt64(5_000_000, 40_000_000)
                : random.Next(1000) == 0 ? random.NextInt64(0, 900)
                : (long)(1_000_000 * Math.Exp(0.3 * normal));
            samples[i] = v;
            h.Record(v);
        }
        Array.Sort(samples);
        HistogramSnapshot s = h.Snapshot();
        Assert.Equal(samples.Length, s.Count);
        Assert.Equal(samples[0], s.MinNs);
        Assert.Equal(samples[^1], s.MaxNs);
        foreach (double q in new[] { 0.001, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0 })
        {
            long exact = Percentiles.NearestRank(samples, q * 100);
            long read = s.ValueAtQuantile(q);
            Assert.True(Math.Abs(read - exact) <= LatencyHistogram.RelativeError * exact + 0.5,
                $"q {q}: read {read} ns, exact {exact} ns ({(read - exact) / (double)exact:P3})");
        }
        double sum = 0;
        foreach (long v in samples) sum += v;
        Assert.Equal(sum / samples.Length, s.MeanNs, 6);
    }

    [Fact]
    public void AnIntervalIsTheDifferenceOfTwoSnapshotsAndReadsLikeAHistogramOfItsValuesAlone()
    {
        var h = new LatencyHistogram();
        var alone = new LatencyHistogram();
        for (int i = 0; i < 5000; i++) h.Record(200_000 + i * 7);
        HistogramSnapshot before = h.Snapshot();
        for (int i = 0; i < 3000; i++)
        {
            long v = 2_000_000 + (i * 7919) % 900_000;
            h.Record(v);
            alone.Record(v);
        }
        HistogramSnapshot after = h.Snapshot(), interval = new(), expected = alone.Snapshot();
        after.Minus(before, interval);
        Assert.Equal(3000, interval.Count);
        Assert.Equal(expected.SumNs, interval.SumNs);
        Assert.Equal(expected.Counts, interval.Counts);
        foreach (double q in new[] { 0.5, 0.99, 1.0 })
            Assert.True(Math.Abs(interval.ValueAtQuantile(q) - expected.ValueAtQuantile(q)) <= LatencyHistogram.RelativeError * expected.ValueAtQuantile(q) * 2,
                $"q {q}: interval {interval.ValueAtQuantile(q)}, alone {expected.ValueAtQuantile(q)}");
        Assert.InRange(interval.MinNs, 2_000_000 * (1 - LatencyHistogram.RelativeError * 2), 2_000_000);
        Assert.Throws<ArgumentException>(() => before.Minus(after, new HistogramSnapshot()));
    }

    [Fact]
    public void AnEmptyHistogramReadsZeroAndAValueBeyondEighteenMinutesIsCountedAsClamped()
    {
        var h = new LatencyHistogram();
        HistogramSnapshot empty = h.Snapshot();
        Assert.Equal(0, empty.Count);
        Assert.Equal(0, empty.ValueAtQuantile(0.99));
        Assert.Equal(0, empty.MinNs);
        h.Record(1L << 41);
        h.Record(-3);
        Assert.Equal(1, h.Clamped);
        HistogramSnapshot s = h.Snapshot();
        Assert.Equal(2, s.Count);
        Assert.Equal(0, s.MinNs);
        Assert.Equal(1L << 41, s.ValueAtQuantile(1.0));
    }

    [Fact]
    public void RecordingAllocatesNothing()
    {
        var h = new LatencyHistogram();
        var into = new HistogramSnapshot();
        for (int i = 0; i < 1000; i++) h.Record(i * 1013);
        h.CopyTo(into);
        long value = 0;
        Assert.Equal(0, ThreadAllocations.LeastOfThree(() =>
        {
            for (int i = 0; i < 100_000; i++) h.Record(value++ * 1013L);
            h.CopyTo(into);
            _ = into.ValueAtQuantile(0.99);
        }));
    }

    [Fact]
    public void AReaderOnAnotherThreadSeesCountsThatOnlyGrowAndFinallyEveryValue()
    {
        var h = new LatencyHistogram();
        const int Values = 2_000_000;
        var writer = new Thread(() => { for (int i = 0; i < Values; i++) h.Record(1000 + (i % 5000) * 17); });
        writer.Start();
        HistogramSnapshot previous = new(), current = new();
        int reads = 0;
        while (writer.IsAlive || reads == 0)
        {
            h.CopyTo(current);
            for (int b = 0; b < LatencyHistogram.BucketCount; b++)
                Assert.True(current.Counts[b] >= previous.Counts[b], $"bucket {b} went back from {previous.Counts[b]} to {current.Counts[b]}");
            Assert.InRange(current.Count, previous.Count, Values);
            previous.CopyFrom(current);
            reads++;
        }
        writer.Join();
        h.CopyTo(current);
        Assert.Equal(Values, current.Count);
    }
}
