using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Bench.Charts;

/// <summary>
/// The bench's charts, each an SVG string. Every plotted series sits in a
/// <c>&lt;g data-chart="…" data-series="…"&gt;</c> group that says how many samples it draws, so a
/// test (or a script) can check what a picture holds, not only that it exists.
/// </summary>
public static class BenchCharts
{
    /// <summary>Points a CDF is thinned to (the maximum always among them).</summary>
    public const int CdfPoints = 600;
    /// <summary>Bins of a histogram.</summary>
    public const int HistogramBins = 40;
    /// <summary>Buckets a timeline is thinned to (each drawn by its minimum and maximum).</summary>
    public const int TimelineBuckets = 1500;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A named series of latency samples, µs.</summary>
    public sealed record Series(string Name, string Label, double[] ValuesUs);

    /// <summary>The empirical CDF of one or more series on a log latency axis, with the deadline when given.</summary>
    public static string Cdf(string title, IReadOnlyList<Series> series, double? deadlineUs, double width = 520, double height = 250)
    {
        double lo = double.PositiveInfinity, hi = 0;
        foreach (var s in series)
            foreach (double v in s.ValuesUs) { if (v > 0 && v < lo) lo = v; if (v > hi) hi = v; }
        if (double.IsPositiveInfinity(lo)) { lo = 0.01; hi = 1; }
        if (deadlineUs is double d && series.Count > 1) hi = Math.Max(hi, d);
        var plot = new Plot(width, height, title, "latency (µs, log scale)", "fraction of frames ≤ x", lo / 1.15, hi * 1.15, 0, 1, logX: true,
            attributes: $"data-chart=\"cdf\" data-series-count=\"{series.Count}\"");
        var svg = plot.Svg;
        if (deadlineUs is double dl && dl <= hi * 1.15)
            svg.Line(plot.X(dl), plot.AreaTop, plot.X(dl), plot.AreaBottom, "deadline", $"data-deadline-us=\"{Svg.N(dl)}\"");
        int k = 0;
        foreach (var s in series)
        {
            var sorted = (double[])s.ValuesUs.Clone();
            Array.Sort(sorted);
            var pts = ChartMath.Cdf(sorted, CdfPoints);
            var xs = new double[pts.Length * 2];
            var ys = new double[pts.Length * 2];
            // A step function: up at each sample.
            double prev = 0;
            for (int i = 0; i < pts.Length; i++)
            {
                xs[2 * i] = plot.X(pts[i].Value); ys[2 * i] = plot.Y(prev);
                xs[2 * i + 1] = plot.X(pts[i].Value); ys[2 * i + 1] = plot.Y(pts[i].Fraction);
                prev = pts[i].Fraction;
            }
            svg.Group($"data-series=\"{Svg.Escape(s.Name)}\" data-count=\"{sorted.Length}\" data-points=\"{pts.Length}\" data-max-us=\"{Svg.N(sorted.Length > 0 ? sorted[^1] : 0)}\"");
            svg.Polyline(xs, ys, $"s{k % 8}");
            if (sorted.Length > 0)
            {
                double p50 = Percentiles.NearestRank(ToNs(sorted), 50) / 1000.0, p99 = Percentiles.NearestRank(ToNs(sorted), 99) / 1000.0;
                svg.Circle(plot.X(p50), plot.Y(0.5), 3, $"s{k % 8} mark", string.Create(C, $"{s.Label} p50 {p50:0.0} µs"));
                svg.Circle(plot.X(p99), plot.Y(0.99), 3, $"s{k % 8} mark", string.Create(C, $"{s.Label} p99 {p99:0.0} µs"));
                svg.Circle(plot.X(sorted[^1]), plot.Y(1), 3, $"s{k % 8} mark", string.Create(C, $"{s.Label} max {sorted[^1]:0.0} µs"));
            }
            svg.End();
            k++;
        }
        Legend(plot, series);
        return svg.ToString();
    }

    /// <summary>A histogram of one series (linear bins from its minimum to its maximum; a bin with any sample is at least 1 px tall).</summary>
    public static string Histogram(string title, Series s, double width = 520, double height = 220, string xLabel = "latency (µs)")
    {
        // A long tail (max over 20× min) gets log-spaced bins on a log axis, so the body stays readable and the tail is still drawn.
        double min = double.PositiveInfinity, max = 0;
        foreach (double v in s.ValuesUs) { min = Math.Min(min, v); max = Math.Max(max, v); }
        bool log = min > 0 && max / min > 20;
        var bins = ChartMath.Histogram(s.ValuesUs, HistogramBins, log);
        int top = 1;
        foreach (int c in bins.Counts) top = Math.Max(top, c);
        double x0 = bins.Min, x1 = bins.Max > bins.Min ? bins.Max : bins.Min + 1;
        var plot = new Plot(width, height, title, log ? xLabel.Replace(")", ", log scale)", StringComparison.Ordinal) : xLabel, "frames",
            x0, x1, 0, top * 1.05, logX: log, attributes: $"data-chart=\"histogram\" data-log=\"{(log ? "true" : "false")}\"");
        var svg = plot.Svg;
        svg.Group($"data-series=\"{Svg.Escape(s.Name)}\" data-count=\"{s.ValuesUs.Length}\" data-bins=\"{bins.Counts.Length}\"");
        for (int b = 0; b < bins.Counts.Length; b++)
        {
            int c = bins.Counts[b];
            if (c == 0) continue;
            double a = bins.Edges[b], z = bins.Edges[b + 1] > a ? bins.Edges[b + 1] : x1;
            double xa = plot.X(a), xz = plot.X(z);
            double y = Math.Min(plot.Y(c), plot.AreaBottom - 1);
            svg.Rect(xa + 0.5, y, Math.Max(1, xz - xa - 1), plot.AreaBottom - y, "bar",
                string.Create(C, $"{a:0.0}–{z:0.0}: {c} frame{(c == 1 ? "" : "s")}"), $"data-n=\"{c}\"");
        }
        svg.End();
        return svg.ToString();
    }

    /// <summary>
    /// Every frame in run order: end-to-end, inference and the model-alone floor, with the deadline
    /// drawn, each miss marked, dropped ticks marked at the bottom and the warm-up shaded.
    /// </summary>
    /// <param name="records">Every frame, warm-up first.</param>
    /// <param name="warmup">Warm-up frames.</param>
    /// <param name="deadlineUs">The deadline.</param>
    /// <param name="width">Pixels.</param>
    /// <param name="height">Pixels.</param>
    /// <param name="causes">Each miss's cause by frame index (warm-up included), said in its mark's title; null: none recorded.</param>
    public static string Timeline(ReadOnlySpan<FrameRecord> records, int warmup, double deadlineUs, double width = 1060, double height = 300,
        IReadOnlyDictionary<int, string>? causes = null)
    {
        int n = records.Length;
        var e2e = new double[n];
        var infer = new double[n];
        var floor = new List<(int, double)>(n);
        double hi = deadlineUs;
        int misses = 0, dropped = 0;
        for (int i = 0; i < n; i++)
        {
            e2e[i] = records[i].EndToEndNs / 1000.0;
            infer[i] = (records[i].InferEndNs - records[i].PreprocessEndNs) / 1000.0;
            if (records[i].FloorNs > 0) floor.Add((i, records[i].FloorNs / 1000.0));
            hi = Math.Max(hi, Math.Max(e2e[i], records[i].FloorNs / 1000.0));
            if (i >= warmup && (records[i].Flags & FrameFlags.DeadlineMiss) != 0) misses++;
            if (i >= warmup && records[i].DroppedBefore > 0) dropped++;
        }
        var plot = new Plot(width, height, "Every frame: end-to-end latency against the deadline", "frame (warm-up shaded)", "latency (µs)",
            0, Math.Max(1, n - 1), 0, hi * 1.08, attributes: $"data-chart=\"timeline\" data-frames=\"{n}\" data-warmup=\"{warmup}\"");
        var svg = plot.Svg;
        if (warmup > 0)
        {
            svg.Rect(plot.AreaLeft, plot.AreaTop, plot.X(Math.Max(0, warmup - 0.5)) - plot.AreaLeft, plot.AreaHeight, "warmup", $"warm-up: {warmup} frames, not counted");
        }
        svg.Line(plot.AreaLeft, plot.Y(deadlineUs), plot.AreaLeft + plot.AreaWidth, plot.Y(deadlineUs), "deadline", $"data-deadline-us=\"{Svg.N(deadlineUs)}\"");
        svg.Text(plot.AreaLeft + plot.AreaWidth - 4, plot.Y(deadlineUs) - 4, string.Create(C, $"deadline {deadlineUs:0} µs"), "label deadline-label", "end");
        Line(plot, "end_to_end", e2e, "s0");
        Line(plot, "infer", infer, "s2");
        svg.Group($"data-series=\"floor\" data-count=\"{floor.Count}\"");
        if (floor.Count > 0)
        {
            var fv = new double[floor.Count];
            for (int i = 0; i < fv.Length; i++) fv[i] = floor[i].Item2;
            var pts = ChartMath.Envelope(fv, TimelineBuckets);
            var xs = new double[pts.Length];
            var ys = new double[pts.Length];
            for (int i = 0; i < pts.Length; i++) { xs[i] = plot.X(floor[pts[i].Index].Item1); ys[i] = plot.Y(pts[i].Value); }
            svg.Polyline(xs, ys, "s7 thin", $"data-points=\"{pts.Length}\"");
        }
        svg.End();
        svg.Group($"data-series=\"misses\" data-count=\"{misses}\"");
        for (int i = warmup; i < n; i++)
            if ((records[i].Flags & FrameFlags.DeadlineMiss) != 0)
                svg.Circle(plot.X(i), plot.Y(e2e[i]), 3.5, "miss", string.Create(C, $"frame {i - warmup}: {e2e[i]:0.0} µs, over the deadline")
                    + (causes is not null && causes.TryGetValue(i, out string? cause) ? ": " + cause : ""));
        svg.End();
        svg.Group($"data-series=\"dropped\" data-count=\"{dropped}\"");
        for (int i = warmup; i < n; i++)
            if (records[i].DroppedBefore > 0)
                svg.Rect(plot.X(i) - 1.5, plot.AreaBottom - 8, 3, 8, "drop", $"frame {i - warmup}: {records[i].DroppedBefore} period tick(s) dropped before it");
        svg.End();
        Legend(plot, new[] { new Series("end_to_end", "end-to-end", Array.Empty<double>()), new Series("", "", Array.Empty<double>()),
            new Series("infer", "infer", Array.Empty<double>()) }, extra: ("s7", "model alone (floor)"), misses: misses);
        return svg.ToString();
    }

    /// <summary>
    /// Period jitter of a periodic run: each start-to-start interval minus the period, in frame
    /// order; or, with no period, the start-to-start interval itself.
    /// </summary>
    public static string Jitter(ReadOnlySpan<FrameRecord> counted, long periodNs, double width = 1060, double height = 240)
    {
        int n = Math.Max(0, counted.Length - 1);
        var v = new double[n];
        double lo = 0, hi = 0;
        for (int i = 0; i < n; i++)
        {
            long d = counted[i + 1].StartNs - counted[i].StartNs - periodNs;
            v[i] = d / 1000.0;
            lo = Math.Min(lo, v[i]);
            hi = Math.Max(hi, v[i]);
        }
        string title = periodNs > 0 ? "Period jitter: start-to-start interval minus the period, per frame" : "Start-to-start interval per frame (no period in this scenario)";
        double pad = Math.Max(1, (hi - lo) * 0.06);
        var plot = new Plot(width, height, title, "counted frame", periodNs > 0 ? "jitter (µs)" : "interval (µs)",
            0, Math.Max(1, n), lo - pad, hi + pad, attributes: $"data-chart=\"jitter\" data-period-ns=\"{periodNs}\"");
        if (periodNs > 0) plot.Svg.Line(plot.AreaLeft, plot.Y(0), plot.AreaLeft + plot.AreaWidth, plot.Y(0), "zero");
        Line(plot, periodNs > 0 ? "jitter" : "interval", v, "s1", xOffset: 1);
        return plot.Svg.ToString();
    }

    /// <summary>Where the time goes: the mean of each stage as a share of the frame, one stacked bar, the floor beside it.</summary>
    public static string Breakdown(IReadOnlyList<(string Stage, double MeanUs)> stages, double floorMeanUs, double width = 1060, double height = 130)
    {
        double total = 0;
        foreach (var s in stages) total += s.MeanUs;
        double scaleMax = Math.Max(total, floorMeanUs) * 1.02;
        if (scaleMax <= 0) scaleMax = 1;
        var svg = new Svg(width, height, "data-chart=\"breakdown\"");
        const double left = 110, right = 20, barH = 34;
        double w = width - left - right;
        svg.Text(left, 18, "Where the time goes: mean per stage (the bar is the whole frame, capture included)", "title");
        svg.Text(left - 8, 36 + barH / 2 + 4, "pipeline", "tick", "end");
        double x = left;
        int k = 0;
        foreach (var (stage, mean) in stages)
        {
            double sw = w * mean / scaleMax;
            double pct = total > 0 ? 100 * mean / total : 0;
            svg.Rect(x, 36, sw, barH, $"f{k % 8}", string.Create(C, $"{stage}: {mean:0.0} µs mean ({pct:0.0}%)"),
                $"data-series=\"{Svg.Escape(stage)}\" data-mean-us=\"{Svg.N(mean)}\" data-share-pct=\"{Svg.N(pct)}\"");
            if (sw > 54) svg.Text(x + sw / 2, 36 + barH / 2 + 4, string.Create(C, $"{stage} {pct:0}%"), "inbar", "middle");
            x += sw;
            k++;
        }
        if (floorMeanUs > 0)
        {
            svg.Text(left - 8, 84 + 11 + 4, "model alone", "tick", "end");
            svg.Rect(left, 84, w * floorMeanUs / scaleMax, 22, "f7", string.Create(C, $"model alone (floor): {floorMeanUs:0.0} µs mean"),
                $"data-series=\"floor\" data-mean-us=\"{Svg.N(floorMeanUs)}\"");
        }
        svg.Text(left, height - 6, string.Create(C, $"0 µs … {scaleMax:0.0} µs"), "tick");
        return svg.ToString();
    }

    /// <summary>
    /// The machine and the process under the timeline, on its axis (frame index, so a spike lines up
    /// with the frames it touched): one panel per unit — the process's CPU use, its resident memory,
    /// the machine's I/O wait and pressure stalls, the hottest thermal zone, the pipeline core's
    /// frequency — each only when the run has it. A sample is placed at the frame that started when
    /// it was taken. Empty when no sample falls within the run.
    /// </summary>
    public static string Resources(ReadOnlySpan<FrameRecord> records, ResourceReport resources, long runStartNs, double width = 1060, double height = 150)
    {
        ArgumentNullException.ThrowIfNull(resources);
        int n = records.Length;
        if (n == 0) return "";
        var at = new List<double>();
        var points = new List<ResourcePoint>();
        foreach (ResourcePoint p in resources.Trace)
        {
            double x = FrameAt(records, runStartNs + (long)(p.AtMs * 1e6));
            if (x < 0) continue;
            at.Add(x);
            points.Add(p);
        }
        if (points.Count == 0) return "";
        var sb = new System.Text.StringBuilder();
        double[] Of(Func<ResourcePoint, double?> f)
        {
            var v = new double[points.Count];
            for (int i = 0; i < v.Length; i++) v[i] = f(points[i]) ?? double.NaN;
            return v;
        }
        void Panel(string chart, string title, string yLabel, params (string Name, string Label, double[] Values, string Cls)[] series)
        {
            double hi = 0;
            bool any = false;
            foreach (var s in series)
                foreach (double v in s.Values)
                    if (!double.IsNaN(v)) { any = true; hi = Math.Max(hi, v); }
            if (!any) return;
            var plot = new Plot(width, height, title, "frame (the timeline's axis)", yLabel, 0, Math.Max(1, n - 1), 0, hi > 0 ? hi * 1.1 : 1,
                attributes: $"data-chart=\"{chart}\" data-samples=\"{points.Count}\"");
            int k = 0;
            var legend = new List<Series>();
            foreach (var (name, label, values, cls) in series)
            {
                var xs = new List<double>();
                var ys = new List<double>();
                for (int i = 0; i < values.Length; i++)
                    if (!double.IsNaN(values[i])) { xs.Add(plot.X(at[i])); ys.Add(plot.Y(values[i])); }
                plot.Svg.Group($"data-series=\"{name}\" data-count=\"{xs.Count}\"");
                if (xs.Count > 0) plot.Svg.Polyline(xs.ToArray(), ys.ToArray(), cls);
                for (int i = 0; i < xs.Count && xs.Count <= 400; i++) plot.Svg.Circle(xs[i], ys[i], 1.8, cls + " mark", label);
                plot.Svg.End();
                legend.Add(new Series(name, label, Array.Empty<double>()));
                k++;
            }
            if (legend.Count > 1) Legend(plot, legend);
            sb.Append(plot.Svg.ToString());
        }
        Panel("resource-cpu", "The process's CPU use (cores), each sample interval", "cores", ("process_cpu", "process CPU", Of(p => p.ProcessCpu), "s0"));
        Panel("resource-rss", "The process's resident memory", "MB", ("rss", "RSS", Of(p => p.RssMb), "s0"));
        Panel("resource-stall", "The machine: I/O wait, and the share of each interval some task stalled (PSI)", "% of the interval",
            ("iowait", "I/O wait", Of(p => p.IoWait * 100), "s0"), ("cpu_pressure", "CPU pressure", Of(p => p.CpuPressure * 100), "s1"),
            ("memory_pressure", "memory pressure", Of(p => p.MemoryPressure * 100), "s2"), ("io_pressure", "I/O pressure", Of(p => p.IoPressure * 100), "s3"));
        Panel("resource-temperature", "The hottest thermal zone", "°C", ("temperature", "temperature", Of(p => p.TemperatureC), "s4"));
        Panel("resource-frequency", "The pipeline core's frequency", "% of its maximum", ("frequency", "frequency", Of(p => p.FrequencyRatio * 100), "s5"));
        return sb.ToString();
    }

    /// <summary>The (fractional) index of the frame running at <paramref name="ns"/>; -1 outside the run (more than a frame before or after).</summary>
    private static double FrameAt(ReadOnlySpan<FrameRecord> records, long ns)
    {
        int n = records.Length;
        long first = records[0].StartNs, last = records[n - 1].StartNs + Math.Max(0, records[n - 1].EndToEndNs);
        if (ns < first || ns > last + 1_000_000_000) return -1;
        if (ns >= records[n - 1].StartNs) return n - 1;
        int lo = 0, hi = n - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (records[mid].StartNs <= ns) lo = mid; else hi = mid;
        }
        long span = records[hi].StartNs - records[lo].StartNs;
        return lo + (span > 0 ? (double)(ns - records[lo].StartNs) / span : 0);
    }

    private static void Line(Plot plot, string name, double[] values, string cls, int xOffset = 0)
    {
        var pts = ChartMath.Envelope(values, TimelineBuckets);
        var xs = new double[pts.Length];
        var ys = new double[pts.Length];
        for (int i = 0; i < pts.Length; i++) { xs[i] = plot.X(pts[i].Index + xOffset); ys[i] = plot.Y(pts[i].Value); }
        plot.Svg.Group($"data-series=\"{name}\" data-count=\"{values.Length}\" data-points=\"{pts.Length}\"");
        plot.Svg.Polyline(xs, ys, cls);
        plot.Svg.End();
    }

    private static void Legend(Plot plot, IReadOnlyList<Series> series, (string Cls, string Label)? extra = null, int misses = -1)
    {
        // One row, right-aligned above the plot area, after the title.
        var items = new List<(string Cls, string Label, bool Dot)>();
        for (int k = 0; k < series.Count; k++) if (series[k].Label.Length > 0) items.Add(($"s{k % 8}", series[k].Label, false));
        if (extra is { } e) items.Add((e.Cls, e.Label, false));
        if (misses >= 0) items.Add(("miss", $"deadline miss ({misses})", true));
        if (items.Count < 2 && misses < 0) return;
        double width = 0;
        foreach (var it in items) width += 34 + 6.2 * it.Label.Length;
        var svg = plot.Svg;
        double x = plot.AreaLeft + plot.AreaWidth - width, y = 18;
        foreach (var it in items)
        {
            if (it.Dot) svg.Circle(x + 9, y - 4, 3.5, it.Cls);
            else svg.Line(x, y - 4, x + 18, y - 4, it.Cls, "stroke-width=\"2\"");
            svg.Text(x + 22, y, it.Label, "legend");
            x += 34 + 6.2 * it.Label.Length;
        }
    }

    private static long[] ToNs(double[] sortedUs)
    {
        var ns = new long[sortedUs.Length];
        for (int i = 0; i < ns.Length; i++) ns[i] = (long)Math.Round(sortedUs[i] * 1000);
        return ns;
    }
}
