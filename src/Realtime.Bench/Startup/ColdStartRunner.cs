using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Bench.Startup;

/// <summary>
/// One way to start: a name and the extra arguments the launched run gets, and the binary it
/// launches when it is not the bench's own (an earlier build, for a before/after in one invocation).
/// A <paramref name="Standalone"/> variant's arguments are its whole command line (the floor's
/// <c>first-run</c>), not added to the run's.
/// </summary>
public sealed record ColdStartVariant(string Name, string Description, IReadOnlyList<string> Arguments, string? Binary = null, bool Standalone = false);

/// <summary>A variant's first actuation against the floor's first answer (<c>first-run</c>: the model alone, launched the same way).</summary>
public sealed class StartVsFloor
{
    /// <summary>The floor variant's name.</summary>
    public string Floor { get; set; } = "";
    /// <summary>First actuation p50 ÷ the floor's p50.</summary>
    public double P50Ratio { get; set; }
    /// <summary>First actuation max ÷ the floor's max.</summary>
    public double MaxRatio { get; set; }
    /// <summary>First actuation p50 − the floor's p50, ms.</summary>
    public double P50DeltaMs { get; set; }
    /// <summary>First actuation max − the floor's max, ms.</summary>
    public double MaxDeltaMs { get; set; }
}

/// <summary>Percentiles of one cold-start phase over the launches, ms.</summary>
public sealed class PhaseSummary
{
    /// <summary>Launches.</summary>
    public int Count { get; set; }
    /// <summary>Smallest.</summary>
    public double MinMs { get; set; }
    /// <summary>Median (nearest rank).</summary>
    public double P50Ms { get; set; }
    /// <summary>90th percentile.</summary>
    public double P90Ms { get; set; }
    /// <summary>99th percentile (with fewer than 100 launches, the largest).</summary>
    public double P99Ms { get; set; }
    /// <summary>Largest.</summary>
    public double MaxMs { get; set; }
    /// <summary>Mean.</summary>
    public double MeanMs { get; set; }
    /// <summary>Percentiles with fewer launches than MLPerf LoadGen's rule needs; null when all are established.</summary>
    public string[]? NotEstablished { get; set; }
    /// <summary>Every launch's figure, in launch order.</summary>
    public List<double> Samples { get; set; } = new();
}

/// <summary>The launches of one variant.</summary>
public sealed class ColdStartVariantResult
{
    /// <summary>Short name.</summary>
    public string Name { get; set; } = "";
    /// <summary>What the variant does.</summary>
    public string Description { get; set; } = "";
    /// <summary>The arguments each launch got.</summary>
    public List<string> Command { get; set; } = new();
    /// <summary>The binary launched.</summary>
    public string Binary { get; set; } = "";
    /// <summary>warm (a restart: the page cache holds the binary, its libraries and assets) or cold (a power-on: dropped before every launch).</summary>
    public string PageCache { get; set; } = "warm";
    /// <summary>Per phase, by the run report's cold_start_ms field name.</summary>
    public Dictionary<string, PhaseSummary> Phases { get; set; } = new();
    /// <summary>Each launch's start-up milestones in time order (its report's cold_start_ms.timeline), in launch order.</summary>
    public List<List<StartupMark>> Timelines { get; set; } = new();
    /// <summary>First actuation against the floor launched beside it (same page cache); null for the floor itself, an earlier binary's launches, or when there is no floor.</summary>
    public StartVsFloor? FirstActuationVsFloor { get; set; }
}

/// <summary>The result of <c>rtapp bench --cold-start N</c>.</summary>
public sealed class ColdStartReport
{
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version.</summary>
    public string Version { get; set; } = "";
    /// <summary>Board profile.</summary>
    public string Board { get; set; } = "";
    /// <summary>Model file.</summary>
    public string Model { get; set; } = "";
    /// <summary>Launches per variant.</summary>
    public int Launches { get; set; }
    /// <summary>Launches per variant run first and not counted (page cache, the saved model written).</summary>
    public int PrimingLaunches { get; set; }
    /// <summary>The variants, in the order given.</summary>
    public List<ColdStartVariantResult> Variants { get; set; } = new();
    /// <summary>How it was measured.</summary>
    public List<string> Notes { get; set; } = new();
    /// <summary>The machine's load averages (1, 5, 15 min, /proc/loadavg) before the first launch.</summary>
    public string? LoadBefore { get; set; }
    /// <summary>The same after the last launch.</summary>
    public string? LoadAfter { get; set; }
}

/// <summary>
/// Cold start measured the only honest way: launching the binary again and again. Each launch is
/// a fresh process given its launch time on the monotonic clock (<c>RTAPP_LAUNCH_MONO_NS</c>),
/// running one frame and writing its report, whose <c>cold_start_ms</c> split is collected.
/// Variants are interleaved launch by launch, so a machine that drifts affects them alike.
/// </summary>
public static class ColdStartRunner
{
    /// <summary>
    /// The phases collected from each launch's report: durations (runtime_start … first_inference;
    /// onnxruntime_init is the part of model_load spent waiting for ONNX Runtime's start) and the
    /// milestones timed from process start (process_to_*), in the order they happen.
    /// </summary>
    public static readonly string[] Phases =
    {
        "runtime_start", "process_to_outputs_safe", "process_to_watchdog_armed", "process_to_onnxruntime_started", "onnxruntime_init", "model_load", "process_to_sources_open", "process_to_model_loaded",
        "wiring", "scheduling_setup", "first_inference", "process_to_first_actuation",
    };

    /// <summary>
    /// Launches <paramref name="binary"/> with <paramref name="baseArguments"/> + each variant's
    /// arguments + <c>--report FILE</c>, <paramref name="priming"/> + <paramref name="launches"/>
    /// times per variant. A launch that fails stops the run with its exit code and stderr.
    /// </summary>
    /// <param name="binary">The binary to launch.</param>
    /// <param name="baseArguments">Its arguments (the run, without <c>--report</c>).</param>
    /// <param name="variants">The ways to start, interleaved launch by launch.</param>
    /// <param name="launches">Counted launches per variant.</param>
    /// <param name="priming">Uncounted launches per variant first.</param>
    /// <param name="workDir">Where the launches' reports go (each is deleted once read).</param>
    /// <param name="progress">Told after each round of launches.</param>
    /// <param name="coldPageCache">Drop the page cache before every launch (a power-on; needs root, see <see cref="PageCache.DropProblem"/>).</param>
    /// <param name="stop">Stops the launches between two of them (<see cref="OperationCanceledException"/>), the copies removed.</param>
    public static ColdStartReport Run(string binary, IReadOnlyList<string> baseArguments, IReadOnlyList<ColdStartVariant> variants,
        int launches, int priming, string workDir, Action<string>? progress = null, bool coldPageCache = false,
        System.Threading.CancellationToken stop = default)
    {
        if (launches < 1) throw new ArgumentOutOfRangeException(nameof(launches));
        Directory.CreateDirectory(workDir);
        var samples = new List<Dictionary<string, List<double>>>();
        var timelines = new List<List<List<StartupMark>>>();
        foreach (var _ in variants)
        {
            timelines.Add(new List<List<StartupMark>>());
            var d = new Dictionary<string, List<double>>();
            foreach (string p in Phases) d[p] = new List<double>(launches);
            samples.Add(d);
        }
        // A power-on's launches run copies: the bench's own mapped files would stay in memory through every drop.
        var staged = new Dictionary<string, StagedBinary>();
        try
        {
            if (coldPageCache)
                foreach (var variant in variants)
                {
                    string b = variant.Binary ?? binary;
                    if (!staged.ContainsKey(b)) staged[b] = StagedBinary.Create(b, Path.Combine(workDir, $"staged-{staged.Count}"));
                }
            for (int i = -priming; i < launches; i++)
            {
                for (int v = 0; v < variants.Count; v++)
                {
                    // A signal stops the launches between two of them; the copies go on the way out.
                    stop.ThrowIfCancellationRequested();
                    string report = Path.Combine(workDir, $"launch-{v}-{i + priming}.json");
                    var args = variants[v].Standalone ? new List<string>() : new List<string>(baseArguments);
                    args.AddRange(variants[v].Arguments);
                    args.Add("--report");
                    args.Add(report);
                    if (coldPageCache) PageCache.Drop();
                    string launched = variants[v].Binary ?? binary;
                    var (cold, timeline) = Launch(staged.TryGetValue(launched, out var copy) ? copy.Path : launched, args, report);
                    File.Delete(report);
                    if (i < 0) continue;
                    foreach (string p in Phases) samples[v][p].Add(cold.TryGetValue(p, out double ms) ? ms : 0);
                    timelines[v].Add(timeline);
                }
                if (i >= 0) progress?.Invoke($"launch {i + 1}/{launches} of each of {variants.Count} variant(s) done");
            }
        }
        finally
        {
            foreach (var copy in staged.Values) copy.Dispose();
        }

        var result = new ColdStartReport { Launches = launches, PrimingLaunches = priming };
        for (int v = 0; v < variants.Count; v++)
        {
            var vr = new ColdStartVariantResult
            {
                Name = variants[v].Name, Description = variants[v].Description, Command = variants[v].Standalone ? new List<string>() : new List<string>(baseArguments),
                PageCache = coldPageCache ? "cold" : "warm", Timelines = timelines[v], Binary = variants[v].Binary ?? binary,
            };
            vr.Command.AddRange(variants[v].Arguments);
            foreach (string p in Phases) vr.Phases[p] = Summarize(samples[v][p]);
            result.Variants.Add(vr);
        }
        return result;
    }

    /// <summary>
    /// Sets each variant's first actuation against the floor variant named <paramref name="floor"/>
    /// launched with the same page cache, except the floor's own and an earlier binary's
    /// (<c>before:</c>, whose launches the floor, this binary's, does not pair).
    /// </summary>
    public static void SetAgainstFloor(ColdStartReport report, string floor)
    {
        foreach (var f in report.Variants)
        {
            if (f.Name != floor) continue;
            var fp = f.Phases["process_to_first_actuation"];
            if (fp.P50Ms <= 0 || fp.MaxMs <= 0) continue;
            foreach (var v in report.Variants)
            {
                if (v == f || v.PageCache != f.PageCache || v.Name.StartsWith("before:", StringComparison.Ordinal)) continue;
                var p = v.Phases["process_to_first_actuation"];
                if (p.P50Ms <= 0) continue;
                v.FirstActuationVsFloor = new StartVsFloor
                {
                    Floor = floor,
                    P50Ratio = Math.Round(p.P50Ms / fp.P50Ms, 3),
                    MaxRatio = Math.Round(p.MaxMs / fp.MaxMs, 3),
                    P50DeltaMs = Math.Round(p.P50Ms - fp.P50Ms, 3),
                    MaxDeltaMs = Math.Round(p.MaxMs - fp.MaxMs, 3),
                };
            }
        }
    }

    /// <summary>Nearest-rank summary of millisecond samples (the project's percentile rule).</summary>
    public static PhaseSummary Summarize(List<double> ms)
    {
        var ns = new long[ms.Count];
        for (int i = 0; i < ns.Length; i++) ns[i] = (long)Math.Round(ms[i] * 1e6);
        var s = Percentiles.Summarize(ns);
        double min = ns.Length == 0 ? 0 : double.MaxValue;
        foreach (double x in ms) min = Math.Min(min, x);
        return new PhaseSummary
        {
            Count = s.Count,
            MinMs = Math.Round(min, 3),
            P50Ms = Math.Round(s.P50Us / 1000, 3),
            P90Ms = Math.Round(s.P90Us / 1000, 3),
            P99Ms = Math.Round(s.P99Us / 1000, 3),
            MaxMs = Math.Round(s.MaxUs / 1000, 3),
            MeanMs = Math.Round(s.MeanUs / 1000, 3),
            NotEstablished = s.NotEstablished,
            Samples = new List<double>(ms),
        };
    }

    private static (Dictionary<string, double> Phases, List<StartupMark> Timeline) Launch(string binary, List<string> args, string report)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        // The launcher's own garbage is collected before the stamp: a collection of the bench's heap
        // (the launches' reports pile up in it) landing between the stamp and the exec was counted as
        // the child's start. Seen: one launch in 160, always the 14th of the last variant, with
        // runtime_start 15-21 ms against 5.3.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // The launch time on the clock the child stamps with: its cold start starts here.
        psi.Environment["RTAPP_LAUNCH_MONO_NS"] = MonotonicClock.NowNs().ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {binary}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{binary} {string.Join(' ', args)} did not finish within 2 minutes");
        }
        p.WaitForExit();
        if (p.ExitCode != 0 || !File.Exists(report))
            throw new ColdStartLaunchException(p.ExitCode, $"{binary} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result.Trim()}");
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var result = new Dictionary<string, double>();
        var timeline = new List<StartupMark>();
        if (doc.RootElement.TryGetProperty("cold_start_ms", out var cold))
        {
            foreach (var prop in cold.EnumerateObject())
                if (prop.Value.ValueKind == JsonValueKind.Number) result[prop.Name] = prop.Value.GetDouble();
            if (cold.TryGetProperty("timeline", out var marks) && marks.ValueKind == JsonValueKind.Array)
                foreach (var m in marks.EnumerateArray())
                    if (m.TryGetProperty("phase", out var phase) && m.TryGetProperty("at_ms", out var at) && at.ValueKind == JsonValueKind.Number)
                        timeline.Add(new StartupMark { Phase = phase.GetString() ?? "", AtMs = at.GetDouble() });
        }
        GC.KeepAlive(stdout);
        return (result, timeline);
    }
}

/// <summary>A launched run failed.</summary>
public sealed class ColdStartLaunchException(int exitCode, string message) : Exception(message)
{
    /// <summary>The launch's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
