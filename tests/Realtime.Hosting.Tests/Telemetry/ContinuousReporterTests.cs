using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;
using Realtime.Hosting.Telemetry;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// A continuous loop ticked by hand with its <see cref="LoopTelemetry"/>: each interval report's
/// counts are exactly the frames run since the one before, the run's are their sum, the pipeline
/// side allocates nothing, and the state directory keeps the last reports and a <c>latest.json</c>.
/// </summary>
public sealed class ContinuousReporterTests : IDisposable
{
    private const long Ms = 1_000_000;
    private readonly ManualClock _clock = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtapp-cont-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private (GraphLoop Loop, LoopTelemetry Telemetry) Continuous(int warmup, int ring)
    {
        var cam = new PatternSource("cam", _clock);
        var mean = new MeanTransform("mean", _clock) { CostNs = f => f % 10 == 3 ? 9 * Ms : (f % 7) * Ms / 2 };
        AppGraph g = new GraphBuilder().Add(cam).Add(mean).Add(new FollowController("pid")).Add(new RecordingSink("servo", safe: -1))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        var watchdog = new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.SafeState, 100, 3);
        var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = 0, RingFrames = ring, WarmupFrames = warmup, PeriodNs = 10 * Ms, DeadlineNs = 8 * Ms }, watchdog, _clock);
        var telemetry = RunMetrics.For(loop);
        loop.Attach(telemetry);
        return (loop, telemetry);
    }

    private static int Misses(int from, int to)
    {
        int n = 0;
        for (int f = from; f < to; f++) if (f % 10 == 3) n++;
        return n;
    }

    [Fact]
    public void EachIntervalCountsExactlyItsOwnFramesAndTheRunTheirSumWithNoAllocationOnThePipelineSide()
    {
        var (loop, telemetry) = Continuous(warmup: 20, ring: 64);
        using var _ = loop;
        var lines = new System.Collections.Generic.List<string>();
        var reporter = new ContinuousReporter(telemetry, new IntervalReport { Board = "sim", Demo = "test" }, 60, null, 3, l => lines.Add(l.ToString()));

        loop.RunFrames(20 + 300);
        IntervalReport first = reporter.Take("interval");
        Assert.Equal(300, first.Interval.Frames);
        Assert.Equal(Misses(20, 320), first.Interval.DeadlineMisses);
        Assert.Equal(300, first.Interval.EndToEnd.Count);

        // Per frame, with the telemetry attached and the ring going round: nothing allocated (1 + 3 x 333 frames).
        loop.RunFrames(1);
        Assert.Equal(0, ThreadAllocations.LeastOfThree(() => loop.RunFrames(333)));

        IntervalReport second = reporter.Take("sighup");
        Assert.Equal(1000, second.Interval.Frames);
        Assert.Equal(Misses(320, 1320), second.Interval.DeadlineMisses);
        Assert.Equal(1000, second.Interval.EndToEnd.Count);
        Assert.Equal(1300, second.Run.Frames);
        Assert.Equal(Misses(20, 1320), second.Run.DeadlineMisses);
        Assert.Equal(1300, second.Run.EndToEnd.Count);
        Assert.Equal(2, second.Sequence);
        Assert.Equal("sighup", second.Reason);
        // Every frame took at least its 0..3 ms of cost; misses took 9 ms: the interval's max is a miss's, within the stated error.
        Assert.InRange(second.Interval.EndToEnd.MaxUs, 9000 * (1 - LatencyHistogram.RelativeError), 9000 * (1 + LatencyHistogram.RelativeError) + 1000);
        Assert.Equal(6, second.Run.Stages!.Count);

        IntervalReport empty = reporter.Take("interval");
        Assert.Equal(0, empty.Interval.Frames);
        Assert.Equal(0, empty.Interval.EndToEnd.Count);
        Assert.Equal(1300, empty.Run.Frames);

        // The final report takes the whole run from the histograms, the per-frame figures from the ring.
        var report = new RunReport();
        var records = loop.Records;
        Assert.Equal(20 + 64, records.Length);
        ReportBuilder.FillTiming(report, records, loop.Options, new System.Collections.Generic.Dictionary<string, long>());
        Assert.Equal(64, report.Frames);
        reporter.FillFinal(report, 64, report.Frames);
        Assert.Equal(1300, report.Frames);
        Assert.Equal(Misses(20, 1320), report.DeadlineMisses);
        Assert.Equal(1300, report.EndToEnd.Count);
        Assert.Equal(64, report.Continuous!.FramesInRing);
        Assert.Equal("histogram", report.Continuous.Percentiles);
        Assert.Equal(3, report.Continuous.IntervalReports);
    }

    [Fact]
    public void TheStateDirectoryKeepsTheLastReportsAndALatestCopyAndTheLineSaysTheIntervalAndTheRun()
    {
        var (loop, telemetry) = Continuous(warmup: 0, ring: 16);
        using var _ = loop;
        Assert.Null(ContinuousReporter.CheckStateDirectory(_dir));
        var lines = new System.Collections.Generic.List<string>();
        var reporter = new ContinuousReporter(telemetry, new IntervalReport { Tool = "rtapp", Board = "sim", Demo = "test" }, 60, _dir, 3, l => lines.Add(l.ToString()));
        for (int i = 1; i <= 5; i++)
        {
            loop.RunFrames(100);
            reporter.Report("interval");
        }
        Assert.Equal(3, Directory.GetFiles(_dir, "interval-*.json").Length);
        using var latest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ContinuousReporter.LatestName)));
        Assert.Equal(5, latest.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(100, latest.RootElement.GetProperty("interval").GetProperty("frames").GetInt64());
        Assert.Equal(500, latest.RootElement.GetProperty("run").GetProperty("frames").GetInt64());
        Assert.Equal("histogram", latest.RootElement.GetProperty("percentiles").GetString());
        Assert.Equal(5, lines.Count);
        Assert.StartsWith("rtapp: interval #5: last ", lines[4], StringComparison.Ordinal);
        Assert.Contains($"100 frames, {Misses(400, 500)} misses", lines[4], StringComparison.Ordinal);
        Assert.Contains($"500 frames, {Misses(0, 500)} misses", lines[4], StringComparison.Ordinal);
        Assert.Null(reporter.LastWriteError);
    }

    [Fact]
    public void AReportWithItsFilesItsLineAndTheMachinesSummaryAllocatesNothingOnceWarm()
    {
        var (loop, telemetry) = Continuous(warmup: 0, ring: 16);
        using var _ = loop;
        Directory.CreateDirectory(_dir);
        // An earlier run's reports: they count towards the number kept, oldest deleted first.
        File.WriteAllText(Path.Combine(_dir, "interval-20000101T000000.000Z-1.json"), "{}");
        File.WriteAllText(Path.Combine(_dir, "interval-20000101T000001.000Z-2.json"), "{}");
        using var sampler = new ResourceSampler(periodS: 0.05, capacity: 64);
        sampler.SampleNow();
        long lines = 0;
        char[] lastLine = new char[1024];
        int lastLength = 0;
        var reporter = new ContinuousReporter(telemetry, new IntervalReport { Tool = "rtapp", Board = "sim", Demo = "test" }, 60, _dir, 3,
            l => { lines++; l.CopyTo(lastLine); lastLength = l.Length; }) { Resources = sampler };
        // Warm: the first reports list the folder, size the buffers and JIT what they run.
        for (int i = 0; i < 3; i++) { loop.RunFrames(50); sampler.SampleNow(); reporter.Report("interval"); }

        // 20 more, in windows of 7, 7 and 6: the frames, a machine sample and a report each.
        int reports = 0;
        long allocated = ThreadAllocations.LeastOfThree(() =>
        {
            for (int k = 0; k < 7 && reports < 20; k++, reports++)
            {
                loop.RunFrames(50);
                sampler.SampleNow();
                reporter.Report(reports % 2 == 0 ? "interval" : "sighup");
            }
        });
        Assert.Equal(20, reports);
        Assert.Equal(0, allocated);
        Assert.Null(reporter.LastWriteError);
        Assert.Equal(23, lines);

        // What the reports hold is what the allocating path wrote: the last one, in the file and the line.
        string[] kept = Directory.GetFiles(_dir, "interval-*.json");
        Array.Sort(kept, StringComparer.Ordinal);
        Assert.Equal(3, kept.Length);
        Assert.EndsWith("-23.json", kept[2], StringComparison.Ordinal);
        string latestText = File.ReadAllText(Path.Combine(_dir, ContinuousReporter.LatestName));
        Assert.Equal(File.ReadAllText(kept[2]), latestText);
        using var latest = JsonDocument.Parse(latestText);
        JsonElement root = latest.RootElement;
        Assert.Equal(23, root.GetProperty("sequence").GetInt64());
        Assert.Equal("sighup", root.GetProperty("reason").GetString());
        Assert.Equal(50, root.GetProperty("interval").GetProperty("frames").GetInt64());
        Assert.Equal(50, root.GetProperty("interval").GetProperty("end_to_end").GetProperty("count").GetInt32());
        Assert.Equal(1150, root.GetProperty("run").GetProperty("frames").GetInt64());
        Assert.Equal(6, root.GetProperty("run").GetProperty("stages").EnumerateObject().Count());
        Assert.True(root.GetProperty("resources").GetProperty("samples").GetInt32() >= 1);
        Assert.True(root.GetProperty("resources").GetProperty("rss_max_mb").GetDouble() > 0);
        DateTime written = root.GetProperty("written_at").GetDateTime();
        Assert.Equal(DateTimeKind.Utc, written.Kind);
        Assert.InRange(written, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddMinutes(1));
        string line = new(lastLine, 0, lastLength);
        Assert.StartsWith("rtapp: sighup #23: last ", line, StringComparison.Ordinal);
        Assert.Contains("run ", line, StringComparison.Ordinal);
        Assert.Contains("1150 frames", line, StringComparison.Ordinal);
        Assert.Contains(" MB", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderThatFillsUpIsSaidAndTheOldReportsStayWhole()
    {
        var (loop, telemetry) = Continuous(warmup: 0, ring: 16);
        using var _ = loop;
        Directory.CreateDirectory(_dir);
        var reporter = new ContinuousReporter(telemetry, new IntervalReport { Tool = "rtapp", Board = "sim", Demo = "test" }, 60, _dir, 3, _ => { });
        loop.RunFrames(10);
        reporter.Report("interval");
        Assert.Null(reporter.LastWriteError);
        // A folder that is gone (as a removed or unmounted state directory is): the write fails, is named, the run goes on.
        Directory.Delete(_dir, recursive: true);
        loop.RunFrames(10);
        reporter.Report("interval");
        Assert.NotNull(reporter.LastWriteError);
        Assert.Contains("No such file", reporter.LastWriteError, StringComparison.Ordinal);
        Directory.CreateDirectory(_dir);
        loop.RunFrames(10);
        reporter.Report("interval");
        Assert.Null(reporter.LastWriteError);
        using var latest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ContinuousReporter.LatestName)));
        Assert.Equal(3, latest.RootElement.GetProperty("sequence").GetInt64());
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));
    }

    [Fact]
    public void AStateDirectoryThatCannotBeWrittenIsNamedBeforeTheRun()
    {
        Assert.NotNull(ContinuousReporter.CheckStateDirectory("/proc/rtapp-state"));
        // A file where the directory should be.
        string file = Path.GetTempFileName();
        try { Assert.NotNull(ContinuousReporter.CheckStateDirectory(Path.Combine(file, "sub"))); }
        finally { File.Delete(file); }
    }
}
