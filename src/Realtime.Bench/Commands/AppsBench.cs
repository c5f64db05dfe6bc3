using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Hosting;
using Realtime.Linux;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp bench --apps a,b,c</c>: the named <c>apps[]</c> entries of a profile run together in one host
/// under each scheduling policy in turn (manual, fixed-priority, edf), each a launch of <c>rtapp run</c> (the
/// host's own path: policy applied, threads read back from the kernel, admission's prediction in each loop's
/// section), optionally with <c>stress-ng</c> on the cores no loop is pinned to. Prints, per policy and loop,
/// misses, response p50/p99/max and admission's predicted worst response and margin beside the observed maximum.
/// </summary>
internal static class AppsBench
{
    /// <summary>The policies run, in this order.</summary>
    public static readonly string[] Policies = { "manual", "fixed-priority", "edf" };

    /// <summary>What the command line asked.</summary>
    public sealed class Request
    {
        public required string Board { get; init; }
        public required IReadOnlyList<string> Sets { get; init; }
        public required int Frames { get; init; }
        public int? Warmup { get; init; }
        public string? Timing { get; init; }
        public string? Assets { get; init; }
        public bool Realtime { get; init; }
        public bool Stress { get; init; }
        public string? ReportPath { get; init; }
        public string Version { get; init; } = "";
    }

    /// <summary>
    /// The entries <paramref name="names"/> (a comma list) of <paramref name="composition"/>'s <c>apps[]</c>, in the order
    /// given; a name that is not an entry, or given twice, is the command line's mistake.
    /// </summary>
    public static List<AppEntryProfile> Select(BoardProfile composition, string board, string names)
    {
        if (composition.Apps is not { Count: > 0 } entries)
            throw new UsageException($"--apps names apps[] entries of a profile that runs several applications; '{board}' has no apps[]");
        var known = new List<string>();
        foreach (var e in entries) known.Add(e.Name);
        var chosen = new List<AppEntryProfile>();
        foreach (string raw in names.Split(','))
        {
            string name = raw.Trim();
            var entry = entries.Find(e => e.Name == name)
                ?? throw new UsageException($"--apps: '{MessageText.Shown(name)}' is no apps[] entry of '{board}' (its entries are {string.Join(", ", known)})");
            if (chosen.Contains(entry)) throw new UsageException($"--apps: '{name}' is named twice");
            chosen.Add(entry);
        }
        return chosen;
    }

    /// <summary>Runs <paramref name="entries"/> under each policy; the exit code is the first launch's that failed (2: bad input), else 0.</summary>
    public static int Run(Request q, List<AppEntryProfile> entries, BoardProfile composition)
    {
        string binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where this binary is (Environment.ProcessPath)");
        if (q.Stress && FindOnPath("stress-ng") is null)
            throw new UsageException("--stress: stress-ng is not installed (scripts/setup-system.sh installs it)");
        var names = new List<string>();
        foreach (var e in entries) names.Add(e.Name);
        var report = new AppsBenchReport
        {
            Board = composition.Name,
            Apps = names,
            Frames = q.Frames,
            Stress = q.Stress,
            LoadAverageBefore = MachineFacts.LoadAverage(),
        };
        string dir = Directory.CreateTempSubdirectory("rtapp-bench-apps-").FullName;
        int exit = 0;
        try
        {
            Console.WriteLine($"rtapp {q.Version} bench --apps {string.Join(",", names)}: {composition.Name}, {q.Frames} frames per policy under {string.Join(", ", Policies)}" +
                $"{(q.Stress ? ", stress-ng on the cores no loop is pinned to" : "")} (load {report.LoadAverageBefore ?? "unknown"})");
            foreach (string policy in Policies)
            {
                var run = RunPolicy(q, binary, entries, composition, policy, Path.Combine(dir, policy + ".json"));
                report.Runs.Add(run);
                Print(run);
                if (exit == 0 && run.ExitCode != 0) exit = run.ExitCode;
            }
            report.LoadAverageAfter = MachineFacts.LoadAverage();
            Console.WriteLine($"Load average after: {report.LoadAverageAfter ?? "unknown"}");
            if (q.ReportPath is not null)
            {
                ReportFile.WriteAtomically(q.ReportPath, JsonSerializer.Serialize(report, BenchJsonContext.Default.AppsBenchReport));
                Console.WriteLine($"Report: {q.ReportPath}");
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
        return exit;
    }

    private static AppsBenchRun RunPolicy(Request q, string binary, List<AppEntryProfile> entries, BoardProfile composition, string policy, string reportPath)
    {
        bool edf = policy == "edf";
        var args = new List<string> { "run", "--board", q.Board };
        foreach (string set in q.Sets) { args.Add("--set"); args.Add(set); }
        // edf refuses a pinned loop (SCHED_DEADLINE threads span the root domain): the bench unpins them for that run.
        args.Add("--set"); args.Add("apps=" + EntriesJson(entries, unpinned: edf));
        args.Add("--set"); args.Add("scheduling.policy=" + policy);
        args.AddRange(new[] { "--frames", q.Frames.ToString(CultureInfo.InvariantCulture), "--report", reportPath, "--quiet", "--override-admission" });
        if (q.Warmup is int w) { args.Add("--warmup"); args.Add(w.ToString(CultureInfo.InvariantCulture)); }
        if (q.Timing is not null) { args.Add("--timing"); args.Add(q.Timing); }
        if (q.Assets is not null) { args.Add("--assets"); args.Add(q.Assets); }
        if (!q.Realtime) args.Add("--no-rt");

        var run = new AppsBenchRun { Policy = policy, Unpinned = edf };
        Process? stress = null;
        try
        {
            if (q.Stress)
            {
                run.StressCores = StressCores(entries, composition, edf);
                stress = StartStress(run.StressCores);
            }
            var (code, stderr) = Launch(binary, args, LaunchLimit(entries, composition, q.Frames + (q.Warmup ?? 0)));
            run.ExitCode = code;
            if (File.Exists(reportPath))
                run.Report = JsonSerializer.Deserialize(File.ReadAllText(reportPath), ReportJsonContext.Default.RunReport);
            if (code != 0 || run.Report is null) run.Error = LastError(stderr) ?? $"rtapp run exited {code} and wrote no report";
        }
        finally
        {
            if (stress is not null)
            {
                try { stress.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                stress.WaitForExit();
                stress.Dispose();
            }
        }
        return run;
    }

    // The apps[] list the run takes: the chosen entries as written, their cores left out under edf.
    private static string EntriesJson(List<AppEntryProfile> entries, bool unpinned)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                w.WriteString("demo", e.Demo);
                if (e.RateHz is double rate) w.WriteNumber("rate_hz", rate);
                if (e.DeadlineUs is long deadline) w.WriteNumber("deadline_us", deadline);
                if (unpinned) { w.WriteStartArray("cores"); w.WriteEndArray(); }
                else if (e.Cores is { } cores)
                {
                    w.WriteStartArray("cores");
                    foreach (int c in cores) w.WriteNumberValue(c);
                    w.WriteEndArray();
                }
                if (e.Priority is int priority) w.WriteNumber("priority", priority);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // The cores no chosen loop is pinned to; all of them when the loops cover every core (or none is pinned, as under edf).
    private static int[] StressCores(List<AppEntryProfile> entries, BoardProfile composition, bool unpinned)
    {
        int n = OnlineCpus.Count();
        var used = new HashSet<int>();
        if (!unpinned)
            foreach (var e in entries)
                foreach (int c in e.Cores ?? composition.Threads.Pipeline.Cores) used.Add(c);
        var others = new List<int>();
        for (int c = 0; c < n; c++) if (!used.Contains(c)) others.Add(c);
        if (others.Count == 0 || used.Count == 0)
        {
            others.Clear();
            for (int c = 0; c < n; c++) others.Add(c);
        }
        return others.ToArray();
    }

    private static Process StartStress(int[] cores)
    {
        var psi = new ProcessStartInfo(FindOnPath("stress-ng")!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // CPU, cache and memory stressors at SCHED_OTHER, as scripts/bench-rt.sh loads a core.
        foreach (string a in new[] { "--cpu", cores.Length.ToString(CultureInfo.InvariantCulture), "--taskset", string.Join(",", cores), "--cache", "1", "--vm", "1", "--vm-bytes", "128M", "--quiet", "--timeout", "0" })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start stress-ng");
        p.OutputDataReceived += static (_, _) => { };
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        System.Threading.Thread.Sleep(1000);   // its workers started before the loops are
        return p;
    }

    // Long enough for the slowest loop's frames three times over, and a minute for start-up.
    private static TimeSpan LaunchLimit(List<AppEntryProfile> entries, BoardProfile composition, int frames)
    {
        double slowestHz = double.PositiveInfinity;
        foreach (var e in entries) slowestHz = Math.Min(slowestHz, e.RateHz ?? composition.Timing.RateHz);
        double seconds = slowestHz > 0 && !double.IsInfinity(slowestHz) ? frames / slowestHz : frames;
        return TimeSpan.FromSeconds(60 + 3 * seconds);
    }

    private static (int Code, string Stderr) Launch(string binary, List<string> args, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {binary}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (124, $"error: rtapp run did not finish within {limit.TotalSeconds:0} s");
        }
        p.WaitForExit();
        GC.KeepAlive(stdout);
        return (p.ExitCode, stderr.Result);
    }

    // The launch's error line (the host writes bad input as one line starting "error").
    private static string? LastError(string stderr)
    {
        string? found = null;
        foreach (string line in stderr.Split('\n'))
            if (line.Contains("error", StringComparison.OrdinalIgnoreCase)) found = line.Trim();
        return found;
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static void Print(AppsBenchRun run)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"policy {run.Policy}{(run.Unpinned ? " (loops unpinned: SCHED_DEADLINE spans the root domain)" : "")}" +
            $"{(run.StressCores is { } sc ? $", stress-ng on cores [{string.Join(",", sc)}]" : "")}: exit {run.ExitCode}"));
        if (run.Error is not null) Console.WriteLine($"  {run.Error}");
        if (run.Report?.Loops is not { } loops) return;
        Console.WriteLine(string.Create(c, $"  {"loop",-12} {"frames",7} {"misses",6} {"p50 µs",9} {"p99 µs",9} {"max µs",9} {"predicted",10} {"margin",9} {"max/pred",8}  scheduling (kernel)"));
        foreach (var s in loops)
        {
            var a = s.Admission;
            string ratio = a is { PredictedWorstResponseUs: > 0 } ? (s.EndToEnd.MaxUs / a.PredictedWorstResponseUs).ToString("0.00", c) : "-";
            Console.WriteLine(string.Create(c,
                $"  {s.Loop,-12} {s.Frames,7} {s.DeadlineMisses,6} {s.EndToEnd.P50Us,9:0} {s.EndToEnd.P99Us,9:0} {s.EndToEnd.MaxUs,9:0} " +
                $"{(a is null ? "-" : a.PredictedWorstResponseUs.ToString("0", c)),10} {(a is null ? "-" : a.MarginUs.ToString("0", c)),9} {ratio,8}  {s.Scheduling.Describe()}"));
        }
    }

}
