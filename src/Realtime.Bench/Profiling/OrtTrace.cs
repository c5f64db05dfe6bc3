using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Realtime.Bench.Profiling;

/// <summary>Time one operator type took over the counted runs of a profile.</summary>
public sealed class OpTypeTime
{
    /// <summary>ONNX Runtime's op type (Conv, Add, FusedConv, ReorderInput …).</summary>
    public string OpType { get; set; } = "";
    /// <summary>Kernel invocations over the counted runs.</summary>
    public int Calls { get; set; }
    /// <summary>Total kernel time, µs.</summary>
    public double TotalUs { get; set; }
    /// <summary>Distinct graph nodes of this type.</summary>
    public int Nodes { get; set; }
}

/// <summary>What an ONNX Runtime profile holds, per op type, for the runs after the warm-up.</summary>
public sealed class OrtTraceSummary
{
    /// <summary>Model runs in the trace (<c>model_run</c> events).</summary>
    public int TotalRuns { get; set; }
    /// <summary>Runs counted (after the skipped warm-up runs).</summary>
    public int CountedRuns { get; set; }
    /// <summary>Sum of the counted runs' <c>model_run</c> durations, µs.</summary>
    public double RunTotalUs { get; set; }
    /// <summary>Sum of every kernel of the counted runs, µs.</summary>
    public double KernelTotalUs { get; set; }
    /// <summary>Session creation as ORT timed it (model_loading_uri + session_initialization), µs.</summary>
    public double SessionLoadUs { get; set; }
    /// <summary>Per op type, largest total first.</summary>
    public List<OpTypeTime> OpTypes { get; set; } = new();
}

/// <summary>
/// Reads ONNX Runtime's profile: a Chrome-trace JSON array of complete ("ph":"X") events, one
/// <c>model_run</c> per run (category Session) and one <c>…_kernel_time</c> per node per run
/// (category Node, <c>args.op_name</c> the op type, <c>dur</c> in µs). Read with
/// <see cref="JsonDocument"/> (no reflection, NativeAOT-safe).
/// </summary>
public static class OrtTrace
{
    /// <summary>
    /// Summarises the trace at <paramref name="path"/> over its last <paramref name="countedRuns"/>
    /// runs: the runs before them (warm-up, a shape probe) are left out.
    /// </summary>
    public static OrtTraceSummary Read(string path, int countedRuns)
    {
        using var stream = File.OpenRead(path);
        try
        {
            using var doc = JsonDocument.Parse(stream);
            return Summarize(doc.RootElement, countedRuns, path);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not an ONNX Runtime profile (malformed JSON: {ex.Message})", ex);
        }
    }

    /// <summary>Summarises trace events already parsed, over the last <paramref name="countedRuns"/> runs.</summary>
    public static OrtTraceSummary Summarize(JsonElement events, int countedRuns, string source = "trace")
    {
        if (events.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{source}: an ONNX Runtime profile is a JSON array of events");
        var runStarts = new List<(double Ts, double Dur)>();
        double sessionLoad = 0;
        foreach (var e in events.EnumerateArray())
        {
            if (Str(e, "cat") != "Session") continue;
            string? name = Str(e, "name");
            if (name == "model_run") runStarts.Add((Num(e, "ts"), Num(e, "dur")));
            else if (name is "model_loading_uri" or "model_loading_array" or "session_initialization") sessionLoad += Num(e, "dur");
        }
        runStarts.Sort((a, b) => a.Ts.CompareTo(b.Ts));
        var summary = new OrtTraceSummary { TotalRuns = runStarts.Count, SessionLoadUs = sessionLoad };
        int skip = Math.Clamp(runStarts.Count - countedRuns, 0, runStarts.Count);
        summary.CountedRuns = runStarts.Count - skip;
        // Kernels belong to the run they start in; counting starts with the first run after the skipped ones.
        double cut = skip < runStarts.Count ? runStarts[skip].Ts : double.PositiveInfinity;
        for (int i = skip; i < runStarts.Count; i++) summary.RunTotalUs += runStarts[i].Dur;

        var byType = new Dictionary<string, OpTypeTime>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var e in events.EnumerateArray())
        {
            if (Str(e, "cat") != "Node") continue;
            string? name = Str(e, "name");
            if (name is null || !name.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            if (Num(e, "ts") < cut) continue;
            string op = e.TryGetProperty("args", out var args) && Str(args, "op_name") is string o ? o : "(unknown)";
            if (!byType.TryGetValue(op, out var t)) byType[op] = t = new OpTypeTime { OpType = op };
            double dur = Num(e, "dur");
            t.Calls++;
            t.TotalUs += dur;
            summary.KernelTotalUs += dur;
            if (!nodes.TryGetValue(op, out var set)) nodes[op] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(name);
        }
        foreach (var t in byType.Values)
        {
            t.Nodes = nodes[t.OpType].Count;
            summary.OpTypes.Add(t);
        }
        summary.OpTypes.Sort((a, b) => b.TotalUs.CompareTo(a.TotalUs) is int c && c != 0 ? c : string.CompareOrdinal(a.OpType, b.OpType));
        return summary;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
