using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;

namespace Realtime.Bench.Profiling;

/// <summary>One row of the profile table: an operator type, ONNX Runtime's own time outside kernels, or one of the loop's stages.</summary>
public sealed class ProfileRow
{
    /// <summary>Op type or stage name.</summary>
    public string Name { get; set; } = "";
    /// <summary><c>operator</c>, <c>runtime</c> or <c>stage</c>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Invocations per frame (kernels of this type per run; 1 for a stage).</summary>
    public double CallsPerFrame { get; set; }
    /// <summary>Mean per frame times the counted frames, ms.</summary>
    public double TotalMs { get; set; }
    /// <summary>Mean per frame, µs (an operator's share of the plain infer stage when a plain run was made).</summary>
    public double MeanUsPerFrame { get; set; }
    /// <summary>Share of the whole frame (capture start to actuation), per cent: all rows add up to 100.</summary>
    public double SharePct { get; set; }
    /// <summary>Share of the model's kernel time, per cent (operators only).</summary>
    public double? ShareOfModelPct { get; set; }
}

/// <summary>The result of <c>rtapp profile</c>: where a frame's time goes, operators and the project's stages in one table.</summary>
public sealed class ProfileReport
{
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version of the binary.</summary>
    public string Version { get; set; } = "";
    /// <summary>Board profile.</summary>
    public string Board { get; set; } = "";
    /// <summary>The application's name, or "bare-model".</summary>
    public string Demo { get; set; } = "";
    /// <summary>Model file name.</summary>
    public string Model { get; set; } = "";
    /// <summary>Counted frames (one model run each).</summary>
    public int Frames { get; set; }
    /// <summary>Warm-up frames, not counted.</summary>
    public int WarmupFrames { get; set; }
    /// <summary>ONNX Runtime's trace file (open it in chrome://tracing or Perfetto).</summary>
    public string TracePath { get; set; } = "";
    /// <summary>Mean frame, capture start to actuation, µs.</summary>
    public double FrameMeanUs { get; set; }
    /// <summary>Frames of the same loop run without the profiler (0: none, the table is from the profiled run alone).</summary>
    public int UnprofiledFrames { get; set; }
    /// <summary>Mean of the infer stage as the loop stamped it (without the profiler when an unprofiled run was made), µs.</summary>
    public double InferMeanUs { get; set; }
    /// <summary>Mean of the infer stage with the profiler on, µs.</summary>
    public double InferMeanProfiledUs { get; set; }
    /// <summary>What the profiler added to a run (profiled minus unprofiled infer stage), µs; not in the table.</summary>
    public double? ProfilerOverheadUs { get; set; }
    /// <summary>The profiler's cost per kernel, µs.</summary>
    public double? ProfilerOverheadPerKernelUs { get; set; }
    /// <summary>Mean of all kernels of one run as the profiler timed them, µs.</summary>
    public double KernelMeanUs { get; set; }
    /// <summary>Operator types in the optimized graph that ran.</summary>
    public int OperatorTypes { get; set; }
    /// <summary>Kernels per run.</summary>
    public double KernelsPerRun { get; set; }
    /// <summary>Every row, largest total first (operator types beyond the top ones are folded into one row).</summary>
    public List<ProfileRow> Rows { get; set; } = new();
    /// <summary>Every operator type, largest first (not folded).</summary>
    public List<OpTypeTime> AllOperatorTypes { get; set; } = new();
    /// <summary>What to keep in mind reading it.</summary>
    public List<string> Notes { get; set; } = new();
}

/// <summary>Sets ONNX Runtime's per-operator times beside the loop's own stages.</summary>
public static class ProfileTable
{
    /// <summary>
    /// Builds the table for <paramref name="profiled"/> frames (one model run each, no floor runs) and
    /// the trace of those runs; the rows tile the frame, so the shares add up to 100 %.
    /// The profiler costs time per kernel, inside and around it (tens of µs each, measured: more than
    /// a small model's kernels themselves), so with <paramref name="unprofiled"/> frames of the same
    /// loop run without it, the stages come from those, and the infer stage is split over the
    /// operator types in proportion to their profiled kernel time (the profile gives the shares, the
    /// plain run the time); the profiler's cost is reported apart. Without them, operator rows are
    /// the profiled kernel times and the rest of the infer stage is a row of its own ("onnxruntime
    /// outside kernels", the profiler's cost included). Operator types beyond <paramref name="top"/>
    /// fold into one row.
    /// </summary>
    public static ProfileReport Build(ReadOnlySpan<FrameRecord> profiled, OrtTraceSummary trace, int top, ReadOnlySpan<FrameRecord> unprofiled = default)
    {
        int n = profiled.Length;
        bool plain = unprofiled.Length > 0;
        double[] profiledMeans = StageMeans(profiled);
        double[] means = plain ? StageMeans(unprofiled) : profiledMeans;
        int runs = Math.Max(1, trace.CountedRuns);
        double kernelsPerFrame = trace.KernelTotalUs / runs;
        // Without a plain run, the stamps wrap the whole Run and what the kernels do not account for is the runtime's (and the profiler's) own work.
        double outside = plain ? 0 : Math.Max(0, means[2] - kernelsPerFrame);
        double scale = plain && kernelsPerFrame > 0 ? means[2] / kernelsPerFrame : 1;
        double frame = 0;
        for (int s = 0; s < 6; s++) if (s != 2) frame += means[s];
        frame += kernelsPerFrame * scale + outside;

        var report = new ProfileReport
        {
            Frames = n,
            UnprofiledFrames = unprofiled.Length,
            FrameMeanUs = Math.Round(frame, 2),
            InferMeanUs = Math.Round(means[2], 2),
            InferMeanProfiledUs = Math.Round(profiledMeans[2], 2),
            KernelMeanUs = Math.Round(kernelsPerFrame, 2),
            OperatorTypes = trace.OpTypes.Count,
            AllOperatorTypes = trace.OpTypes,
        };
        int kernelCalls = 0;
        foreach (var t in trace.OpTypes) kernelCalls += t.Calls;
        report.KernelsPerRun = Math.Round((double)kernelCalls / runs, 2);
        if (unprofiled.Length > 0)
        {
            report.ProfilerOverheadUs = Math.Round(profiledMeans[2] - means[2], 2);
            report.ProfilerOverheadPerKernelUs = report.KernelsPerRun > 0 ? Math.Round(report.ProfilerOverheadUs.Value / report.KernelsPerRun, 2) : 0;
        }
        if (trace.CountedRuns != n)
            report.Notes.Add($"the trace holds {trace.CountedRuns} counted runs for {n} frames: per-frame operator figures are over the trace's runs");

        var rows = new List<ProfileRow>();
        for (int i = 0; i < trace.OpTypes.Count; i++)
        {
            var t = trace.OpTypes[i];
            if (i < top || trace.OpTypes.Count == top + 1)
            {
                rows.Add(Row(t.OpType, "operator", (double)t.Calls / runs, t.TotalUs / runs * scale, n, frame, kernelsPerFrame * scale));
                continue;
            }
            // Fold the rest into one row.
            double rest = 0;
            int calls = 0;
            for (int j = i; j < trace.OpTypes.Count; j++) { rest += trace.OpTypes[j].TotalUs; calls += trace.OpTypes[j].Calls; }
            rows.Add(Row($"({trace.OpTypes.Count - i} more op types)", "operator", (double)calls / runs, rest / runs * scale, n, frame, kernelsPerFrame * scale));
            break;
        }
        if (!plain) rows.Add(Row("onnxruntime outside kernels", "runtime", 1, outside, n, frame, null));
        for (int s = 0; s < 6; s++)
            if (s != 2) rows.Add(Row(BenchReports.StageNames[s], "stage", 1, means[s], n, frame, null));
        rows.Sort((a, b) => b.MeanUsPerFrame.CompareTo(a.MeanUsPerFrame));
        report.Rows = rows;
        return report;
    }

    private static double[] StageMeans(ReadOnlySpan<FrameRecord> records)
    {
        var stages = BenchReports.StageSamples(records);
        var means = new double[6];
        if (records.Length == 0) return means;
        for (int s = 0; s < 6; s++)
        {
            double sum = 0;
            foreach (long v in stages[s]) sum += v / 1000.0;
            means[s] = sum / records.Length;
        }
        return means;
    }

    private static ProfileRow Row(string name, string kind, double callsPerFrame, double usPerFrame, int frames, double frameUs, double? modelUs) => new()
    {
        Name = name,
        Kind = kind,
        CallsPerFrame = Math.Round(callsPerFrame, 2),
        TotalMs = Math.Round(usPerFrame * frames / 1000, 3),
        MeanUsPerFrame = Math.Round(usPerFrame, 2),
        SharePct = frameUs > 0 ? Math.Round(100 * usPerFrame / frameUs, 2) : 0,
        ShareOfModelPct = modelUs is double m && m > 0 ? Math.Round(100 * usPerFrame / m, 2) : null,
    };
}
