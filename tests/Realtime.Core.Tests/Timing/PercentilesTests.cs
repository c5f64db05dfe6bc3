using System;
using System.Linq;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Timing;

/// <summary>
/// Nearest-rank percentiles as MLPerf LoadGen computes them, LoadGen's minimum sample counts for a
/// percentile to be established, and period jitter, all on distributions whose answers are known.
/// </summary>
public sealed class PercentilesTests
{
    private static long[] Range(int from, int count) => Enumerable.Range(from, count).Select(v => (long)v).ToArray();

    [Fact]
    public void NearestRankOfOneToHundredGivesP50Of50P90Of90P99Of99()
    {
        long[] v = Range(1, 100);
        Assert.Equal(50, Percentiles.NearestRank(v, 50));
        Assert.Equal(90, Percentiles.NearestRank(v, 90));
        Assert.Equal(99, Percentiles.NearestRank(v, 99));
        Assert.Equal(100, Percentiles.NearestRank(v, 100));
    }

    [Fact]
    public void NearestRankOfOneToThousandGivesP999Of999()
    {
        long[] v = Range(1, 1000);
        Assert.Equal(999, Percentiles.NearestRank(v, 99.9));
        Assert.Equal(990, Percentiles.NearestRank(v, 99));
    }

    [Fact]
    public void NearestRankRoundsTheRankUpNotToTheNearest()
    {
        // 10 samples: p95 is rank ceil(9.5) = 10, p91 is rank ceil(9.1) = 10, p90 rank 9.
        long[] v = Range(1, 10);
        Assert.Equal(10, Percentiles.NearestRank(v, 95));
        Assert.Equal(10, Percentiles.NearestRank(v, 91));
        Assert.Equal(9, Percentiles.NearestRank(v, 90));
    }

    [Fact]
    public void NearestRankOfASingleSampleIsThatSampleForEveryPercentile()
    {
        long[] v = { 42 };
        foreach (double p in new[] { 0.0, 1, 50, 90, 99, 99.9, 100 })
            Assert.Equal(42, Percentiles.NearestRank(v, p));
    }

    [Fact]
    public void NearestRankOfNoSamplesIsZero()
    {
        Assert.Equal(0, Percentiles.NearestRank(ReadOnlySpan<long>.Empty, 50));
    }

    [Fact]
    public void SummaryOfASingleSampleHasEveryPercentileEqualToIt()
    {
        var s = Percentiles.Summarize(new long[] { 7_000 });
        Assert.Equal(1, s.Count);
        Assert.Equal(7.0, s.P50Us);
        Assert.Equal(7.0, s.P90Us);
        Assert.Equal(7.0, s.P95Us);
        Assert.Equal(7.0, s.P99Us);
        Assert.Equal(7.0, s.P999Us);
        Assert.Equal(7.0, s.MaxUs);
        Assert.Equal(7.0, s.MeanUs);
    }

    [Fact]
    public void SummarizeConvertsNanosecondsToMicrosecondsAndComputesTheMean()
    {
        // Unsorted on purpose: Summarize sorts a copy and leaves the input alone.
        long[] ns = { 4_000, 1_000, 3_000, 2_000 };
        var s = Percentiles.Summarize(ns);
        Assert.Equal(4, s.Count);
        Assert.Equal(2.0, s.P50Us);
        Assert.Equal(4.0, s.P90Us);
        Assert.Equal(4.0, s.MaxUs);
        Assert.Equal(2.5, s.MeanUs, 9);
        Assert.Equal(new long[] { 4_000, 1_000, 3_000, 2_000 }, ns);
    }

    [Fact]
    public void SummarizeOfOneToThousandMicrosecondsGivesTheNearestRankFigures()
    {
        long[] ns = Range(1, 1000).Select(v => v * 1000).Reverse().ToArray();
        var s = Percentiles.Summarize(ns);
        Assert.Equal(1000, s.Count);
        Assert.Equal(500.0, s.P50Us);
        Assert.Equal(900.0, s.P90Us);
        Assert.Equal(950.0, s.P95Us);
        Assert.Equal(990.0, s.P99Us);
        Assert.Equal(999.0, s.P999Us);
        Assert.Equal(1000.0, s.MaxUs);
        Assert.Equal(500.5, s.MeanUs, 9);
    }

    [Fact]
    public void SummaryOfNoSamplesHasCountZeroAndNoFigures()
    {
        var s = Percentiles.Summarize(ReadOnlySpan<long>.Empty);
        Assert.Equal(0, s.Count);
        Assert.Equal(0.0, s.P50Us);
        Assert.Equal(0.0, s.MaxUs);
    }

    [Theory]
    [InlineData(63, new[] { "p90", "p99", "p999" })]
    [InlineData(64, new[] { "p99", "p999" })]
    [InlineData(661, new[] { "p99", "p999" })]
    [InlineData(662, new[] { "p999" })]
    [InlineData(6635, new[] { "p999" })]
    public void PercentilesBelowLoadGenMinimumSampleCountsAreMarkedNotEstablished(int samples, string[] expected)
    {
        var s = Percentiles.Summarize(Range(1, samples));
        Assert.Equal(expected, s.NotEstablished);
    }

    [Fact]
    public void AtLoadGenP999MinimumOf6636SamplesEveryPercentileIsEstablished()
    {
        Assert.Equal(64, Percentiles.MinSamplesP90);
        Assert.Equal(662, Percentiles.MinSamplesP99);
        Assert.Equal(6636, Percentiles.MinSamplesP999);
        var s = Percentiles.Summarize(Range(1, 6636));
        Assert.Null(s.NotEstablished);
    }

    [Fact]
    public void JitterOfExactlyPeriodicStartsIsZero()
    {
        const long period = 33_333_333;
        long[] starts = Enumerable.Range(0, 200).Select(i => 1_000_000 + i * period).ToArray();
        var j = JitterSummary.FromStarts(starts, period);
        Assert.Equal(199, j.Count);
        Assert.Equal(0.0, j.P50);
        Assert.Equal(0.0, j.P99);
        Assert.Equal(0.0, j.Max);
        Assert.Equal(0.0, j.Stddev);
    }

    [Fact]
    public void JitterOfAlternatingLateAndEarlyIntervalsHasP50MaxAndStddevOfTheDeviation()
    {
        // Intervals period+d, period-d, period+d, ... (an even number, so the signed mean is 0).
        const long period = 10_000_000, d = 250_000;
        var starts = new long[101];
        starts[0] = 5_000;
        for (int i = 1; i < starts.Length; i++) starts[i] = starts[i - 1] + period + (i % 2 == 1 ? d : -d);
        var j = JitterSummary.FromStarts(starts, period);
        Assert.Equal(100, j.Count);
        Assert.Equal(250.0, j.P50);
        Assert.Equal(250.0, j.P99);
        Assert.Equal(250.0, j.Max);
        Assert.Equal(250.0, j.Stddev, 6);
    }

    [Fact]
    public void JitterOfAConstantlyLongPeriodHasZeroStddevButAFullAbsoluteJitter()
    {
        // Every interval d too long: the signed jitter never varies (stddev 0), its absolute value is d.
        const long period = 1_000_000, d = 40_000;
        long[] starts = Enumerable.Range(0, 50).Select(i => i * (period + d)).ToArray();
        var j = JitterSummary.FromStarts(starts, period);
        Assert.Equal(40.0, j.P50);
        Assert.Equal(40.0, j.Max);
        Assert.Equal(0.0, j.Stddev, 9);
    }

    [Fact]
    public void JitterNeedsTwoStartsAndAPositivePeriod()
    {
        Assert.Equal(0, JitterSummary.FromStarts(new long[] { 5 }, 1000).Count);
        Assert.Equal(0, JitterSummary.FromStarts(new long[] { 0, 1000, 2000 }, 0).Count);
    }
}
