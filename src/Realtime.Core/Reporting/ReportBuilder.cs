using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Reporting;

/// <summary>Turns a loop's frame records into the report's timing figures (off the hot path).</summary>
public static class ReportBuilder
{
    /// <summary>Fills the timing, miss, floor, jitter and allocation fields of <paramref name="report"/>.</summary>
    /// <param name="report">The report to fill.</param>
    /// <param name="records">All frame records, warm-up first.</param>
    /// <param name="options">The loop's settings.</param>
    /// <param name="budgetsUs">Per-stage budgets (may be empty).</param>
    public static void FillTiming(RunReport report, ReadOnlySpan<FrameRecord> records, ClosedLoopOptions options,
        IReadOnlyDictionary<string, long> budgetsUs)
    {
        int warm = 0;
        while (warm < records.Length && (records[warm].Flags & FrameFlags.Warmup) != 0) warm++;
        ReadOnlySpan<FrameRecord> counted = records[warm..];
        int n = counted.Length;
        report.Frames = n;
        report.WarmupFrames = warm;
        report.DeadlineUs = options.DeadlineNs / 1000;
        report.RateHz = Math.Round(1e9 / options.PeriodNs, 3);
        report.Scenario = options.Scenario == LoopScenario.Periodic ? "periodic" : "single-stream";

        var stage = new long[6][];
        for (int s = 0; s < 6; s++) stage[s] = new long[n];
        var e2e = new long[n];
        var floor = new List<long>(n);
        var starts = new long[n];
        var stageCount = new int[6];
        int misses = 0, held = 0, fallback = 0, sourceFaults = 0, timed = 0, skipped = 0;
        long dropped = 0;
        for (int i = 0; i < n; i++)
        {
            ref readonly FrameRecord r = ref counted[i];
            starts[i] = r.StartNs;
            dropped += r.DroppedBefore;
            if ((r.Flags & FrameFlags.Held) != 0) held++;
            if ((r.Flags & FrameFlags.Fallback) != 0) fallback++;
            if ((r.Flags & FrameFlags.SourceFault) != 0)
            {
                // No frame, no stage timings: counted apart.
                sourceFaults++;
                continue;
            }
            int t = timed++;
            // A stage a gate skipped is left out of its percentiles: its 0 µs is not a time.
            for (int s = 0; s < 6; s++)
                if (!r.StageSkipped(s)) stage[s][stageCount[s]++] = r.StageNs(s);
            if (r.SkippedStages != 0) skipped++;
            e2e[t] = r.EndToEndNs;
            if (r.FloorNs > 0) floor.Add(r.FloorNs);
            if ((r.Flags & FrameFlags.DeadlineMiss) != 0) misses++;
        }
        report.DeadlineMisses = misses;
        report.HeldFrames = held;
        report.FallbackFrames = fallback;
        report.SourceFaultFrames = sourceFaults;
        report.DroppedFrames = dropped;
        report.SkippedFrames = skipped;
        for (int s = 0; s < 6; s++) Array.Resize(ref stage[s], stageCount[s]);
        Array.Resize(ref e2e, timed);
        report.Stages.Capture = Percentiles.Summarize(stage[0]);
        report.Stages.Preprocess = Percentiles.Summarize(stage[1]);
        report.Stages.Infer = Percentiles.Summarize(stage[2]);
        report.Stages.Decode = Percentiles.Summarize(stage[3]);
        report.Stages.Control = Percentiles.Summarize(stage[4]);
        report.Stages.Actuate = Percentiles.Summarize(stage[5]);
        report.EndToEnd = Percentiles.Summarize(e2e);

        var warmE2e = new List<long>(warm);
        for (int i = 0; i < warm; i++)
            if ((records[i].Flags & FrameFlags.SourceFault) == 0) warmE2e.Add(records[i].EndToEndNs);
        report.WarmupEndToEnd = Percentiles.Summarize(warmE2e.ToArray());

        report.StageBudgetOverruns.Clear();
        for (int s = 0; s < 6; s++)
        {
            if (!budgetsUs.TryGetValue(Profiles.ProfileLoader.StageNames[s], out long budget)) continue;
            int over = 0;
            foreach (long v in stage[s]) if (v > budget * 1000) over++;
            report.StageBudgetOverruns[Profiles.ProfileLoader.StageNames[s]] = over;
        }

        if (options.Scenario == LoopScenario.Periodic) report.PeriodJitterUs = JitterSummary.FromStarts(starts, options.PeriodNs);
        if (floor.Count > 0)
        {
            var f = Percentiles.Summarize(floor.ToArray());
            report.Floor = f;
            report.OverheadVsFloor = new OverheadVsFloor
            {
                P50Ratio = f.P50Us > 0 ? Math.Round(report.EndToEnd.P50Us / f.P50Us, 4) : 0,
                P99Ratio = f.P99Us > 0 ? Math.Round(report.EndToEnd.P99Us / f.P99Us, 4) : 0,
                P50DeltaUs = Math.Round(report.EndToEnd.P50Us - f.P50Us, 3),
                P99DeltaUs = Math.Round(report.EndToEnd.P99Us - f.P99Us, 3),
            };
        }
    }

    /// <summary>
    /// Summarises the per-frame demo metric (<see cref="FrameRecord.DemoMetric"/>) of the counted
    /// frames that have one, leaving out the first <paramref name="settleFrames"/> counted frames
    /// while the loop settles; <paramref name="framesWithValue"/> counts every counted frame with a value.
    /// Each value is multiplied by <paramref name="scale"/> (e.g. cm to camera pixels). Null when no
    /// frame after settling had a value (no target in view): an empty summary would read as zero error.
    /// </summary>
    public static ValueSummary? SummarizeDemoMetric(ReadOnlySpan<FrameRecord> records, int settleFrames, out int framesWithValue, double scale = 1)
    {
        int warm = 0;
        while (warm < records.Length && (records[warm].Flags & FrameFlags.Warmup) != 0) warm++;
        var metric = new List<double>(records.Length - warm);
        framesWithValue = 0;
        for (int i = warm; i < records.Length; i++)
        {
            ref readonly FrameRecord r = ref records[i];
            if ((r.Flags & FrameFlags.SourceFault) != 0 || float.IsNaN(r.DemoMetric)) continue;
            framesWithValue++;
            if (i - warm >= settleFrames) metric.Add(r.DemoMetric * scale);
        }
        return metric.Count == 0 ? null : SummarizeValues(metric);
    }

    /// <summary>
    /// Fills the watchdog's fault counts and events, with times relative to the first frame. The
    /// stalls the watchdog thread latched (<paramref name="threadEvents"/>, each at the time it
    /// latched the outputs) are merged with the loop's own events in time order.
    /// </summary>
    public static void FillWatchdog(RunReport report, LoopWatchdog watchdog, long runStartNs, ReadOnlySpan<WatchdogEvent> threadEvents, int stallsSeenByThread)
    {
        report.Faults.Clear();
        for (int k = 0; k < LoopWatchdog.KindCount; k++)
            report.Faults[LoopWatchdog.KindName((FaultKind)k)] = watchdog.FaultCount((FaultKind)k);
        // A stall the pipeline never came back from is known only to the watchdog thread.
        string stall = LoopWatchdog.KindName(FaultKind.Stall);
        report.Faults[stall] = Math.Max(report.Faults[stall], stallsSeenByThread);
        var events = new List<WatchdogEvent>(watchdog.Events.Length + threadEvents.Length);
        events.AddRange(watchdog.Events);
        events.AddRange(threadEvents);
        // Stable: events of the same instant keep the loop's order, then the thread's.
        var ordered = new WatchdogEvent[events.Count];
        events.CopyTo(ordered);
        var keys = new (long, int)[ordered.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = (ordered[i].TimeNs, i);
        Array.Sort(keys, ordered);
        report.WatchdogEvents.Clear();
        foreach (var e in ordered)
            report.WatchdogEvents.Add(new WatchdogEventReport
            {
                Frame = e.Frame,
                AtMs = Math.Round((e.TimeNs - runStartNs) / 1e6, 3),
                Kind = e.Recovery ? "recovered" : LoopWatchdog.KindName(e.Kind),
                Action = LoopWatchdog.ActionName(e.Action),
            });
        report.WatchdogTrips = watchdog.Trips;
        report.SafeStateEntries = watchdog.SafeStateEntries;
    }

    /// <summary>Nearest-rank summary of plain values.</summary>
    public static ValueSummary SummarizeValues(List<double> values)
    {
        var v = new ValueSummary { Count = values.Count };
        if (values.Count == 0) return v;
        var a = values.ToArray();
        Array.Sort(a);
        double sum = 0;
        foreach (double x in a) sum += x;
        v.P50 = Math.Round(a[Rank(a.Length, 50)], 2);
        v.P95 = Math.Round(a[Rank(a.Length, 95)], 2);
        v.Max = Math.Round(a[^1], 2);
        v.Mean = Math.Round(sum / a.Length, 2);
        return v;
    }

    private static int Rank(int n, double p) => Math.Clamp((int)Math.Ceiling(p / 100 * n), 1, n) - 1;
}
