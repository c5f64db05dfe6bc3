using System;
using System.Collections.Generic;
using Realtime.Onnx.Offload;
using Realtime.Tests;

namespace Realtime.Onnx.Tests;

/// <summary>
/// The p99 of a sliding window that offload decides by: equal to the nearest-rank p99 of the last window's samples
/// (sorted afresh) after every sample, on seeded sequences with repeats, for windows from 1 to 200, and adding
/// allocates nothing (a local run adds one on the loop's thread every frame the server is not used).
/// </summary>
public sealed class RecentPercentileTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(200)]
    public void EverySampleLeavesTheNearestRankP99OfTheLastWindow(int window)
    {
        var p = new RecentPercentile(window);
        var all = new List<long>();
        var rng = new Random(window);
        for (int i = 0; i < 3 * window + 50; i++)
        {
            // Repeats and a slow spell: values drawn from few levels, with an outlier now and then.
            long v = rng.Next(0, 8) * 100 + (i % 37 == 0 ? 1_000_000 : 0);
            all.Add(v);
            long got = p.Add(v);
            int n = Math.Min(all.Count, window);
            var last = all.GetRange(all.Count - n, n);
            last.Sort();
            long want = last[Math.Max(0, (int)Math.Ceiling(0.99 * n) - 1)];
            Assert.True(want == got, $"window {window}, sample {i}: p99 {got}, the last {n} sorted give {want}");
            Assert.Equal(got, p.P99);
        }
        Assert.Equal(3 * window + 50, p.Count);
    }

    [Fact]
    public void AddingAllocatesNothing()
    {
        var p = new RecentPercentile(32);
        for (int k = 0; k < 100; k++) p.Add(k);
        int i = 0;
        Assert.Equal(0, ThreadAllocations.Least(() => p.Add((i++ * 7919) % 5000), n: 100_000, warm: 0));
    }
}
