using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Timing;
using Realtime.Hosting.Telemetry;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// The text Prometheus scrapes: HELP and TYPE once per family, escaped labels, and a histogram whose
/// buckets, read the way Prometheus's histogram_quantile reads them (linear within a bucket), give
/// every quantile within the stated error of the exact nearest rank.
/// </summary>
public sealed class PrometheusTextTests
{
    /// <summary>histogram_quantile as Prometheus computes it from cumulative (le, count) pairs.</summary>
    internal static double HistogramQuantile(double q, List<(double Le, double Count)> buckets)
    {
        double total = buckets[^1].Count;
        double rank = q * total;
        for (int i = 0; i < buckets.Count; i++)
        {
            if (buckets[i].Count < rank) continue;
            if (double.IsPositiveInfinity(buckets[i].Le)) return buckets[i - 1].Le;
            double lowerLe = i == 0 ? 0 : buckets[i - 1].Le, lowerCount = i == 0 ? 0 : buckets[i - 1].Count;
            return lowerLe + (buckets[i].Le - lowerLe) * (rank - lowerCount) / (buckets[i].Count - lowerCount);
        }
        return double.NaN;
    }

    internal static List<(double Le, double Count)> Buckets(string text, string name)
    {
        var list = new List<(double, double)>();
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "_bucket{", StringComparison.Ordinal)) continue;
            int le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            string bound = line[le..line.IndexOf('"', le)];
            double count = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            list.Add((bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture), count));
        }
        return list;
    }

    [Fact]
    public void AHistogramsBucketsGiveEveryQuantileWithinTheStatedErrorAsPrometheusReadsThem()
    {
        var random = new Random(7);
        var h = new LatencyHistogram();
        var samples = new long[50_000];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = random.Next(50) == 0 ? random.NextInt64(3_000_000, 9_000_000) : random.NextInt64(800_000, 1_400_000);
            h.Record(samples[i]);
        }
        Array.Sort(samples);
        var text = new PrometheusText();
        text.Histogram("rtapp_end_to_end_seconds", "Capture to actuation.", h.Snapshot(), PrometheusText.Labels(("board", "a")));
        string s = text.ToString();
        Assert.StartsWith("# HELP rtapp_end_to_end_seconds Capture to actuation.\n# TYPE rtapp_end_to_end_seconds histogram\n", s, StringComparison.Ordinal);
        Assert.Contains("rtapp_end_to_end_seconds_count{board=\"a\"} 50000\n", s, StringComparison.Ordinal);
        Assert.Contains("rtapp_end_to_end_seconds_bucket{board=\"a\",le=\"+Inf\"} 50000\n", s, StringComparison.Ordinal);
        var buckets = Buckets(s, "rtapp_end_to_end_seconds");
        for (int i = 1; i < buckets.Count; i++)
        {
            Assert.True(buckets[i].Le > buckets[i - 1].Le, $"le goes up: {buckets[i - 1].Le} then {buckets[i].Le}");
            Assert.True(buckets[i].Count >= buckets[i - 1].Count, "cumulative");
        }
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            double exact = Percentiles.NearestRank(samples, q * 100) / 1e9;
            double read = HistogramQuantile(q, buckets);
            Assert.True(Math.Abs(read - exact) <= PrometheusText.ExposedRelativeError * exact, $"q {q}: {read} s against {exact} s");
        }
    }

    [Fact]
    public void FamiliesAreDeclaredOnceLabelsAreEscapedAndBadNamesAreRefused()
    {
        var text = new PrometheusText();
        text.Counter("rtapp_deadline_misses_total", "Frames that missed.", 3, PrometheusText.Labels(("loop", "a")));
        text.Counter("rtapp_deadline_misses_total", "Frames that missed.", 4, PrometheusText.Labels(("loop", "b\"c\\d\ne")));
        text.Gauge("rtapp_temperature_celsius", "Hottest zone.", double.NaN);
        text.Histogram("rtapp_empty_seconds", "Nothing yet.", new LatencyHistogram().Snapshot());
        string s = text.ToString();
        Assert.Equal(
            "# HELP rtapp_deadline_misses_total Frames that missed.\n# TYPE rtapp_deadline_misses_total counter\n" +
            "rtapp_deadline_misses_total{loop=\"a\"} 3\nrtapp_deadline_misses_total{loop=\"b\\\"c\\\\d\\ne\"} 4\n" +
            "# HELP rtapp_temperature_celsius Hottest zone.\n# TYPE rtapp_temperature_celsius gauge\nrtapp_temperature_celsius NaN\n" +
            "# HELP rtapp_empty_seconds Nothing yet.\n# TYPE rtapp_empty_seconds histogram\n" +
            "rtapp_empty_seconds_bucket{le=\"+Inf\"} 0\nrtapp_empty_seconds_sum 0\nrtapp_empty_seconds_count 0\n", s);
        Assert.Throws<ArgumentException>(() => text.Gauge("rtapp-bad", "x", 1));
        Assert.Throws<ArgumentException>(() => PrometheusText.Labels(("__reserved", "x")));
        Assert.Throws<ArgumentException>(() => PrometheusText.Labels(("9lives", "x")));
        text.Clear();
        Assert.Equal("", text.ToString());
    }
}
