using System;
using System.Globalization;
using System.Text;
using Realtime.Core.Timing;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// Prometheus's text exposition format (version 0.0.4), written on the telemetry thread into one
/// reused buffer: counters, gauges and histograms, with a metric family's HELP and TYPE written once.
/// A <see cref="LatencyHistogram"/> is exposed in seconds with a bucket at every one of its own bucket
/// bounds between its lowest and highest counted value, so <c>histogram_quantile</c> (linear within a
/// bucket no wider than 1/128 of its value) agrees with the run's own quantiles within
/// <see cref="ExposedRelativeError"/>.
/// </summary>
public sealed class PrometheusText
{
    /// <summary>The largest relative error of a quantile Prometheus computes from the exposed buckets.</summary>
    public const double ExposedRelativeError = 1.0 / LatencyHistogram.SubBuckets;

    // One reused buffer, grown only when a bigger exposition comes: numbers are formatted into it in
    // place, so a scrape every 100 ms for months allocates nothing (and wakes no GC) once it has grown.
    private char[] _text = new char[16 * 1024];
    private int _length;
    private string? _family;

    /// <summary>What has been written since the last <see cref="Clear"/>.</summary>
    public override string ToString() => new(_text, 0, _length);

    /// <summary>The text itself (the server encodes it without making a string of it).</summary>
    public ReadOnlyMemory<char> Text => _text.AsMemory(0, _length);

    /// <summary>Starts again (the buffer is kept).</summary>
    public void Clear()
    {
        _length = 0;
        _family = null;
    }

    /// <summary>A counter's sample (<paramref name="name"/> ends in <c>_total</c>, by convention).</summary>
    public void Counter(string name, string help, double value, string labels = "") => Sample(name, "counter", help, value, labels);

    /// <summary>A gauge's sample.</summary>
    public void Gauge(string name, string help, double value, string labels = "") => Sample(name, "gauge", help, value, labels);

    /// <summary>A histogram of nanosecond values, exposed in seconds (<paramref name="name"/> ends in <c>_seconds</c>).</summary>
    public void Histogram(string name, string help, HistogramSnapshot snapshot, string labels = "")
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Family(name, "histogram", help);
        long[] counts = snapshot.Counts;
        int lowest = -1, highest = -1;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) continue;
            if (lowest < 0) lowest = i;
            highest = i;
        }
        long cumulative = 0;
        if (lowest >= 0)
        {
            // The bucket below the lowest one counted, so the first interpolation starts at its true lower bound.
            if (lowest > 0) Bucket(name, labels, LatencyHistogram.UpperBoundNs(lowest - 1), 0);
            for (int i = lowest; i <= highest && i < LatencyHistogram.BucketCount - 1; i++)
            {
                cumulative += counts[i];
                Bucket(name, labels, LatencyHistogram.UpperBoundNs(i), cumulative);
            }
        }
        Append(name); Append("_bucket{"); Append(labels); Append(labels.Length > 0 ? "," : ""); Append("le=\"+Inf\"} ");
        Append(snapshot.Count); Append("\n");
        Line(name, "_sum", labels, snapshot.SumNs / 1e9);
        Line(name, "_count", labels, snapshot.Count);
    }

    /// <summary>Labels as Prometheus writes them: <c>stage="infer",board="a"</c>, values escaped.</summary>
    public static string Labels(params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sb = new StringBuilder();
        foreach (var (n, v) in labels)
        {
            if (!IsName(n, label: true)) throw new ArgumentException($"'{n}' is not a Prometheus label name", nameof(labels));
            if (sb.Length > 0) sb.Append(',');
            sb.Append(n).Append("=\"");
            foreach (char c in v)
            {
                if (c == '\\') sb.Append("\\\\");
                else if (c == '"') sb.Append("\\\"");
                else if (c == '\n') sb.Append("\\n");
                else sb.Append(c);
            }
            sb.Append('"');
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a valid metric (or label) name.</summary>
    public static bool IsName(string name, bool label = false)
    {
        if (string.IsNullOrEmpty(name)) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' || (!label && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return !(label && name.StartsWith("__", StringComparison.Ordinal));
    }

    private void Sample(string name, string type, string help, double value, string labels)
    {
        Family(name, type, help);
        Line(name, "", labels, value);
    }

    private void Family(string name, string type, string help)
    {
        if (ReferenceEquals(name, _family) || name == _family) return;
        if (!IsName(name)) throw new ArgumentException($"'{name}' is not a Prometheus metric name", nameof(name));
        _family = name;
        Append("# HELP "); Append(name); Append(" ");
        foreach (char c in help)
        {
            if (c == '\\') Append("\\\\");
            else if (c == '\n') Append("\\n");
            else Append(new ReadOnlySpan<char>(in c));
        }
        Append("\n# TYPE "); Append(name); Append(" "); Append(type); Append("\n");
    }

    private void Bucket(string name, string labels, long upperNs, long cumulative)
    {
        Append(name); Append("_bucket{"); Append(labels); Append(labels.Length > 0 ? "," : ""); Append("le=\"");
        Append(upperNs / 1e9); Append("\"} "); Append(cumulative); Append("\n");
    }

    private void Line(string name, string suffix, string labels, double value)
    {
        Append(name); Append(suffix);
        if (labels.Length > 0) { Append("{"); Append(labels); Append("}"); }
        Append(" "); Append(value); Append("\n");
    }

    private void Append(ReadOnlySpan<char> s)
    {
        Room(s.Length);
        s.CopyTo(_text.AsSpan(_length));
        _length += s.Length;
    }

    private void Append(long v)
    {
        Room(20);
        v.TryFormat(_text.AsSpan(_length), out int n, provider: CultureInfo.InvariantCulture);
        _length += n;
    }

    // Prometheus's spellings of the infinities and NaN; otherwise the shortest text that reads back equal.
    private void Append(double v)
    {
        if (double.IsPositiveInfinity(v)) { Append("+Inf"); return; }
        if (double.IsNegativeInfinity(v)) { Append("-Inf"); return; }
        if (double.IsNaN(v)) { Append("NaN"); return; }
        Room(32);
        v.TryFormat(_text.AsSpan(_length), out int n, "R", CultureInfo.InvariantCulture);
        _length += n;
    }

    private void Room(int more)
    {
        if (_length + more <= _text.Length) return;
        Array.Resize(ref _text, Math.Max(_length + more, _text.Length * 2));
    }
}
