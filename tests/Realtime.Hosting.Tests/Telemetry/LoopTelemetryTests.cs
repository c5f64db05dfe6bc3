using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;
using Realtime.Hosting.Telemetry;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// The live figures of a real loop ticked by hand: every counter equals the count of the frames'
/// own records (warm-up left out), the end-to-end histogram read as Prometheus reads it agrees with
/// the records' exact quantiles within the stated error, the loop allocates nothing with it attached,
/// and a scraper on another thread reads counts that only grow.
/// </summary>
public sealed class LoopTelemetryTests
{
    private const long Ms = 1_000_000;
    private readonly ManualClock _clock = new();

    private (GraphLoop Loop, MeanTransform Mean, PatternSource Cam) Loop(int frames, int warmup)
    {
        var cam = new PatternSource("cam", _clock) { FailEvery = 9 };
        var mean = new MeanTransform("mean", _clock);
        AppGraph g = new GraphBuilder().Add(cam).Add(mean).Add(new FollowController("pid")).Add(new RecordingSink("servo", safe: -1))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        var watchdog = new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.SafeState, 100, 3);
        var loop = new GraphLoop(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = warmup, PeriodNs = 10 * Ms, DeadlineNs = 8 * Ms }, watchdog, _clock);
        return (loop, mean, cam);
    }

    private static double Value(string text, string series)
    {
        foreach (string line in text.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        throw new Xunit.Sdk.XunitException($"no {series} in\n{text}");
    }

    [Fact]
    public void EveryFigureIsTheCountOfTheFramesOwnRecordsAndTheLatencyAgreesWithinTheStatedError()
    {
        var (loop, mean, _) = Loop(frames: 400, warmup: 20);
        using var _ = loop;
        // A cost that varies frame to frame, a stretch of frames past the 8 ms deadline, and sources failing every 9th frame.
        mean.CostNs = f => f is >= 100 and < 106 ? 9 * Ms : (f * 7919 % 3000) * 1000L;
        var telemetry = new LoopTelemetry(10 * Ms, 8 * Ms);
        loop.Attach(telemetry);
        Assert.Equal(LoopOutcome.Completed, loop.Run());
        Assert.Equal(0, loop.CountedAllocatedBytes);

        long frames = 0, misses = 0, faults = 0, held = 0, entries = 0;
        bool wasSafe = false;
        var e2e = new List<long>();
        foreach (ref readonly FrameRecord r in loop.Records)
        {
            if ((r.Flags & FrameFlags.Warmup) != 0) continue;
            frames++;
            if ((r.Flags & FrameFlags.DeadlineMiss) != 0) misses++;
            if ((r.Flags & FrameFlags.Held) != 0) held++;
            bool safe = (r.Flags & FrameFlags.SafeState) != 0;
            if (safe && !wasSafe) entries++;
            wasSafe = safe;
            if ((r.Flags & FrameFlags.SourceFault) != 0) faults++;
            else e2e.Add(r.EndToEndNs);
        }
        Assert.Equal(400, frames);
        Assert.InRange(misses, 1, 399);
        Assert.InRange(faults, 1, 399);

        var text = new PrometheusText();
        telemetry.Render(text, PrometheusText.Labels(("loop", "main")));
        string s = text.ToString();
        Assert.Equal(frames, Value(s, "rtapp_frames_total{loop=\"main\"}"));
        Assert.Equal(0.008, Value(s, "rtapp_deadline_seconds{loop=\"main\"}"));
        Assert.Equal(misses, Value(s, "rtapp_deadline_misses_total{loop=\"main\"}"));
        Assert.Equal(faults, Value(s, "rtapp_source_faults_total{loop=\"main\"}"));
        Assert.Equal(held, Value(s, "rtapp_held_commands_total{loop=\"main\"}"));
        Assert.Equal(entries, Value(s, "rtapp_safe_state_entries_total{loop=\"main\"}"));
        Assert.Equal(e2e.Count, Value(s, "rtapp_end_to_end_latency_seconds_count{loop=\"main\"}"));
        Assert.Equal(e2e.Count, Value(s, "rtapp_stage_latency_seconds_count{loop=\"main\",stage=\"preprocess\"}"));
        Assert.DoesNotContain("rtapp_model_floor_seconds", s, StringComparison.Ordinal); // no floor was asked for

        long[] sorted = e2e.ToArray();
        Array.Sort(sorted);
        var buckets = PrometheusTextTests.Buckets(s, "rtapp_end_to_end_latency_seconds");
        foreach (double q in new[] { 0.5, 0.9, 0.99 })
        {
            double exact = Percentiles.NearestRank(sorted, q * 100) / 1e9;
            double read = PrometheusTextTests.HistogramQuantile(q, buckets);
            Assert.True(Math.Abs(read - exact) <= PrometheusText.ExposedRelativeError * exact, $"p{q * 100}: {read} s against {exact} s");
        }
    }

    [Fact]
    public void AScraperOnAnotherThreadReadsCountsThatOnlyGrow()
    {
        var (loop, mean, _) = Loop(frames: 3000, warmup: 0);
        using var _ = loop;
        var telemetry = new LoopTelemetry(10 * Ms, 8 * Ms);
        loop.Attach(telemetry);
        long last = 0, reads = 0, midRun = -1;
        Exception? error = null;
        bool done = false;
        // A hand-ticked loop can finish before the scraper's thread first runs (CI once saw no read at all),
        // so halfway through the loop holds its frame until a whole scrape has begun and ended meanwhile.
        mean.CostNs = f =>
        {
            if (f == 1200)
            {
                long before = Volatile.Read(ref reads);
                // Left at -1 (and failed below) if no scrape came within a minute.
                if (SpinWait.SpinUntil(() => Volatile.Read(ref reads) >= before + 2, TimeSpan.FromSeconds(60))) midRun = Volatile.Read(ref last);
            }
            return (f % 5) * Ms;
        };
        var scraper = new Thread(() =>
        {
            try
            {
                var text = new PrometheusText();
                while (!Volatile.Read(ref done))
                {
                    text.Clear();
                    telemetry.Render(text, "");
                    long frames = (long)Value(text.ToString(), "rtapp_frames_total");
                    if (frames < last) throw new Exception($"frames went back from {last} to {frames}");
                    Volatile.Write(ref last, frames);
                    Interlocked.Increment(ref reads);
                }
            }
            catch (Exception ex) { error = ex; }
        });
        scraper.Start();
        Assert.Equal(LoopOutcome.Completed, loop.Run());
        Volatile.Write(ref done, true);
        scraper.Join();
        Assert.Null(error);
        Assert.Equal(3000, telemetry.Frames);
        // The scrape made while the loop waited saw a run under way: some frames counted, not all.
        Assert.InRange(midRun, 1200, 2999);
        Assert.True(last >= midRun, $"the last read ({last}) is behind the one made mid-run ({midRun})");
    }

    [Fact]
    public void SeveralLoopsRenderEachFamilyTogetherUnderTheirOwnLabelsAndAScrapeAllocatesNothing()
    {
        var (fast, fastMean, _) = Loop(frames: 50, warmup: 0);
        var (slow, slowMean, _) = Loop(frames: 30, warmup: 0);
        using var f = fast;
        using var s = slow;
        fastMean.CostNs = _ => 1 * Ms;
        slowMean.CostNs = _ => 9 * Ms;
        var loops = new[] { new LoopTelemetry(10 * Ms, 8 * Ms), new LoopTelemetry(10 * Ms, 8 * Ms) };
        string[] labels = { "loop=\"fast\",application=\"a\"", "loop=\"slow\",application=\"b\"" };
        fast.Attach(loops[0]);
        slow.Attach(loops[1]);
        fast.Run();
        slow.Run();
        var text = new PrometheusText();
        LoopTelemetry.RenderAll(text, loops, labels, 2);
        string rendered = text.ToString();
        Assert.Equal(50, Value(rendered, "rtapp_frames_total{" + labels[0] + "}"));
        Assert.Equal(30, Value(rendered, "rtapp_frames_total{" + labels[1] + "}"));
        Assert.Equal(0, Value(rendered, "rtapp_deadline_misses_total{" + labels[0] + "}"));
        // Every frame of the slow loop that was not a source fault is late.
        Assert.InRange(loops[1].DeadlineMisses, 20, 30);
        Assert.Equal(loops[1].DeadlineMisses, Value(rendered, "rtapp_deadline_misses_total{" + labels[1] + "}"));
        Assert.Contains("rtapp_stage_latency_seconds_count{" + labels[1] + ",stage=\"infer\"}", rendered, StringComparison.Ordinal);
        // One HELP a family, and the families in one order: each family's samples together.
        var helps = new List<string>();
        foreach (string line in rendered.Split('\n'))
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) helps.Add(line.Split(' ')[2]);
        Assert.Equal(new HashSet<string>(helps).Count, helps.Count);
        Assert.Equal(0, ThreadAllocations.Least(() =>
        {
            text.Clear();
            LoopTelemetry.RenderAll(text, loops, labels, 2);
        }, n: 50, warm: 0));
    }
}
