using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;

namespace Realtime.Bench.Baseline;

/// <summary>
/// An earlier bench report to set a run beside (<c>--baseline</c>): its contract fields and its
/// per-frame end-to-end latencies (<c>bench.end_to_end_ns</c>), which the tail test resamples.
/// </summary>
public sealed class BaselineRun
{
    private BaselineRun(string path, RunReport report, long[] endToEndNs)
    {
        Path = path;
        Report = report;
        EndToEndNs = endToEndNs;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Its contract fields.</summary>
    public RunReport Report { get; }
    /// <summary>Its counted frames' end-to-end latencies, ns, in run order.</summary>
    public long[] EndToEndNs { get; }

    /// <summary>The largest baseline read: a bench report's per-frame latencies take about 10 bytes a frame.</summary>
    public const int MaxBytes = 256 << 20;

    /// <summary>Reads <paramref name="path"/>; anything wrong with it is a <see cref="ProfileException"/> naming the file and the field (exit 2).</summary>
    public static BaselineRun Load(string path)
    {
        byte[] bytes = InputFile.ReadBytes(path, MaxBytes, out string? problem)
            ?? throw new ProfileException(path, new[] { $"cannot read the baseline: it {problem}" });
        string text = new System.Text.UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        RunReport? report;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
            report = JsonSerializer.Deserialize(text, ReportJsonContext.Default.RunReport);
        }
        catch (JsonException ex)
        {
            throw new ProfileException(path, new[] { $"not a bench report (JSON): {ex.Message}" });
        }
        if (root is not JsonObject obj || report is null) throw new ProfileException(path, new[] { "not a bench report: the top level must be an object" });
        if (obj["schema_version"] is null)
            throw new ProfileException(path, new[] { "schema_version: missing: the baseline must be a bench report from a version that writes its metadata" });
        if (obj["bench"]?["end_to_end_ns"] is not JsonArray samples)
            throw new ProfileException(path, new[] { "bench.end_to_end_ns: missing: the baseline must be a bench report (a run report has no per-frame latencies)" });
        var ns = new long[samples.Count];
        for (int i = 0; i < ns.Length; i++)
        {
            if (samples[i] is not JsonValue v || !v.TryGetValue(out long value) || value < 0)
                throw new ProfileException(path, new[] { $"bench.end_to_end_ns[{i}]: must be a non-negative whole number of nanoseconds" });
            ns[i] = value;
        }
        if (ns.Length == 0) throw new ProfileException(path, new[] { "bench.end_to_end_ns: empty: the baseline counted no frame" });
        return new BaselineRun(path, report, ns);
    }

    /// <summary>Sets <paramref name="current"/> (and its latencies) beside this baseline.</summary>
    public BaselineComparison Compare(RunReport current, ReadOnlySpan<long> currentNs)
    {
        var c = new BaselineComparison
        {
            File = System.IO.Path.GetFullPath(Path),
            Commit = Report.Commit,
            Host = Report.Machine.Host,
            Timestamp = Report.Timestamp,
            Scenario = Report.Scenario,
            Baseline = Percentiles.Summarize(EndToEndNs),
            Current = current.EndToEnd,
            BaselineDeadlineMisses = Report.DeadlineMisses,
            CurrentDeadlineMisses = current.DeadlineMisses,
            Tail = TailComparison.Compare(EndToEndNs, currentNs, 99),
        };
        if (Report.Scenario != current.Scenario) c.Notes.Add($"The baseline ran {Report.Scenario}, this run {current.Scenario}: the two are not measured alike.");
        if (Report.Machine.Host != current.Machine.Host || Report.Machine.CpuModel != current.Machine.CpuModel)
            c.Notes.Add($"Different machines: the baseline ran on {Report.Machine.Host} ({Report.Machine.CpuModel}), this run on {current.Machine.Host} ({current.Machine.CpuModel}).");
        if (Report.ModelSha256 is { } oldHashes && current.ModelSha256 is { } newHashes)
            foreach (var (file, sha) in newHashes)
                if (oldHashes.TryGetValue(file, out string? oldSha) && oldSha != sha) c.Notes.Add($"{file} differs from the baseline's (SHA-256 {oldSha[..12]}… then, {sha[..12]}… now).");
        if (Report.OnnxruntimeVersion is { } ov && current.OnnxruntimeVersion is { } cv && ov != cv) c.Notes.Add($"ONNX Runtime {ov} then, {cv} now.");
        c.Notes.Add("The interval is the noise of sampling within each run; a machine whose load changed between the two runs can move the tail by more.");
        return c;
    }
}

/// <summary>A run beside its baseline (the bench report's <c>bench.baseline</c>).</summary>
public sealed class BaselineComparison
{
    /// <summary>The baseline's file.</summary>
    public string File { get; set; } = "";
    /// <summary>The baseline's commit.</summary>
    public string? Commit { get; set; }
    /// <summary>The baseline's host.</summary>
    public string? Host { get; set; }
    /// <summary>When the baseline was made.</summary>
    public string? Timestamp { get; set; }
    /// <summary>The baseline's scenario.</summary>
    public string? Scenario { get; set; }
    /// <summary>The baseline's end-to-end latency.</summary>
    public LatencySummary Baseline { get; set; } = new();
    /// <summary>This run's end-to-end latency.</summary>
    public LatencySummary Current { get; set; } = new();
    /// <summary>The baseline's deadline misses.</summary>
    public int BaselineDeadlineMisses { get; set; }
    /// <summary>This run's deadline misses.</summary>
    public int CurrentDeadlineMisses { get; set; }
    /// <summary>Whether p99 moved beyond noise.</summary>
    public TailShift Tail { get; set; } = new();
    /// <summary>What a reader should know.</summary>
    public List<string> Notes { get; set; } = new();
}
