using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Bench.Charts;

/// <summary>What one bench page shows.</summary>
public sealed class BenchPage
{
    /// <summary>The run's report (the JSON contract's figures).</summary>
    public required RunReport Report { get; init; }
    /// <summary>The bench's own figures.</summary>
    public required BenchExtras Extras { get; init; }
    /// <summary>Every frame, warm-up first.</summary>
    public required FrameRecord[] Records { get; init; }
    /// <summary>Warm-up frames at the start of <see cref="Records"/>.</summary>
    public int WarmupFrames { get; init; }
    /// <summary>The nominal period in a periodic run, else 0.</summary>
    public long PeriodNs { get; init; }
    /// <summary>The naive loop's frames (<c>--compare naive</c>), warm-up first.</summary>
    public FrameRecord[]? NaiveRecords { get; init; }
    /// <summary>Warm-up frames at the start of <see cref="NaiveRecords"/>.</summary>
    public int NaiveWarmupFrames { get; init; }
    /// <summary>The baseline's end-to-end latencies, ns (<c>--baseline</c>).</summary>
    public long[]? BaselineNs { get; init; }
    /// <summary>Monotonic time the report's resource trace is measured from (its <c>at_ms</c> 0).</summary>
    public long ResourcesStartNs { get; init; }
}

/// <summary>
/// One self-contained HTML page per run: tables and inline SVG charts, no script, no external
/// file. Well-formed XML throughout, so tools (and the tests) can read it back.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private const string Css = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2733; max-width: 1100px; }
        h1 { font-size: 21px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d5dbe2; padding-bottom: 3px; }
        .facts { color: #4a5868; margin: 2px 0; } .bad { color: #b3261e; font-weight: 600; } .good { color: #17703a; font-weight: 600; }
        table { border-collapse: collapse; margin: 6px 0; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #e6e9ee; }
        th:first-child, td:first-child { text-align: left; } th { background: #f3f5f8; font-weight: 600; } td.ne { color: #9aa4af; }
        .cards { display: flex; flex-wrap: wrap; gap: 8px; } .card { border: 1px solid #e2e6eb; border-radius: 6px; padding: 6px; }
        .note { color: #5b6877; font-size: 13px; } svg { display: block; }
        svg .title { font-size: 13px; font-weight: 600; fill: #1d2733; } svg .tick { font-size: 10.5px; fill: #5b6877; }
        svg .axis { font-size: 11.5px; fill: #3a4756; } svg .legend { font-size: 11.5px; fill: #3a4756; } svg .label { font-size: 11px; }
        svg .area { fill: #fbfcfd; stroke: #cfd6de; } svg .grid { stroke: #e8ecf0; stroke-width: 1; }
        svg .deadline { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 4; } svg .deadline-label { fill: #c62828; }
        svg .zero { stroke: #8a96a3; stroke-width: 1; } svg polyline { fill: none; stroke-width: 1.4; } svg .thin { stroke-width: 1; opacity: 0.8; }
        svg .s0 { stroke: #1f6feb; fill: #1f6feb; } svg .s1 { stroke: #8250df; fill: #8250df; } svg .s2 { stroke: #d97706; fill: #d97706; }
        svg .s3 { stroke: #0e9f6e; fill: #0e9f6e; } svg .s4 { stroke: #db2777; fill: #db2777; } svg .s5 { stroke: #0891b2; fill: #0891b2; }
        svg .s6 { stroke: #65a30d; fill: #65a30d; } svg .s7 { stroke: #6b7280; fill: #6b7280; } svg polyline.s0, svg polyline.s1, svg polyline.s2, svg polyline.s3, svg polyline.s4, svg polyline.s5, svg polyline.s6, svg polyline.s7 { fill: none; }
        svg .f0 { fill: #64748b; } svg .f1 { fill: #8250df; } svg .f2 { fill: #1f6feb; } svg .f3 { fill: #d97706; } svg .f4 { fill: #0e9f6e; } svg .f5 { fill: #db2777; } svg .f6 { fill: #0891b2; } svg .f7 { fill: #9ca3af; }
        svg .inbar { font-size: 11.5px; fill: #fff; font-weight: 600; } svg .bar { fill: #1f6feb; opacity: 0.85; }
        svg .mark { stroke: #fff; stroke-width: 1; } svg .warmup { fill: #eef0f3; } svg .miss { fill: none; stroke: #c62828; stroke-width: 1.6; } svg .drop { fill: #f59e0b; }
        """;

    /// <summary>Renders the page.</summary>
    public static string Render(BenchPage page)
    {
        var r = page.Report;
        var x = page.Extras;
        var sb = new StringBuilder(1 << 16);
        string title = $"rtapp bench — {r.Board} / {r.Demo} / {r.Model} — {r.Scenario}";
        sb.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><title>")
          .Append(E(title)).Append("</title><style>").Append(Css).Append("</style></head><body>");
        sb.Append("<h1>").Append(E(title)).Append("</h1>");
        Facts(sb, r, x);

        var counted = page.Records.AsSpan(page.WarmupFrames);
        var stageNs = BenchReports.StageSamples(counted);
        var summaries = new[] { r.Stages.Capture, r.Stages.Preprocess, r.Stages.Infer, r.Stages.Decode, r.Stages.Control, r.Stages.Actuate };

        sb.Append("<h2>Latency per stage</h2>");
        sb.Append("<table><tr><th>µs</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th><th>frames</th></tr>");
        for (int s = 0; s < 6; s++) Row(sb, BenchReports.StageNames[s], summaries[s]);
        Row(sb, "end-to-end", r.EndToEnd);
        if (r.Floor is not null) Row(sb, "model alone (floor)", r.Floor);
        Row(sb, "warm-up end-to-end", r.WarmupEndToEnd);
        sb.Append("</table>");
        sb.Append("<p class=\"note\">Nearest-rank percentiles over every counted frame (no sampling, nothing dropped). Grey figures are not established: fewer samples than MLPerf LoadGen's rule needs (64 for p90, 662 for p99, 6,636 for p99.9).</p>");
        if (r.OverheadVsFloor is { } o)
            sb.Append("<p>").Append(string.Create(C, $"Framework overhead against the model alone, measured in this run: p50 {o.P50Ratio:0.000}× (+{o.P50DeltaUs:0.0} µs), p99 {o.P99Ratio:0.000}× (+{o.P99DeltaUs:0.0} µs). "))
              .Append(E(x.FloorMode)).Append(".</p>");

        var breakdown = new List<(string, double)>();
        for (int s = 0; s < 6; s++) breakdown.Add((BenchReports.StageNames[s], summaries[s].MeanUs));
        sb.Append(BenchCharts.Breakdown(breakdown, r.Floor?.MeanUs ?? 0));

        sb.Append("<h2>Every frame</h2>");
        Dictionary<int, string>? causes = null;
        if (r.MissCauses is { } mc)
        {
            causes = new Dictionary<int, string>();
            foreach (var m in mc.Frames) causes[m.Frame] = m.Cause + (m.Machine is null ? "" : $" (machine: {m.Machine})");
        }
        sb.Append(BenchCharts.Timeline(page.Records, page.WarmupFrames, r.DeadlineUs, causes: causes));
        if (r.Resources is { } res) sb.Append(BenchCharts.Resources(page.Records, res, page.ResourcesStartNs));
        sb.Append("<p class=\"note\">").Append(string.Create(C,
            $"{r.DeadlineMisses} deadline miss(es) of {r.Frames} counted frames (red circles, each titled with its cause), {r.DroppedFrames} dropped period tick(s) (orange marks), {r.HeldFrames} held command(s). A timeline of more than {2 * BenchCharts.TimelineBuckets} frames is drawn by each bucket's minimum and maximum, so no spike is lost."))
          .Append(r.Resources is { } rs ? string.Create(C, $" Under it, the machine and the process sampled every {rs.PeriodS:0.###} s on the same frame axis, so a latency spike lines up with what the machine was doing.") : "")
          .Append("</p>");
        if (r.MissCauses is { ByCause.Count: > 0 } byCause)
        {
            sb.Append("<p>Misses by cause: ");
            bool first = true;
            foreach (var (cause, count) in byCause.ByCause)
            {
                sb.Append(first ? "" : ", ").Append(E(cause)).Append(' ').Append(count.ToString(C));
                first = false;
            }
            sb.Append(".</p>");
        }

        sb.Append(page.PeriodNs > 0 ? "<h2>Period jitter</h2>" : "<h2>Frame intervals</h2>");
        sb.Append(BenchCharts.Jitter(counted, page.PeriodNs));
        if (r.PeriodJitterUs is { Count: > 0 } j)
            sb.Append("<p>").Append(string.Create(C, $"|jitter| p50 {j.P50:0.0} µs, p99 {j.P99:0.0} µs, max {j.Max:0.0} µs; standard deviation {j.Stddev:0.0} µs over {j.Count} intervals.")).Append("</p>");
        if (page.PeriodNs > 0 && counted.Length > 1)
        {
            var jit = new double[counted.Length - 1];
            for (int i = 0; i < jit.Length; i++) jit[i] = (counted[i + 1].StartNs - counted[i].StartNs - page.PeriodNs) / 1000.0;
            sb.Append(BenchCharts.Histogram("Period jitter histogram (signed)", new BenchCharts.Series("jitter", "jitter", jit), 1060, 200, "jitter (µs)"));
        }

        sb.Append("<h2>Latency distribution of each stage</h2><div class=\"cards\">");
        for (int s = 0; s < 6; s++) Card(sb, BenchReports.StageNames[s], BenchReports.StageNames[s], Us(stageNs[s]), null);
        var e2e = new double[counted.Length];
        var floor = new List<double>(counted.Length);
        for (int i = 0; i < counted.Length; i++)
        {
            e2e[i] = counted[i].EndToEndNs / 1000.0;
            if (counted[i].FloorNs > 0) floor.Add(counted[i].FloorNs / 1000.0);
        }
        Card(sb, "end_to_end", "end-to-end", e2e, r.DeadlineUs);
        if (floor.Count > 0) Card(sb, "floor", "model alone (floor)", floor.ToArray(), null);
        sb.Append("</div>");

        if (x.CompareNaive is { } cmp && page.NaiveRecords is not null) Naive(sb, page, cmp, e2e);
        if (x.Baseline is { } baseline && page.BaselineNs is { } baselineNs) Baseline(sb, page, baseline, baselineNs, e2e);

        sb.Append("<h2>Warm-up, reported apart</h2><table><tr><th>µs</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th><th>frames</th></tr>");
        foreach (var kv in x.WarmupStages) Row(sb, kv.Key, kv.Value);
        sb.Append("</table>");
        sb.Append("<p>").Append(string.Create(C, $"Cold start of this process: model load {r.ColdStartMs.ModelLoad:0.0} ms, first inference {r.ColdStartMs.FirstInference:0.0} ms"));
        if (r.ColdStartMs.ProcessToFirstActuation > 0) sb.Append(string.Create(C, $", process start to first actuation {r.ColdStartMs.ProcessToFirstActuation:0.0} ms ({r.ColdStartMs.ProcessStartSource})"));
        sb.Append(".</p>");

        sb.Append("<h2>How this was measured</h2><p class=\"note\">");
        sb.Append(E("Every stage ends with a CLOCK_MONOTONIC stamp into a preallocated record; the figures are computed after the run. "));
        if (x.StampCost is { } sc) sb.Append(E(string.Create(C, $"One stamp costs {sc.P50Ns:0.0} ns here (median of {sc.Repetitions} × {sc.StampsPerRepetition:N0} back-to-back stamps; {sc.StampsPerFrame}). ")));
        sb.Append(E(string.Create(C, $"Managed allocation on the pipeline thread over the counted frames: {r.AllocBytesPerFrame:0.###} bytes/frame; {r.GcCollections} GC collection(s); {r.GcPauseMs:0.###} ms GC pause. ")));
        sb.Append(E($"Scheduling obtained: {r.Scheduling.Policy} priority {r.Scheduling.Priority}, cores [{string.Join(",", r.Scheduling.Affinity)}], mlockall {(r.Scheduling.Mlockall ? "on" : "off")}"));
        foreach (string note in r.Scheduling.Notes) sb.Append("; ").Append(E(note));
        sb.Append(". ");
        foreach (string note in x.Notes) sb.Append(E(note)).Append(' ');
        sb.Append("</p></body></html>\n");
        return sb.ToString();
    }

    private static void Facts(StringBuilder sb, RunReport r, BenchExtras x)
    {
        string misses = r.DeadlineMisses == 0 ? "<span class=\"good\">0 deadline misses</span>" : $"<span class=\"bad\">{r.DeadlineMisses} deadline misses</span>";
        sb.Append("<p class=\"facts\">").Append(string.Create(C, $"{r.Frames} counted frames after {r.WarmupFrames} warm-up · {E(r.Outcome)} · rate {r.RateHz:0.##} Hz · deadline {r.DeadlineUs} µs · ")).Append(misses)
          .Append(string.Create(C, $" · {r.DroppedFrames} dropped · throughput {x.ThroughputFps:0.0} frames/s · {r.AllocBytesPerFrame:0.###} B/frame allocated, {r.GcCollections} GC")).Append("</p>");
        sb.Append("<p class=\"facts\">").Append(E($"{r.Machine.Cores} cores, {r.Machine.Arch}, kernel {r.Machine.Kernel}{(r.Machine.PreemptRt ? " (PREEMPT_RT)" : "")}, governor {r.Machine.Governor ?? "none"}; " +
            $"pipeline thread {r.Scheduling.Policy} {r.Scheduling.Priority} on cores [{string.Join(",", r.Scheduling.Affinity)}]; rtapp {r.Version}")).Append("</p>");
        if (r.Fault is not null) sb.Append("<p class=\"bad\">").Append(E("fault: " + r.Fault)).Append("</p>");
    }

    private static void Card(StringBuilder sb, string id, string label, double[] valuesUs, double? deadlineUs)
    {
        var s = new BenchCharts.Series(id, label, valuesUs);
        sb.Append("<div class=\"card\" id=\"stage-").Append(E(id)).Append("\">");
        sb.Append(BenchCharts.Cdf($"{label}: CDF", new[] { s }, deadlineUs, 520, 230));
        sb.Append(BenchCharts.Histogram($"{label}: histogram", s, 520, 190));
        sb.Append("</div>");
    }

    private static void Naive(StringBuilder sb, BenchPage page, NaiveComparison cmp, double[] e2eOptimized)
    {
        sb.Append("<h2>Against the naive loop (same process, same run)</h2>");
        sb.Append("<p>").Append(E(cmp.Description)).Append(' ').Append(E(cmp.Interleaving)).Append("</p>");
        sb.Append("<table><tr><th></th><th>B/frame</th><th>GC (gen2)</th><th>GC pause ms</th><th>e2e p50</th><th>e2e p99</th><th>e2e p99.9</th><th>e2e max</th><th>infer p99</th><th>misses</th><th>frames</th></tr>");
        foreach (var (name, f) in new[] { ("optimized (IoBinding, preallocated)", cmp.Optimized), ("naive (convenience API, per-frame arrays)", cmp.Naive) })
            sb.Append("<tr><td>").Append(E(name)).Append("</td>").Append(string.Create(C,
                $"<td>{f.AllocBytesPerFrame:0.#}</td><td>{f.GcCollections} ({f.Gen2Collections})</td><td>{f.GcPauseMs:0.###}</td><td>{f.EndToEnd.P50Us:0.0}</td><td>{f.EndToEnd.P99Us:0.0}</td><td>{f.EndToEnd.P999Us:0.0}</td><td>{f.EndToEnd.MaxUs:0.0}</td><td>{f.Infer.P99Us:0.0}</td><td>{f.DeadlineMisses}</td><td>{f.Frames}</td></tr>"));
        sb.Append("</table>");
        var naive = page.NaiveRecords.AsSpan(page.NaiveWarmupFrames);
        var ne2e = new double[naive.Length];
        for (int i = 0; i < naive.Length; i++) ne2e[i] = naive[i].EndToEndNs / 1000.0;
        sb.Append(BenchCharts.Cdf("End-to-end CDF: optimized against naive", new[]
        {
            new BenchCharts.Series("optimized", "optimized", e2eOptimized),
            new BenchCharts.Series("naive", "naive", ne2e),
        }, page.Report.DeadlineUs, 1060, 280));
    }

    private static void Baseline(StringBuilder sb, BenchPage page, Baseline.BaselineComparison b, long[] baselineNs, double[] e2e)
    {
        sb.Append("<h2>Against the baseline</h2><p>").Append(E($"{b.File}: commit {b.Commit ?? "unknown"}, {b.Host}, {b.Timestamp}, {b.Scenario}.")).Append("</p>");
        sb.Append("<table><tr><th>end-to-end, µs</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th><th>frames</th></tr>");
        Row(sb, "baseline", b.Baseline);
        Row(sb, "this run", b.Current);
        sb.Append("</table>");
        var t = b.Tail;
        sb.Append("<p data-baseline-moved=\"").Append(t.Moved ? "true" : "false").Append("\">").Append(E(string.Create(C,
            $"Deadline misses: {b.BaselineDeadlineMisses} then, {b.CurrentDeadlineMisses} now. p99 {(t.Moved ? $"moved beyond noise ({t.Direction})" : "did not move beyond noise")}: {t.DifferenceUs:+0.0;-0.0;0} µs, 95% interval [{t.IntervalLowUs:+0.0;-0.0;0}, {t.IntervalHighUs:+0.0;-0.0;0}] µs. {t.Test}.")))
          .Append("</p>");
        foreach (string note in b.Notes) sb.Append("<p class=\"note\">").Append(E(note)).Append("</p>");
        sb.Append(BenchCharts.Cdf("End-to-end CDF: this run against the baseline", new[]
        {
            new BenchCharts.Series("baseline", "baseline", Us(baselineNs)),
            new BenchCharts.Series("current", "this run", e2e),
        }, page.Report.DeadlineUs, 1060, 280));
    }

    private static void Row(StringBuilder sb, string name, LatencySummary s)
    {
        bool ne90 = Has(s, "p90"), ne99 = Has(s, "p99"), ne999 = Has(s, "p999");
        sb.Append("<tr><td>").Append(E(name)).Append("</td>")
          .Append(Cell(s.P50Us, false)).Append(Cell(s.P90Us, ne90)).Append(Cell(s.P95Us, ne90)).Append(Cell(s.P99Us, ne99)).Append(Cell(s.P999Us, ne999))
          .Append(Cell(s.MaxUs, false)).Append(Cell(s.MeanUs, false)).Append("<td>").Append(s.Count.ToString(C)).Append("</td></tr>");
    }

    private static bool Has(LatencySummary s, string p) => s.NotEstablished is { } ne && Array.IndexOf(ne, p) >= 0;

    private static string Cell(double v, bool notEstablished) =>
        notEstablished ? string.Create(C, $"<td class=\"ne\" title=\"not established: too few samples\">{v:0.0}</td>") : string.Create(C, $"<td>{v:0.0}</td>");

    private static double[] Us(long[] ns)
    {
        var us = new double[ns.Length];
        for (int i = 0; i < ns.Length; i++) us[i] = ns[i] / 1000.0;
        return us;
    }

    private static string E(string text) => Svg.Escape(text);
}
