using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;
using Realtime.Hosting.Telemetry;
using Realtime.Linux;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp run</c> of a profile with several applications (<c>apps[]</c>): one process, each application its
/// own loop on its own <see cref="LoopThread"/> with its own watchdog thread, outputs claimed per loop across the
/// host (<see cref="OutputClaims"/>). A loop's fault puts its own outputs safe and ends that loop; the others run on.
/// A loop whose watchdog asks the process to exit (policy <c>exit</c>), and a signal, end every loop. However the
/// run ends, every output is driven safe before the report (a section per loop) is written.
/// </summary>
internal static class MultiAppRun
{
    /// <summary>What the single-loop run has read from the command line before it knew the profile runs several applications.</summary>
    internal sealed class Request
    {
        public required RealtimeHost Host { get; init; }
        public required StopRequest Stop { get; init; }
        public required StartupTimeline Startup { get; init; }
        public required string Board { get; init; }
        public required IReadOnlyList<string> Sets { get; init; }
        public required BoardProfile Composition { get; init; }
        public required string Source { get; init; }
        public string? ReportPath { get; init; }
        public int? Frames { get; init; }
        public int? WarmupFrames { get; init; }
        public LoopScenario? Scenario { get; init; }
        public FaultPlan? Faults { get; init; }
        public string? InjectLoop { get; init; }
        public bool Quiet { get; init; }
        public bool Realtime { get; init; }
        public string? Assets { get; init; }
        public string? TimingOption { get; init; }
        public bool OverrideAdmission { get; init; }
        /// <summary>No frame count: every loop runs until a signal, in constant memory, with interval reports.</summary>
        public bool Continuous { get; init; }
        /// <summary>Where a continuous run's interval reports go, a folder per loop inside it; null: the lines only.</summary>
        public string? StateDir { get; init; }
        /// <summary>Where <see cref="StateDir"/> came from (an option, or systemd's STATE_DIRECTORY), for its errors.</summary>
        public string StateField { get; init; } = "--state-dir";
        /// <summary>Live metrics, listening already; every loop is watched under its own name.</summary>
        public RunMetrics? Metrics { get; init; }
        /// <summary>After a bounded run: how long its final figures wait for one more scrape.</summary>
        public double? MetricsHoldS { get; init; }
        /// <summary>What SIGHUP does: each loop's interval report now.</summary>
        public HangupRequest? Hangup { get; init; }
    }

    // One loop, wired and running.
    private sealed class Running
    {
        public required AppLoop Loop { get; init; }
        public required IApplicationInstance Instance { get; init; }
        public required WatchdogThread Watchdog { get; init; }
        public required LoopThread Thread { get; init; }
        /// <summary>The loop's stage groups' threads when its application is pipelined (app.pipeline); null otherwise.</summary>
        public PipelineGroupThreads? Groups { get; init; }
        public SchedulingInfo WatchdogScheduling = new();
        /// <summary>The profile's scheduling.policy that set the loop's thread (null: none written).</summary>
        public string? Policy { get; init; }
        /// <summary>The host's inference arbiters (set once every loop is wired).</summary>
        public LoopArbiters? Arbiters;
        /// <summary>A continuous run's figures and interval reports for this loop; null in a bounded run.</summary>
        public ContinuousReporter? Reporter { get; init; }
        public IClosedLoop Closed => Instance.Loop;
    }

    public static int Run(Request r)
    {
        var host = r.Host;
        var loops = AppSet.Load(host, r.Board, r.Sets, r.Composition, r.Source);
        if (r.InjectLoop is string named && loops.FindIndex(l => l.Name == named) < 0)
            throw new UsageException($"--inject-loop '{MessageText.Shown(named)}': no such loop (the profile's apps[] are {Names(loops)})");
        // Admission over every loop together, before anything is wired.
        string timingPath = TimingFiles.PathFor(r.Board, r.TimingOption);
        var timing = TimingFile.Read(timingPath);
        // The profile's scheduling policy sets each loop's thread (priority or reservation) before admission judges them.
        string? policy = LoopScheduling.Apply(r.Composition, loops, timing, r.Source);
        var set = new List<(string, BoardProfile)>();
        foreach (var l in loops) set.Add((l.Name, l.Profile));
        var admission = Admission.Judge(set, r.Board, timingPath, timing,
            timing is null ? "" : TimingFiles.ProfileHash(r.Board, r.Sets, null, host), timing is null ? new MachineInfo() : MachineFacts.Read());
        Admission.RefuseAtLoad(admission, timingPath, r.OverrideAdmission);
        // Each loop's interval reports in a folder of its own (loop names are letters, digits, '-' and '_').
        if (r.StateDir is not null)
            foreach (var l in loops)
                if (ContinuousReporter.CheckStateDirectory(Path.Combine(r.StateDir, l.Name)) is string problem)
                    throw new UsageException($"{r.StateField} '{r.StateDir}': loop '{l.Name}''s folder: {problem}");
        r.Startup.Mark(StartupTimeline.ProfileLoaded);

        var claims = new OutputClaims();
        var running = new List<Running>();
        LoopArbiters? arbiters = null;
        // The machine and the process, sampled once a second on a housekeeping thread (never a loop's): for the
        // interval reports and the scrape.
        using var resources = new ResourceSampler();
        if (r.Metrics is not null) r.Metrics.Resources = resources;
        // A service's watchdog (systemd's WATCHDOG=1, a hardware watchdog) is kicked only while every loop makes progress.
        var systemd = SystemdNotifier.FromEnvironment();
        var targets = new List<IWatchdogKick>();
        if (systemd is not null) targets.Add(systemd);
        if (r.Composition.Watchdog.HardwareDevice is string device)
        {
            var hw = HardwareWatchdog.TryOpen(device, 1_000_000_000, out string? hwProblem);
            if (hw is not null) targets.Add(hw);
            else Log.Warning("note", hwProblem!);
        }
        var joint = targets.Count > 0 ? new JointWatchdogKick(targets.ToArray(), loops.Count) : null;
        // Each loop's share until its watchdog thread owns it (and disposes it); those never handed over are disposed below.
        var shares = new IWatchdogKick?[loops.Count];
        for (int i = 0; i < shares.Length; i++) shares[i] = joint?.For(i);
        try
        {
            for (int i = 0; i < loops.Count; i++)
            {
                if (r.Stop.Requested) break;
                running.Add(Wire(r, loops[i], claims, policy, resources, shares[i]));
                shares[i] = null;
            }
            // Loops that share a core (or an accelerator) take turns at inference, highest priority first.
            var sharing = new List<(string, BoardProfile, IReadOnlyList<ApplicationModel>)>();
            foreach (var x in running) sharing.Add((x.Loop.Name, x.Loop.Profile, x.Instance.Models));
            arbiters = LoopArbiters.Attach(r.Composition, sharing);
            foreach (var x in running) x.Arbiters = arbiters;
            return RunLoops(r, running, admission, resources, systemd);
        }
        finally
        {
            foreach (var share in shares) share?.Dispose();
            // Whatever happened, every loop wired so far leaves its outputs safe and releases what it owns.
            foreach (var x in running) x.Closed.ShutdownOutputs();
            foreach (var x in running)
            {
                x.Watchdog.Dispose();
                x.Reporter?.Dispose();
                x.Instance.Dispose();
            }
            arbiters?.Dispose();
        }
    }

    // Builds one loop (its outputs safe before its models load, as a single loop's) and plans its threads.
    private static Running Wire(Request r, AppLoop l, OutputClaims claims, string? policy, ResourceSampler resources, IWatchdogKick? kick)
    {
        var p = l.Profile;
        var overrides = new RunOverrides
        {
            Frames = r.Frames,
            WarmupFrames = r.WarmupFrames,
            Scenario = r.Scenario,
            Faults = r.Faults is not null && (r.InjectLoop ?? l.Name) == l.Name && (r.InjectLoop is not null || l.Index == 0) ? r.Faults : null,
            Startup = r.Startup,
        };
        IApplicationInstance instance;
        try
        {
            instance = l.Application.Build(new ApplicationContext(p, l.Source)
            {
                AssetsDirectory = r.Assets, Waiter = new ClockNanosleepWaiter(), Overrides = overrides, HostClaims = claims, LoopName = l.Name,
            });
        }
        catch (ProfileException ex)
        {
            var lines = new List<string>();
            foreach (string problem in ex.Problems) lines.Add($"{l.Field}, application {l.Entry.Demo}: {problem}");
            throw new ProfileException(r.Source, lines);
        }
        var w = p.Watchdog;
        var th = p.Threads;
        // A continuous loop keeps its latencies in histograms (constant memory), for its reports and the scrape alike.
        LoopTelemetry? telemetry = null;
        if (r.Continuous)
        {
            var graphLoop = instance.Loop.GraphLoop;
            if (graphLoop is null)
            {
                instance.Dispose();
                throw new UsageException($"--frames 0: loop '{l.Name}' ({l.Entry.Demo}) does not run on the graph loop");
            }
            telemetry = RunMetrics.For(graphLoop);
            graphLoop.Attach(telemetry);
        }
        if (r.Metrics is not null)
        {
            var modelPaths = new List<string>();
            foreach (var m in instance.Models) modelPaths.Add(m.Path);
            if (!r.Metrics.Watch(instance.Loop, l.Entry.Demo, modelPaths, w.StallTimeoutUs * 1000, telemetry, l.Name))
                Log.Warning("metrics", $"loop '{l.Name}': {l.Entry.Demo} is wired by hand, not a graph: only its models are served");
        }
        var o = instance.Loop.Options;
        ContinuousReporter? reporter = telemetry is null ? null : new ContinuousReporter(telemetry,
            new IntervalReport { Tool = r.Host.ToolName, Version = r.Host.Version, Board = p.Name, Demo = l.Entry.Demo, Loop = l.Name, RateHz = Math.Round(1e9 / o.PeriodNs, 3), DeadlineUs = o.DeadlineNs / 1000 },
            p.Telemetry.IntervalS, r.StateDir is null ? null : Path.Combine(r.StateDir, l.Name), p.Telemetry.KeepReports, Console.Out.WriteLine,
            () => RealtimeScheduling.ApplyHousekeeping(th.Telemetry?.Cores, r.Realtime, "telemetry")) { Resources = resources };
        Running? made = null;
        var watchdog = new WatchdogThread(instance.Loop, w.StallTimeoutUs * 1000, Math.Clamp(w.StallTimeoutUs * 1000 / 5, 1_000_000, 50_000_000),
            LoopWatchdog.ParseAction(w.OnStall)!.Value, kick is null ? Array.Empty<IWatchdogKick>() : new[] { kick },
            () => made!.WatchdogScheduling = r.Realtime
                ? RealtimeScheduling.ApplyToCurrentThread(th.Watchdog.Priority, th.Watchdog.Cores, lockMemory: false, thread: "watchdog")
                : RealtimeScheduling.ReadCurrentThread());
        made = new Running
        {
            Loop = l,
            Policy = policy,
            Instance = instance,
            Watchdog = watchdog,
            Thread = new LoopThread(ThreadName(l.Name), p, instance.Loop, r.Realtime),
            Groups = PipelineGroupThreads.Attach(instance.Loop, th, r.Realtime),
            Reporter = reporter,
        };
        r.Stop.Attach(instance.Loop);
        return made;
    }

    private static int RunLoops(Request r, List<Running> running, Admission.Verdict admission, ResourceSampler resources, SystemdNotifier? systemd)
    {
        var host = r.Host;
        if (r.Stop.Requested || running.Count == 0) return Finish(r, running, abandoned: false, admission, resources);
        Admission.ReportAtRun(admission);
        if (!r.Quiet)
        {
            Console.WriteLine($"{host.ToolName} {host.Version}: {r.Composition.Name}: {running.Count} applications in one host");
            foreach (var x in running)
            {
                var o = x.Closed.Options;
                var t = x.Loop.Profile.Threads.Pipeline;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  loop '{x.Loop.Name}' ({x.Loop.Entry.Demo}): {o.WarmupFrames} warm-up + {(r.Continuous ? $"frames until stopped (report every {x.Loop.Profile.Telemetry.IntervalS:0.###} s{(r.StateDir is null ? "" : $" into {Path.Combine(r.StateDir, x.Loop.Name)}")})" : $"{o.Frames} frames")}, {(o.Scenario == LoopScenario.Periodic ? $"periodic {1e9 / o.PeriodNs:0.##} Hz" : "single-stream")}, deadline {o.DeadlineNs / 1000} µs, " +
                    $"cores [{string.Join(",", t.Cores)}], {(t.Policy == "deadline" ? $"SCHED_DEADLINE runtime {t.RuntimeUs} µs" : $"priority {t.Priority}")}{(x.Policy is null ? "" : $" (scheduling.policy {x.Policy})")}"));
            }
        }
        if (r.Metrics is not null && !r.Quiet) Console.WriteLine($"metrics: http://{r.Metrics.Endpoint}/metrics");
        // SIGHUP: every loop's interval report now; the run goes on.
        if (r.Continuous)
            r.Hangup?.Set(() =>
            {
                foreach (var x in running) x.Reporter?.RequestReport();
            });
        resources.Start(() => RealtimeScheduling.ApplyHousekeeping(running[0].Loop.Profile.Threads.Telemetry?.Cores, r.Realtime, "resources"));
        foreach (var x in running) x.Reporter?.Start();
        foreach (var x in running) x.Watchdog.Start();
        foreach (var x in running) x.Thread.Start();
        bool readySent = false;

        // Wait for every loop. A loop that ends by itself (done, faulted) leaves the others running; a loop whose
        // watchdog asks the process to exit, or a stop the loops cannot honour because one is stuck, ends them all.
        long stopSeenNs = 0;
        bool abandoned = false;
        bool exitAll = false;
        while (true)
        {
            bool alive = false;
            foreach (var x in running) alive |= !x.Thread.Join(0);
            if (!alive) break;
            System.Threading.Thread.Sleep(20);
            // A service is ready once every loop is past its warm-up.
            if (!readySent && systemd is not null)
            {
                bool warm = true;
                foreach (var x in running) warm &= x.Closed.FramesRun >= x.Closed.Options.WarmupFrames;
                if (warm) readySent = systemd.Send($"READY=1\nSTATUS=running {r.Composition.Name}: {running.Count} loops");
            }
            foreach (var x in running)
            {
                bool asksExit = x.Watchdog.ExitRequested || (!x.Thread.IsAlive && x.Thread.Outcome == LoopOutcome.WatchdogExit);
                if (asksExit && !exitAll)
                {
                    exitAll = true;
                    Log.Warning("apps", $"loop '{x.Loop.Name}': its watchdog asks the process to exit; stopping every loop");
                    foreach (var y in running) y.Closed.RequestStop();
                }
            }
            if (r.Stop.Requested || exitAll)
            {
                long now = MonotonicClock.NowNs();
                long grace = 0;
                foreach (var x in running) grace = Math.Max(grace, x.Loop.Profile.Watchdog.StallTimeoutUs * 1000 + x.Closed.Options.PeriodNs);
                if (stopSeenNs == 0) stopSeenNs = now;
                else if (now - stopSeenNs > grace) { abandoned = true; break; }
            }
        }
        return Finish(r, running, abandoned, admission, resources);
    }

    private static int Finish(Request r, List<Running> running, bool abandoned, Admission.Verdict admission, ResourceSampler resources)
    {
        foreach (var x in running) x.Closed.ShutdownOutputs();
        long safeDoneNs = MonotonicClock.NowNs();
        foreach (var x in running) x.Watchdog.Dispose();
        // The final report is the run's last word: no interval report after it.
        foreach (var x in running) x.Reporter?.Dispose();
        resources.Stop();
        bool stillStuck = false;
        foreach (var x in running) stillStuck |= x.Thread.IsAlive;
        abandoned &= stillStuck;

        var sections = new List<RunReport>();
        int exitCode = ExitCodes.Ok;
        foreach (var x in running)
        {
            var section = Section(r, x, safeDoneNs, admission);
            sections.Add(section);
            // The worst loop's code is the process's: a crash first, then a watchdog's exit.
            if (section.ExitCode == ExitCodes.Fault || (exitCode == ExitCodes.Ok && section.ExitCode != ExitCodes.Ok)) exitCode = section.ExitCode;
        }
        var report = Total(r, sections, exitCode);
        string? reportError = r.ReportPath is null ? null : TryWrite(r.ReportPath, report);
        if (!r.Quiet || reportError is not null) PrintSummary(report, reportError is null ? r.ReportPath : null);
        if (reportError is not null)
        {
            Log.Error("report", $"could not write '{r.ReportPath}': {reportError} — the summary above holds what was measured; the outputs are in their safe state");
            if (exitCode == ExitCodes.Ok) exitCode = ExitCodes.ReportNotWritten;
        }
        foreach (var x in running)
            if (x.Closed.Fault is { } fault)
                Log.Error("fault", $"loop '{x.Loop.Name}': {fault.Message} — its outputs were driven to their safe state; the other loops ran on; the report holds what was measured");
        // A bounded run's last frames reach the scraper: the final figures stay up until read once more (a signal ends the wait).
        if (r.Metrics is not null && !abandoned && r.MetricsHoldS is double hold && hold > 0)
            r.Metrics.HoldForFinalScrape(TimeSpan.FromSeconds(hold), () => r.Stop.Requested);
        if (abandoned)
        {
            // A loop thread is stuck inside a stage; the process ends without waiting for it.
            Console.Out.Flush();
            Environment.Exit(exitCode);
        }
        return exitCode;
    }

    // One loop's section: a single loop's report of what it measured.
    private static RunReport Section(Request r, Running x, long safeDoneNs, Admission.Verdict admission)
    {
        var loop = x.Closed;
        var instance = x.Instance;
        long runStartNs = loop.FirstFrameStartNs > 0 ? loop.FirstFrameStartNs : x.Thread.StartNs;
        LoopOutcome outcome = x.Thread.IsAlive ? (x.Watchdog.ExitRequested ? LoopOutcome.WatchdogExit : LoopOutcome.Stopped)
            : x.Thread.StartNs == 0 ? LoopOutcome.Stopped : x.Thread.Outcome;
        int exitCode = RunCommand.ExitCodeFor(outcome, loop.Watchdog.ExitRequestedBy, x.Watchdog.ExitRequested, loop.Fault is not null);
        var records = loop.Records;
        var scheduling = x.Thread.Scheduling;
        scheduling.Watchdog = x.WatchdogScheduling;
        scheduling.Tid = x.Thread.Tid;
        scheduling.PlannedBy = x.Policy;
        var section = new RunReport
        {
            Tool = r.Host.ToolName,
            Version = r.Host.Version,
            Commit = r.Host.Commit,
            Board = x.Loop.Profile.Name,
            Demo = x.Loop.Entry.Demo,
            Loop = x.Loop.Name,
            Model = RunCommand.ModelNames(instance.Models),
            Outcome = RunCommand.OutcomeText(outcome, r.Stop),
            Fault = loop.Fault?.Message,
            StartupPhase = loop.FramesRun > 0 ? "running" : "wired",
            OutputWriteFailures = loop.OutputWriteFailures,
            OutputError = loop.FirstOutputError?.Message,
            ExitCode = exitCode,
            Machine = MachineFacts.Read(),
            Scheduling = scheduling,
            Admission = admission.Loops.TryGetValue(x.Loop.Name, out var predicted) ? predicted : null,
            InferenceArbiter = x.Arbiters?.ReportFor(x.Loop.Name),
            Pipeline = x.Groups?.Reports(),
            GcCollections = loop.CountedGcCollections,
            GcPauseMs = Math.Round(loop.CountedGcPause.TotalMilliseconds, 3),
            // Measured on the loop's own thread (GC.GetAllocatedBytesForCurrentThread): the other loops' allocations are not in it.
            AllocBytesPerFrame = loop.CountedFramesMeasured > 0 ? Math.Round((double)loop.CountedAllocatedBytes / loop.CountedFramesMeasured, 3) : 0,
        };
        ReportBuilder.FillTiming(section, records, loop.Options, x.Loop.Profile.Timing.BudgetsUs);
        x.Reporter?.FillFinal(section, loop.Options.RingFrames, section.Frames);
        ReportMetadata.Stamp(section, r.Host.Commit, ReportMetadata.Paths(instance.Models));
        foreach (var m in instance.Models) section.ModelRuns += m.Engine.Runs;
        if (loop is GraphLoop graphLoop && instance is GraphApplicationInstance) section.Nodes = RunCommand.NodeFigures(graphLoop.Graph);
        ReportBuilder.FillWatchdog(section, loop.Watchdog, runStartNs, x.Watchdog.Events, x.Watchdog.Stalls);
        instance.FillMetrics(section.Metrics, records);
        var applied = loop.Applied;
        var values = new float[applied.Count];
        for (int i = 0; i < values.Length; i++) values[i] = applied.Values[i];
        var safe = instance.SafeCommand;
        bool isSafe = applied.Count == safe.Count;
        for (int i = 0; i < safe.Count && isSafe; i++) isSafe = applied.Values[i] == safe.Values[i];
        section.OutputsAtExit = new OutputsAtExit
        {
            Safe = isSafe,
            Values = values,
            SafeWrittenAtMs = loop.LastSafeWriteNs > 0 ? Math.Round((loop.LastSafeWriteNs - runStartNs) / 1e6, 3) : null,
            ReportAtMs = Math.Round((Math.Max(MonotonicClock.NowNs(), safeDoneNs) - runStartNs) / 1e6, 3),
        };
        foreach (string note in scheduling.Notes) Log.Warning("note", $"loop '{x.Loop.Name}': {note}");
        return section;
    }

    // The run's top level: what it was and how it ended, the loops' totals, and the sections.
    private static RunReport Total(Request r, List<RunReport> sections, int exitCode)
    {
        var names = new List<string>();
        foreach (var s in sections) names.Add(s.Loop!);
        var total = new RunReport
        {
            Tool = r.Host.ToolName,
            Version = r.Host.Version,
            Commit = r.Host.Commit,
            Board = r.Composition.Name,
            Demo = string.Join(",", names),
            Outcome = r.Stop.Requested ? $"stopped ({r.Stop.SignalName})" : "completed",
            StartupPhase = sections.Count == 0 ? "profile-loaded" : "running",
            ExitCode = exitCode,
            Machine = MachineFacts.Read(),
            Scenario = sections.Count > 0 ? sections[0].Scenario : "",
            Loops = sections,
        };
        var models = new List<string>();
        foreach (var s in sections)
        {
            if (s.Model.Length > 0) models.Add(s.Model);
            total.Frames += s.Frames;
            total.WarmupFrames += s.WarmupFrames;
            total.DeadlineMisses += s.DeadlineMisses;
            total.DroppedFrames += s.DroppedFrames;
            total.WatchdogTrips += s.WatchdogTrips;
            total.SafeStateEntries += s.SafeStateEntries;
            total.OutputWriteFailures += s.OutputWriteFailures;
            total.ModelRuns += s.ModelRuns;
            total.AllocBytesPerFrame = Math.Max(total.AllocBytesPerFrame, s.AllocBytesPerFrame);
            total.GcCollections = Math.Max(total.GcCollections, s.GcCollections);
            // The run's outcome is the first loop's that did not complete (a fault, a watchdog's exit).
            if (total.Outcome == "completed" && s.Outcome != "completed") total.Outcome = $"{s.Outcome} (loop '{s.Loop}')";
            total.Fault ??= s.Fault is null ? null : $"loop '{s.Loop}': {s.Fault}";
        }
        total.Model = string.Join(", ", models);
        return total;
    }

    // A line per loop, then where the report went.
    private static void PrintSummary(RunReport report, string? reportPath)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Run: {report.Outcome}, {report.Loops?.Count ?? 0} loops in one host; {report.DeadlineMisses} deadline misses, {report.DroppedFrames} dropped frames in all"));
        Console.WriteLine(string.Create(c, $"{"loop",-14} {"demo",-14} {"Hz",7} {"deadline",9} {"frames",7} {"misses",6} {"dropped",7} {"p50 µs",9} {"p99 µs",9} {"max µs",9} {"predicted",9} {"B/frame",8}  scheduling (kernel) / outcome"));
        foreach (var s in report.Loops ?? new List<RunReport>())
            Console.WriteLine(string.Create(c,
                $"{s.Loop,-14} {s.Demo,-14} {s.RateHz,7:0.##} {s.DeadlineUs,9} {s.Frames,7} {s.DeadlineMisses,6} {s.DroppedFrames,7} {s.EndToEnd.P50Us,9:0.0} {s.EndToEnd.P99Us,9:0.0} {s.EndToEnd.MaxUs,9:0.0} {(s.Admission is { } a ? a.PredictedWorstResponseUs.ToString("0", c) : "-"),9} {s.AllocBytesPerFrame,8:0.##}  " +
                $"{s.Scheduling.Describe()}{(s.Scheduling.PlannedBy is null ? "" : $" ({s.Scheduling.PlannedBy})")} / {s.Outcome}"));
        if (reportPath is not null) Console.WriteLine($"Report: {reportPath}");
    }

    private static string? TryWrite(string path, RunReport report)
    {
        try
        {
            ReportFile.WriteAtomically(path, JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ReportFile.Reason(ex);
        }
    }

    // The kernel keeps 15 characters of a thread's name: "rt-" and as much of the loop's as fits.
    private static string ThreadName(string loop) => ("rt-" + loop).Length > 15 ? ("rt-" + loop)[..15] : "rt-" + loop;

    private static string Names(List<AppLoop> loops)
    {
        var names = new List<string>();
        foreach (var l in loops) names.Add(l.Name);
        return string.Join(", ", names);
    }
}
