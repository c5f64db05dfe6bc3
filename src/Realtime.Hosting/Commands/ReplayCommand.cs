using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Recording;
using Realtime.Core.Reporting;
using Realtime.Linux;
using Realtime.Onnx;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp replay FILE</c>: runs the recorded application again with its sources replaced by the
/// recorded inputs. With recorded timing every stage ends at its recorded stamp, so the watchdog
/// judges the same timeline (under <c>--what-if</c> settings, another policy); with live timing the
/// stages are measured again here. Reports the hash of what reached the outputs against the recorded one,
/// the watchdog's events and the frames it decided otherwise.
/// </summary>
internal sealed class ReplayCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "replay";

    /// <inheritdoc/>
    public override string Description => "Runs a flight recording's application again on its recorded inputs (and, by default, its recorded stage times).";

    /// <inheritdoc/>
    public override string? Notes => """
        Record with: rtapp run --record FILE.mcap (every frame; a recording around misses cannot be replayed).
        What-if: --what-if watchdog.miss_policy=safe-state re-judges the same timeline under another policy (any --set path).
        Replays graph applications (a profile's app section) on a simulated board: the outputs written are the board's.
        """;

    private readonly Argument<string> _file = new("file") { Description = "The MCAP recording (rtapp run --record).", HelpName = "FILE.mcap" };
    private readonly Option<ReplayTiming?> _timing = HostOptions.Choice("--timing", "Each stage takes its recorded time (the watchdog sees what it saw), or is measured again here (default: recorded).",
        ("recorded", ReplayTiming.Recorded), ("live", ReplayTiming.Live));
    private readonly Option<string[]> _whatIf = HostOptions.Repeated("--what-if", "key=value", "Replay under another setting (any --set path, e.g. watchdog.miss_policy=safe-state; repeatable).");
    private readonly Option<string> _report = HostOptions.Text("--report", "FILE.json", "Where the replay's JSON report goes.");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print nothing but errors.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _timing, _whatIf, _report, _assets, _quiet };

    /// <inheritdoc/>
    public override IReadOnlyList<Argument> Arguments => new Argument[] { _file };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        OnnxRuntimeWarmUp.Start();
        try
        {
            return Replay(host, cl);
        }
        finally
        {
            OnnxRuntimeWarmUp.WaitUntilDone(TimeSpan.FromSeconds(10));
        }
    }

    private int Replay(RealtimeHost host, ParseResult cl)
    {
        string file = cl.GetValue(_file) ?? throw new UsageException("replay: which recording? (rtapp replay FILE.mcap)");
        string? reportPath = cl.GetValue(_report);
        if (reportPath is not null && ReportFile.CheckDestination(reportPath) is string reportProblem)
            throw new UsageException($"--report '{reportPath}': {reportProblem}");
        ReplayTiming timing = cl.GetValue(_timing) ?? ReplayTiming.Recorded;
        string[] whatIf = cl.GetValue(_whatIf) ?? [];
        bool quiet = cl.GetValue(_quiet);

        // A recording is read whole; 1 GiB is about 3,000 frames of the sim face tracker's images.
        byte[] bytes = InputFile.ReadBytes(file, 1 << 30, out string? fileProblem)
            ?? throw new ProfileException(file, new[] { fileProblem! });
        Recording recording;
        long frames, warmup;
        string board, application, nodes;
        try
        {
            recording = Recording.Read(bytes);
            frames = recording.Number(RecordingMetadata.Frames);
            warmup = recording.Number(RecordingMetadata.Warmup);
            board = recording[RecordingMetadata.Board];
            application = recording[RecordingMetadata.Application];
            nodes = recording[RecordingMetadata.Nodes];
        }
        catch (McapFormatException ex) { throw new ProfileException(file, new[] { ex.Message }); }
        if (recording.Mode == "sources")
            throw new ProfileException(file, new[] { "a recording of the sources only (rtapp record): replay needs a run's decisions and outputs (rtapp run --record)" });
        if (nodes.Length == 0)
            throw new ProfileException(file, new[] { $"a recording of '{application}', which is wired by hand: replay runs graph applications (a profile's app section)" });

        var sets = new List<string>();
        string recordedSets = recording.Run.GetValueOrDefault(RecordingMetadata.Sets, "");
        if (recordedSets.Length > 0) sets.AddRange(recordedSets.Split('\n'));
        sets.AddRange(whatIf);
        string? demo = recording.Run.GetValueOrDefault(RecordingMetadata.Demo, "") is { Length: > 0 } d ? d : null;
        var (profile, source) = ProfileCatalog.Load(board, sets, demo, host);
        var app = host.ApplicationFor(profile, source, demo);
        // The recording must be of the application this profile now composes: same name, same nodes of the same types.
        string now = RecordingMetadata.NodesOf(profile);
        if (app.Name != application || now != nodes)
            throw new ProfileException(file, new[] { $"a recording of application '{application}' ({nodes}); {source} now composes '{app.Name}' ({(now.Length == 0 ? "wired by hand" : now)}): replay needs the application that was recorded" });
        if (!profile.Simulated)
            throw new ProfileException(file, new[] { $"recorded on '{profile.Name}', a real board: replay writes the profile's outputs, so it runs on a simulated board only" });
        foreach (string name in recording.Sources.Keys)
        {
            var node = profile.App!.Nodes.Find(n => n.Name == name)
                ?? throw new ProfileException(file, new[] { $"source '{name}' of the recording is no node of the application" });
            node.Type = ReplaySource.TypeName;
            node.Config = null;
        }

        var timeline = new ReplayTimeline(recording, timing);
        var registry = host.Components.With(ReplaySource.TypeName, (name, config, context) =>
            new ReplaySource(name, recording.Sources[name], timeline, context.Clock), "a recorded source, replayed");
        var graphApp = new GraphApplication(registry, app.Name);
        FaultPlan? faults = null;
        // Live timing measures again, so the recorded run's injected faults are injected again; recorded timing carries their effect.
        if (timing == ReplayTiming.Live && recording.Run.GetValueOrDefault(RecordingMetadata.Inject, "") is { Length: > 0 } inject)
            faults = FaultPlan.Parse(inject);
        using var dropped = DroppableMemory.For(faults, out string? dropProblem);
        if (dropProblem is not null) throw new UsageException($"the recording's drop-memory fault: {dropProblem}");
        var overrides = new RunOverrides { Frames = (int)frames, WarmupFrames = (int)warmup, Scenario = LoopScenario.Periodic, Faults = faults };
        IApplicationInstance built;
        try
        {
            built = graphApp.Build(new ApplicationContext(profile, source)
            {
                AssetsDirectory = AssetLocator.Find(cl.GetValue(_assets)),
                Overrides = overrides,
                Clock = timing == ReplayTiming.Recorded ? timeline : null,
                Waiter = timing == ReplayTiming.Recorded ? timeline : null,
            });
        }
        catch (McapFormatException ex) { throw new ProfileException(file, new[] { ex.Message }); }
        using var instance = built;
        var loop = (GraphLoop)instance.Loop;
        timeline.Follow(loop);
        loop.Attach(timeline);
        if (!quiet) Console.WriteLine($"{host.ToolName} replay: {file}: {app.Name}, {recording.Frames.Count} frames, {(timing == ReplayTiming.Recorded ? "recorded" : "live")} timing{(whatIf.Length > 0 ? ", what-if " + string.Join(' ', whatIf) : "")}");
        LoopOutcome outcome = loop.Run();
        loop.ShutdownOutputs();

        var run = new RunReport();
        ReportBuilder.FillWatchdog(run, loop.Watchdog, loop.FramesRun > 0 ? loop.Records[0].StartNs : 0, ReadOnlySpan<WatchdogEvent>.Empty, 0);
        int misses = 0;
        foreach (ref readonly FrameRecord r in loop.Records)
            if ((r.Flags & FrameFlags.DeadlineMiss) != 0 && (r.Flags & FrameFlags.Warmup) == 0) misses++;
        var report = new ReplayReport
        {
            File = file,
            Application = app.Name,
            Timing = timing == ReplayTiming.Recorded ? "recorded" : "live",
            WhatIf = new List<string>(whatIf),
            FramesRecorded = recording.Frames.Count,
            FramesReplayed = loop.FramesRun,
            Outcome = loop.Fault is not null ? $"faulted: {loop.Fault.Message}" : outcome.ToString().ToLowerInvariant(),
            RecordedOutputHash = recording.OutputHashOf(),
            OutputHash = timeline.OutputHashText,
            DeadlineMisses = misses,
            WatchdogEvents = run.WatchdogEvents,
        };
        report.SameOutputs = report.OutputHash == report.RecordedOutputHash;
        foreach (var (frame, rec, rep) in timeline.Diverged)
            report.Diverged.Add(new DivergedFrame { Frame = frame, Recorded = LoopWatchdog.ActionName(rec), Replayed = LoopWatchdog.ActionName(rep) });
        if (!quiet)
        {
            Console.WriteLine($"frames: {report.FramesReplayed} of {report.FramesRecorded} ({report.Outcome}); deadline misses {misses}; watchdog events {report.WatchdogEvents.Count}");
            Console.WriteLine($"output hash: {report.OutputHash} (recorded {report.RecordedOutputHash}: {(report.SameOutputs ? "the same" : "different")})");
            if (report.Diverged.Count == 0) Console.WriteLine("decisions: every frame as recorded");
            else
            {
                var first = report.Diverged[0];
                Console.WriteLine($"decisions: {report.Diverged.Count} frame(s) decided otherwise, first frame {first.Frame} ({first.Recorded} → {first.Replayed})");
            }
        }
        if (reportPath is not null)
        {
            try { ReportFile.WriteAtomically(reportPath, JsonSerializer.Serialize(report, ReportJsonContext.Default.ReplayReport)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.Error("report", $"could not write '{reportPath}': {ReportFile.Reason(ex)}");
                return ExitCodes.ReportNotWritten;
            }
            if (!quiet) Console.WriteLine($"Report: {reportPath}");
        }
        return loop.Fault is not null ? ExitCodes.Fault : ExitCodes.Ok;
    }
}
