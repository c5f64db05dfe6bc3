using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using Realtime.Bench.Charts;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;

namespace Realtime.Bench.Tests;

/// <summary>
/// The HTML page of a run holds the pictures it promises, each with the series it says it plots:
/// read back as XML and checked element by element against the run's own records.
/// </summary>
public sealed class HtmlReportTests
{
    private static readonly string[] Stages = ProfileLoader.StageNames;

    private static XDocument Parse(string html)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        return XDocument.Load(reader);
    }

    private static IEnumerable<XElement> Charts(XDocument doc, string kind) =>
        doc.Descendants().Where(e => e.Name.LocalName == "svg" && (string?)e.Attribute("data-chart") == kind);

    private static XElement Series(XElement chart, string name) =>
        chart.Descendants().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("data-series") == name);

    private static int Int(XElement e, string attribute) => int.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private static int PolylinePoints(XElement g) =>
        ((string)g.Descendants().Single(e => e.Name.LocalName == "polyline").Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public void AShortPeriodicRunRendersEveryChartWithItsSeries()
    {
        const int warmup = 5, frames = 80;
        using var target = BenchPipelines.FaceTracker(BenchScenario.Periodic, frames, warmup, p =>
        {
            p.Timing.RateHz = 100;
            p.Timing.DeadlineUs = 9000;
            p.Timing.BudgetsUs.Clear();
        });
        var run = BenchPipelines.Run(target, BenchScenario.Periodic);
        var report = new RunReport { Board = "sim" };
        var extras = BenchReports.Fill(report, run, target, new Dictionary<string, long>());
        string html = HtmlReport.Render(new BenchPage { Report = report, Extras = extras, Records = run.Records, WarmupFrames = run.WarmupFrames, PeriodNs = target.Options.PeriodNs });

        string path = Path.Combine(Path.GetTempPath(), $"rt-bench-{Guid.NewGuid():N}.html");
        File.WriteAllText(path, html);
        Assert.True(File.Exists(path));
        var doc = Parse(File.ReadAllText(path));
        File.Delete(path);

        // One CDF and one histogram per stage, and for end-to-end and the floor; each holds every counted frame.
        foreach (string name in Stages.Append("end_to_end").Append("floor"))
        {
            var cdf = Charts(doc, "cdf").Single(c => c.Descendants().Any(e => (string?)e.Attribute("data-series") == name));
            var g = Series(cdf, name);
            Assert.Equal(frames, Int(g, "data-count"));
            Assert.Equal(frames, Int(g, "data-points"));
            Assert.Equal(2 * frames, PolylinePoints(g)); // a step per sample
            var hist = Charts(doc, "histogram").Single(c => c.Descendants().Any(e => (string?)e.Attribute("data-series") == name));
            var bars = Series(hist, name).Descendants().Where(e => e.Name.LocalName == "rect").ToList();
            Assert.NotEmpty(bars);
            Assert.Equal(frames, bars.Sum(b => Int(b, "data-n")));
        }

        // The timeline: every frame, warm-up included, the deadline line at the profile's deadline, one mark per miss.
        var timeline = Charts(doc, "timeline").Single();
        Assert.Equal(warmup + frames, Int(timeline, "data-frames"));
        Assert.Equal(warmup, Int(timeline, "data-warmup"));
        Assert.Equal(warmup + frames, Int(Series(timeline, "end_to_end"), "data-count"));
        Assert.Equal(warmup + frames, PolylinePoints(Series(timeline, "end_to_end")));
        Assert.Equal(warmup + frames, Int(Series(timeline, "infer"), "data-count"));
        Assert.Equal(warmup + frames, Int(Series(timeline, "floor"), "data-count"));
        Assert.Equal("9000", (string?)timeline.Descendants().Single(e => e.Name.LocalName == "line" && e.Attribute("data-deadline-us") is not null).Attribute("data-deadline-us"));
        var misses = Series(timeline, "misses");
        Assert.Equal(report.DeadlineMisses, Int(misses, "data-count"));
        Assert.Equal(report.DeadlineMisses, misses.Descendants().Count(e => e.Name.LocalName == "circle"));

        // Period jitter: one point per start-to-start interval of the counted frames, and its histogram.
        var jitter = Charts(doc, "jitter").Single();
        Assert.Equal("10000000", (string?)jitter.Attribute("data-period-ns"));
        Assert.Equal(frames - 1, Int(Series(jitter, "jitter"), "data-count"));
        Assert.Equal(frames - 1, PolylinePoints(Series(jitter, "jitter")));
        var jh = Charts(doc, "histogram").Single(c => c.Descendants().Any(e => (string?)e.Attribute("data-series") == "jitter"));
        Assert.Equal(frames - 1, Series(jh, "jitter").Descendants().Where(e => e.Name.LocalName == "rect").Sum(b => Int(b, "data-n")));

        // Where the time goes: one bar per stage, shares adding up to 100 %.
        var breakdown = Charts(doc, "breakdown").Single();
        var shares = breakdown.Descendants().Where(e => e.Name.LocalName == "rect" && Stages.Contains((string?)e.Attribute("data-series")))
            .Select(e => double.Parse((string)e.Attribute("data-share-pct")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(6, shares.Count);
        Assert.InRange(shares.Sum(), 99.9, 100.1);
    }

    [Fact]
    public void KnownMissesAndDropsAreMarkedOneForOneAndTheTimelineKeepsItsSpike()
    {
        // 10,000 counted frames at 1 ms end-to-end, frame 4,321 at 40 ms; misses on 7 frames; drops before 3.
        const int warm = 20, n = 10_000;
        var records = new FrameRecord[warm + n];
        for (int i = 0; i < records.Length; i++)
        {
            ref var r = ref records[i];
            long start = i * 10_000_000L;
            r.StartNs = start;
            r.CaptureNs = start + 100;
            r.CaptureEndNs = start + 200;
            r.PreprocessEndNs = start + 300;
            r.InferEndNs = start + (i == warm + 4321 ? 40_000_000 : 900_000);
            r.DecodeEndNs = r.InferEndNs + 100;
            r.ControlEndNs = r.DecodeEndNs + 100;
            r.ActuateEndNs = r.ControlEndNs + 100;
            r.FloorNs = 800_000;
            r.Flags = i < warm ? FrameFlags.Warmup | FrameFlags.DeadlineMiss : FrameFlags.None;
            if (i >= warm && i % 1500 == 0) r.Flags |= FrameFlags.DeadlineMiss;
            if (i >= warm && i % 4000 == 0) r.DroppedBefore = 2;
        }
        int expectedMisses = Enumerable.Range(warm, n).Count(i => i % 1500 == 0);
        int expectedDrops = Enumerable.Range(warm, n).Count(i => i % 4000 == 0);
        var svg = BenchCharts.Timeline(records, warm, 15_000);
        var doc = XDocument.Parse(svg);
        var g = (string name) => doc.Descendants().Single(e => (string?)e.Attribute("data-series") == name);
        Assert.Equal(expectedMisses, int.Parse((string)g("misses").Attribute("data-count")!, CultureInfo.InvariantCulture));
        Assert.Equal(expectedMisses, g("misses").Elements().Count());
        Assert.Equal(expectedDrops, g("dropped").Elements().Count());
        var e2e = g("end_to_end");
        Assert.Equal(warm + n, int.Parse((string)e2e.Attribute("data-count")!, CultureInfo.InvariantCulture));
        int drawn = int.Parse((string)e2e.Attribute("data-points")!, CultureInfo.InvariantCulture);
        Assert.InRange(drawn, BenchCharts.TimelineBuckets, 2 * BenchCharts.TimelineBuckets);
        // The 40 ms spike is the highest point drawn: at the top of the y axis, which ends 8 % above it.
        var ys = ((string)e2e.Elements().Single().Attribute("points")!).Split(' ').Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToList();
        double top = ys.Min();
        Assert.Single(ys, y => y == top);
    }

    [Fact]
    public void ResourceTracesAreDrawnUnderTheTimelineOnItsAxisAndEachMissSaysItsCause()
    {
        // 10,000 frames 10 ms apart; a sample every second, RSS stepping up at 42 s (frame 4,200); frame 4,321 misses with a cause.
        const int n = 10_000;
        const long start = 5_000_000_000;
        var records = new FrameRecord[n];
        for (int i = 0; i < n; i++)
        {
            ref var r = ref records[i];
            r.StartNs = start + i * 10_000_000L;
            r.CaptureNs = r.StartNs;
            r.CaptureEndNs = r.PreprocessEndNs = r.InferEndNs = r.DecodeEndNs = r.ControlEndNs = r.StartNs + 500_000;
            r.ActuateEndNs = r.StartNs + (i == 4321 ? 30_000_000 : 1_000_000);
            if (i == 4321) r.Flags = FrameFlags.DeadlineMiss;
        }
        var res = new ResourceReport { PeriodS = 1 };
        for (int s = -2; s <= 101; s++) // two before the first frame and one after the last: left out
            res.Trace.Add(new ResourcePoint { AtMs = s * 1000, RssMb = s == 42 ? 90 : 60, ProcessCpu = 0.5, IoWait = 0.01, CpuPressure = 0.2, MemoryPressure = 0, IoPressure = 0.05 });
        string charts = BenchCharts.Resources(records, res, start);
        var doc = XDocument.Parse("<div>" + charts + "</div>");
        XElement Chart(string kind) => doc.Descendants().Single(e => e.Name.LocalName == "svg" && (string?)e.Attribute("data-chart") == kind);
        XElement rss = Series(Chart("resource-rss"), "rss");
        Assert.Equal(101, Int(rss, "data-count")); // 0 s to 100 s
        foreach (string name in new[] { "iowait", "cpu_pressure", "memory_pressure", "io_pressure" })
            Assert.Equal(101, Int(Series(Chart("resource-stall"), name), "data-count"));
        Assert.Equal(101, Int(Series(Chart("resource-cpu"), "process_cpu"), "data-count"));
        // No temperature or frequency on this machine: no panel for them.
        Assert.DoesNotContain(doc.Descendants(), e => (string?)e.Attribute("data-chart") is "resource-temperature" or "resource-frequency");
        // The RSS step is drawn where the timeline draws frame 4,200: the same x.
        var pts = ((string)rss.Descendants().First(e => e.Name.LocalName == "polyline").Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => (X: double.Parse(p.Split(',')[0], CultureInfo.InvariantCulture), Y: double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture))).ToList();
        double spikeX = pts.OrderBy(p => p.Y).First().X;
        double frameX = new Plot(1060, 300, "", "", "", 0, n - 1, 0, 1).X(4200);
        Assert.InRange(spikeX, frameX - 0.5, frameX + 0.5);

        var timeline = XDocument.Parse(BenchCharts.Timeline(records, 0, 15_000, causes: new Dictionary<int, string> { [4321] = "page_faults" }));
        var miss = timeline.Descendants().Single(e => (string?)e.Attribute("data-series") == "misses").Elements().Single();
        Assert.EndsWith(": page_faults", miss.Value, StringComparison.Ordinal);
        // A run with no sample inside it draws no panel.
        Assert.Equal("", BenchCharts.Resources(records, new ResourceReport { Trace = { new ResourcePoint { AtMs = -10_000 } } }, start));
    }

    [Fact]
    public void TextIsEscapedSoThePageStaysWellFormed()
    {
        var svg = new Svg(100, 50);
        svg.Text(1, 2, "a < b & \"c\"", "t");
        svg.Rect(0, 0, 1, 1, "r", "x > y");
        var doc = XDocument.Parse(svg.ToString());
        Assert.Equal("a < b & \"c\"", doc.Descendants().Single(e => e.Name.LocalName == "text").Value);
        Assert.Equal("x > y", doc.Descendants().Single(e => e.Name.LocalName == "title").Value);
    }
}
