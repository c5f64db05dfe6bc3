using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Scheduling;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Gpio.Power;
using Realtime.Linux;
using Realtime.Hosting.Telemetry;
using Realtime.Onnx;

namespace Realtime.Hosting.Commands;

/// <summary><c>rtapp run</c>: one demo's closed loop, its watchdog, its summary and its report.</summary>
internal sealed class RunCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "run";

    /// <inheritdoc/>
    public override string Description => "Runs an application's closed loop on a board profile, prints a summary and writes the JSON report.";

    /// <inheritdoc/>
    public override string? Notes => """
        Defaults: --board sim, the profile's application, frames and warm-up; periodic at the profile's rate.
        Without --floor the model runs once a period (--no-floor, from when the floor was on by default, changes nothing).
        Fault injection (exercise the watchdog): --inject "slow:infer:20:from=100:to=160,stall-source:500:at=300,
          crash:decode:at=50,dead-source:from=10:to=20,garbage-source:from=10:to=20" (times in ms, frames from 0).
        """;

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application to run (default: the profile's).");
    private readonly Option<int?> _frames = HostOptions.Number("--frames", 0, ProfileLoader.MaxFrames, "N", "Counted frames (default: the profile's); 0 runs until SIGTERM/SIGINT (continuous: histograms, interval reports, SIGHUP writes one now).");
    private readonly Option<int?> _warmup = HostOptions.Number("--warmup", 0, ProfileLoader.MaxWarmupFrames, "N", "Warm-up frames before counting (default: the profile's).");
    private readonly Option<LoopScenario?> _scenario = HostOptions.Choice("--scenario", "Paced at the profile's rate, or each frame as soon as the last is done (default: periodic).",
        ("periodic", LoopScenario.Periodic), ("single-stream", LoopScenario.SingleStream));
    private readonly Option<string> _report = HostOptions.Text("--report", "FILE.json", "Where the JSON report goes (checked before anything moves).");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<string> _inject = HostOptions.Text("--inject", "FAULTS", "Faults to inject, comma-separated (below).");
    private readonly Option<bool> _floor = HostOptions.Flag("--floor", "Also run the model alone after each frame (an instrument: the model runs twice a period).");
    private readonly Option<bool> _noFloor = HostOptions.Flag("--no-floor", "Accepted and ignored (the floor is off unless asked).");
    private readonly Option<bool> _noRt = HostOptions.Flag("--no-rt", "Do not ask for SCHED_FIFO, affinity or mlockall.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print only the summary.");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<SavedModelFormat?> _optimizedModel = HostOptions.Choice("--optimized-model", "Load the model's saved optimized form (saved first when missing).",
        ("onnx", SavedModelFormat.Onnx), ("ort", SavedModelFormat.Ort));
    private readonly Option<string> _metrics = HostOptions.Text("--metrics", "HOST:PORT",
        "Serve live metrics while the loop runs: Prometheus text at /metrics and /healthz, from the telemetry thread (e.g. 127.0.0.1:9464).");
    private readonly Option<double?> _metricsHold = HostOptions.Real("--metrics-hold", 0, 3600, "SECONDS",
        "With --metrics: after the loop ends (outputs safe, report written), keep serving the final figures until one more scrape has read them, for at most this long.");
    private readonly Option<string> _stateDir = HostOptions.Text("--state-dir", "DIR",
        "A continuous run's interval reports go here (default: $STATE_DIRECTORY, as systemd's StateDirectory= sets it; else stdout only).");
    private readonly Option<string> _record = HostOptions.Text("--record", "FILE.mcap", "Record every frame (inputs, stamps, model outputs, commands, watchdog decisions) into an MCAP file, from a writer thread off the loop.");
    private readonly Option<string> _recordOnMiss = HostOptions.Text("--record-on-miss", "DIR",
        "Record only the frames around each miss or fault (half the ring before, half after), each window into its own MCAP file in DIR; the oldest go past telemetry.keep_recordings files or telemetry.recordings_max_mb.");
    private readonly Option<int?> _recordFrames = HostOptions.Number("--record-frames", 2, 4096, "N", "The flight recorder's ring, in frames (default 64): what --record-on-miss keeps around a miss, and the writer's slack.");
    private readonly Option<string> _cache = HostOptions.Text("--cache", "DIR", "Where --optimized-model keeps the saved model (default: out/ort-cache).");
    private readonly Option<string> _videoCache = HostOptions.Text("--video-cache", "DIR",
        "Keep the decoded frames of the videos the application plays (a simulated camera's world) in DIR, decoding them there once, and play them from there: no video decoder loads at start.");
    private readonly Option<string> _timing = HostOptions.Text("--timing", "FILE.json", "The timing file admission judges the loop by (default: beside the profile, NAME.timing.json; rtapp bench --calibrate writes it).");
    private readonly Option<string> _injectLoop = HostOptions.Text("--inject-loop", "NAME", "With several applications (apps[]): the loop --inject's faults go into (default: the first).");
    private readonly Option<bool> _overrideAdmission = HostOptions.Flag(Admission.OverrideFlag, "Run a loop that admission refuses (its worst case cannot meet the deadline), with a warning.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[]
    {
        _board, _demo, _frames, _warmup, _scenario, _report, _assets, _inject, _floor, _noFloor, _noRt, _quiet, _set, _optimizedModel, _cache, _videoCache, _metrics, _metricsHold, _stateDir, _record, _recordOnMiss, _recordFrames, _timing, _overrideAdmission, _injectLoop,
    };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        // Cold start: ONNX Runtime's library and environment start on their own thread once the
        // outputs are safe and the watchdog runs (see ArmWatchdog), so that nothing heavy competes
        // with the way to a safe board. Its telemetry switch is set now, while this is the only
        // thread. However the run ends, the process leaves only once that thread is out of ONNX
        // Runtime's start (an exit under it crashes).
        OnnxRuntimeWarmUp.QuietTelemetry();
        RealtimeScheduling.GrowNativeHeapInLargeSteps();
        try
        {
            return Run(host, cl, mainNs);
        }
        finally
        {
            OnnxRuntimeWarmUp.WaitUntilDone(TimeSpan.FromSeconds(10));
        }
    }

    private int Run(RealtimeHost host, ParseResult cl, long mainNs)
    {
        // Signals first: from here on a SIGINT/SIGTERM stops the run cleanly at any moment of
        // start-up (outputs safe, a report of how far it got), never killing the process.
        var stop = new StopRequest();
        using var signals = new StopSignals(stop.Raise);
        // SIGHUP (systemctl reload) from the first moment too: its default action would end the process without a safe
        // stop or a report. What it asks for (an interval report now, a recorder's ring into a file) is set once those exist.
        var hangup = new HangupRequest();
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; hangup.Raise(); });

        // The timeline stamps each start-up milestone for the report.
        var startup = new StartupTimeline();
        startup.Mark(StartupTimeline.Main, mainNs);
        var (processStartNs, startSource) = MachineFacts.ProcessStart();
        string board = cl.GetValue(_board) ?? "sim";
        string? demoArg = cl.GetValue(_demo);
        if (demoArg is not null && !host.Applications.Has(demoArg))
            throw new UsageException(host.Applications.Unknown(demoArg));
        // The report's destination is checked before anything moves: a run must not measure for
        // minutes and then find it cannot say what it measured.
        string? reportPath = cl.GetValue(_report);
        if (reportPath is not null && ReportFile.CheckDestination(reportPath) is string reportProblem)
            throw new UsageException($"--report '{reportPath}': {reportProblem}");
        string? recordPath = cl.GetValue(_record);
        string? recordOnMiss = cl.GetValue(_recordOnMiss);
        if (recordPath is not null && recordOnMiss is not null)
            throw new UsageException("--record and --record-on-miss: give one (a recording of every frame already holds the frames around each miss)");
        string? recording = recordPath ?? recordOnMiss;
        if (recordPath is not null && ReportFile.CheckDestination(recordPath) is string recordProblem)
            throw new UsageException($"--record '{recordPath}': {recordProblem}");
        if (recordOnMiss is not null && CheckRecordingFolder(recordOnMiss) is string folderProblem)
            throw new UsageException($"--record-on-miss '{recordOnMiss}': {folderProblem}");
        if (stop.Requested) return StoppedDuringStartup(host, stop, "starting", board, demoArg ?? "", reportPath);
        var (profile, source) = ProfileCatalog.Load(board, cl.GetValue(_set) ?? [], demoArg, host);
        // A node that is there must be a watchdog before anything is wired (it is opened, and armed, only after);
        // a missing one is noted when the watchdog thread starts, and the run goes on without it.
        if (profile.Watchdog.HardwareDevice is string wdDevice && Path.Exists(wdDevice) && HardwareWatchdog.Check(wdDevice, out _) is string wdProblem)
            throw new ProfileException(source, new[] { $"watchdog.hardware_device: {wdProblem}" });
        // Several applications in one host (apps[]) unless --demo picks one of them to run alone.
        if (demoArg is null && AppSet.Runs(profile)) return RunApps(host, cl, stop, hangup, startup, board, profile, source, reportPath, recording);
        if (cl.GetValue(_injectLoop) is not null) throw new UsageException("--inject-loop: only a profile with several applications (apps[]) has loops to choose from");
        var application = host.ApplicationFor(profile, source, demoArg);
        string demoName = application.Name;
        // Admission before anything is wired: a set whose measured worst case cannot meet its deadline does not start (unless overridden).
        string timingPath = TimingFiles.PathFor(board, cl.GetValue(_timing));
        var timing = TimingFile.Read(timingPath);
        var admission = Admission.Judge(profile, demoName, board, timingPath, timing,
            timing is null ? "" : TimingFiles.ProfileHash(board, cl.GetValue(_set) ?? [], demoArg, host), timing is null ? new MachineInfo() : MachineFacts.Read());
        Admission.RefuseAtLoad(admission, timingPath, cl.GetValue(_overrideAdmission));
        LoopScenario? scenario = cl.GetValue(_scenario);
        FaultPlan? faults = null;
        if (cl.GetValue(_inject) is string spec)
        {
            try { faults = FaultPlan.Parse(spec); }
            catch (FormatException ex) { throw new UsageException($"--inject: {ex.Message}"); }
        }
        var overrides = new RunOverrides
        {
            Frames = cl.GetValue(_frames),
            WarmupFrames = cl.GetValue(_warmup),
            Scenario = scenario,
            // The floor is an instrument (the model runs twice a period): only when asked.
            MeasureFloor = cl.GetValue(_floor),
            Faults = faults,
            // A saved optimized model (written once into the cache, then loaded with graph optimizations off) shortens cold start.
            OptimizedModelCacheDir = cl.GetValue(_optimizedModel) is null ? null : cl.GetValue(_cache) ?? System.IO.Path.Combine("out", "ort-cache"),
            OptimizedModelFormat = cl.GetValue(_optimizedModel) ?? Realtime.Onnx.SavedModelFormat.Onnx,
            // A model ladder takes its rungs' times from the calibration (else it times them at start).
            LadderTimings = timing?.Loop(demoName) is { } calibrated ? new Realtime.Core.Scheduling.LadderTimings(calibrated, timingPath) : null,
            VideoCacheDir = cl.GetValue(_videoCache),
        };
        // Continuous mode: no frame count (timing.frames 0 or --frames 0), until SIGTERM/SIGINT, in constant memory.
        bool continuous = (overrides.Frames ?? profile.Timing.Frames) == 0;
        // Recording every frame of a run that has no end would fill the disk (the sim face tracker writes about 11 MB a second).
        if (continuous && recordPath is not null)
            throw new UsageException("--record: a continuous run (--frames 0) has no end, and a recording of every frame would fill the disk; record a bounded run (--frames N), or only the frames around misses (--record-on-miss)");
        long framesPlanned = continuous ? int.MaxValue : (long)(overrides.WarmupFrames ?? profile.Timing.WarmupFrames) + (overrides.Frames ?? profile.Timing.Frames);
        try { faults?.CheckWithin((int)framesPlanned); }
        catch (FormatException ex) { throw new UsageException($"--inject: {ex.Message}"); }
        // A drop-memory fault's buffer, mapped once before the loop is wired.
        using var dropped = DroppableMemory.For(faults, out string? dropProblem);
        if (dropProblem is not null) throw new UsageException($"--inject: drop-memory: {dropProblem}");
        bool quiet = cl.GetValue(_quiet);
        bool rt = !cl.GetValue(_noRt);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));
        if (stop.Requested) return StoppedDuringStartup(host, stop, "profile-loaded", profile.Name, demoName, reportPath);
        startup.Mark(StartupTimeline.ProfileLoaded);
        var (stateDir, _) = StateDirectory(cl, continuous);
        // Without --report, a continuous run's final report goes beside its interval reports.
        if (stateDir is not null) reportPath ??= Path.Combine(stateDir, "report.json");
        using RunMetrics? metrics = StartMetrics(host, cl, profile);

        var setupNotes = new List<string>();
        var th = profile.Threads;
        // The watchdog thread: stalls, hardware watchdog and systemd pings (only while the loop makes progress).
        // It is armed as soon as the outputs are safe, before the model loads, and watches the loop once it exists.
        var kicks = new List<IWatchdogKick>();
        var systemd = SystemdNotifier.FromEnvironment();
        if (systemd is not null) kicks.Add(systemd);
        var w = profile.Watchdog;
        if (w.HardwareDevice is string device)
        {
            var hw = HardwareWatchdog.TryOpen(device, 1_000_000_000, out string? hwProblem);
            if (hw is not null) kicks.Add(hw);
            else setupNotes.Add(hwProblem!);
        }
        SchedulingInfo watchdogScheduling = new();
        long checkPeriodNs = Math.Clamp(w.StallTimeoutUs * 1000 / 5, 1_000_000, 50_000_000);
        var heartbeat = new StartupHeartbeat();
        using var watchdogRunning = new ManualResetEventSlim();
        using var watchdogThread = new WatchdogThread(heartbeat, w.StallTimeoutUs * 1000, checkPeriodNs,
            LoopWatchdog.ParseAction(w.OnStall)!.Value, kicks.ToArray(),
            () =>
            {
                watchdogScheduling = rt
                    ? RealtimeScheduling.ApplyToCurrentThread(th.Watchdog.Priority, th.Watchdog.Cores, lockMemory: false, thread: "watchdog")
                    : RealtimeScheduling.ReadCurrentThread();
                startup.Mark(StartupTimeline.WatchdogArmed);
                watchdogRunning.Set();
            });
        bool watchdogStarted = false;
        void ArmWatchdog()
        {
            if (watchdogStarted) return;
            watchdogStarted = true;
            watchdogThread.Start();
        }
        overrides.Startup = startup;
        // What a minor page fault costs here (miss causes weigh faults by it): a few hundred faults
        // timed, 1-8 ms, measured while the models load rather than between wiring and the first frame.
        long minorFaultNs = 0;
        var faultCost = new Thread(() => minorFaultNs = DroppableMemory.MeasureMinorFaultNs()) { Name = "fault-cost", IsBackground = true };
        overrides.OutputsSafe = _ =>
        {
            ArmWatchdog();
            // Memory is locked now, while little is resident (the walk costs what is): later pages are locked as touched.
            if (rt && th.LockMemory) RealtimeScheduling.LockMemoryEarly();
            // ONNX Runtime's start (tens of MB mapped and relocated, static initialisers) begins
            // only once the watchdog thread runs: before it, it competed for the CPU and the
            // address space's lock with the way to safe outputs. Bounded: a watchdog thread that
            // cannot start must not hold the model back; it is reported as not armed.
            watchdogRunning.Wait(TimeSpan.FromSeconds(1));
            OnnxRuntimeWarmUp.Start();
        };
        // Once the sources are open the wiring thread would only wait for the models: the collector
        // warms up then, and the fault timing starts, beside the models' load rather than on the way
        // to the first frame or beside ONNX Runtime's start.
        overrides.WhileModelsLoad = () =>
        {
            LoopMemory.CollectWhileModelsLoad();
            faultCost.Start();
        };

        long wireStartNs = MonotonicClock.NowNs();
        IApplicationInstance built;
        try
        {
            built = application.Build(new ApplicationContext(profile, source) { AssetsDirectory = assets, Waiter = new ClockNanosleepWaiter(), Overrides = overrides });
        }
        catch (ProfileException ex)
        {
            // Refused while wiring (a bad model, a missing asset, a connection that does not fit): the
            // outputs opened so far were driven safe and released; the report says so before the one error.
            if (reportPath is not null && TryWrite(reportPath, Refused(host, profile.Name, demoName, ex, startup, processStartNs)) is string error)
                Log.Error("report", $"could not write '{reportPath}': {error}");
            throw;
        }
        using var demo = built;
        var loop = demo.Loop;
        long wireEndNs = MonotonicClock.NowNs();
        startup.Mark(StartupTimeline.Wired, wireEndNs);
        heartbeat.Attach(loop);
        // The machine and the process, sampled once a second on a housekeeping thread of their own (never the pipeline's).
        using var resources = new ResourceSampler();
        // Every miss gets a cause (the pipeline thread's kernel counters, the frame's stamps, the machine's sample): cheap, so always on.
        MissCauseRecorder? causes = null;
        if (loop is Realtime.Core.Graph.GraphLoop causeLoop)
        {
            // Not started (a graph without outputs): the recorder measures it itself.
            if (faultCost.ThreadState != ThreadState.Unstarted) faultCost.Join();
            causes = new MissCauseRecorder(causeLoop.Options.DeadlineNs, causeLoop.Options.StageBudgetsNs, resources, minorFaultNs);
            causeLoop.Attach(causes);
        }
        // A continuous run keeps its latencies in histograms (constant memory) for its reports and the scrape alike.
        LoopTelemetry? telemetry = null;
        if (continuous)
        {
            var contLoop = loop.GraphLoop ?? throw new UsageException($"--frames 0: {demoName} does not run on the graph loop");
            telemetry = RunMetrics.For(contLoop);
            contLoop.Attach(telemetry);
        }
        Realtime.Core.Recording.FlightRecorder? recorder = null;
        if (recording is not null)
        {
            var recordLoop = loop.GraphLoop ?? throw new UsageException($"--record: {demoName} does not run on the graph loop");
            recorder = new Realtime.Core.Recording.FlightRecorder(recordLoop, recording,
                recordPath is not null ? Realtime.Core.Recording.RecordingMode.All : Realtime.Core.Recording.RecordingMode.AroundMisses,
                cl.GetValue(_recordFrames) ?? 64,
                RecordingMetadata.For(host, board, demoArg, demoName, profile, cl.GetValue(_set) ?? [], cl.GetValue(_inject), recordLoop),
                new Realtime.Core.Recording.RecordingCap(profile.Telemetry.KeepRecordings, (long)profile.Telemetry.RecordingsMaxMb << 20));
            recordLoop.Attach(recorder);
        }
        using var recorderScope = recorder;
        if (metrics is not null)
        {
            var modelPaths = new List<string>();
            foreach (var m in demo.Models) modelPaths.Add(m.Path);
            metrics.Resources = resources;
            if (!metrics.Watch(loop, demoName, modelPaths, w.StallTimeoutUs * 1000, telemetry))
                setupNotes.Add($"--metrics: {demoName} is wired by hand, not a graph: only the build, models, GC and temperatures are served");
            else if (!quiet) Console.WriteLine($"metrics: http://{metrics.Endpoint}/metrics");
        }
        // Asked for, but not possible: a recurrent model run alone again would advance its state twice.
        if (overrides.MeasureFloor)
            foreach (var m in demo.Models)
                if (m.Engine.CarriesState)
                    setupNotes.Add($"no floor: {Path.GetFileName(m.Path)} carries state from one run to the next, so running it alone again each period would change what the loop computes");
        ArmWatchdog();
        // The outputs are open (at their safe values): a signal that came while the model loaded
        // stops the loop before its first frame, and the usual path below reports it.
        stop.Attach(loop);
        Admission.ReportAtRun(admission);
        if (!quiet)
            Console.WriteLine($"{host.ToolName} {host.Version}: {profile.Name} / {demoName}: {loop.Options.WarmupFrames} warm-up + " +
                (continuous ? $"frames until stopped (report every {profile.Telemetry.IntervalS:0.###} s{(stateDir is null ? "" : $" into {stateDir}")}, last {loop.Options.RingFrames} frames kept)" : $"{loop.Options.Frames} frames") + ", " +
                $"{(loop.Options.Scenario == LoopScenario.Periodic ? $"periodic {1e9 / loop.Options.PeriodNs:0.##} Hz" : "single-stream")}, deadline {loop.Options.DeadlineNs / 1000} µs" +
                (faults is null ? "" : $", injecting {faults.Faults.Length} fault(s)"));

        CpuDmaLatency? dma = null;
        if (rt && th.CpuDmaLatencyUs >= 0)
        {
            dma = CpuDmaLatency.TryHold(th.CpuDmaLatencyUs, out string? dmaProblem);
            if (dma is null) setupNotes.Add(dmaProblem!);
        }
        using var dmaHold = dma;
        // A power monitor is read on its own ordinary thread on the housekeeping cores, never in the loop.
        using var power = OpenPowerMonitor(profile, source, rt, setupNotes);

        // Interval reports on the telemetry thread; SIGHUP asks for one now (the run goes on).
        using ContinuousReporter? reporter = telemetry is null ? null : new ContinuousReporter(telemetry,
            new IntervalReport { Tool = host.ToolName, Version = host.Version, Board = profile.Name, Demo = demoName, RateHz = Math.Round(1e9 / loop.Options.PeriodNs, 3), DeadlineUs = loop.Options.DeadlineNs / 1000 },
            profile.Telemetry.IntervalS, stateDir, profile.Telemetry.KeepReports, Console.Out.WriteLine, () => RealtimeScheduling.ApplyHousekeeping(th.Telemetry?.Cores, rt, "telemetry")) { Resources = resources };
        var groupThreads = PipelineGroupThreads.Attach(loop, th, rt);
        var thread = new LoopThread("rt-pipeline", profile, loop, rt, started: tid => resources.PipelineThreadId = tid);
        // Builds the report from what was measured and writes it (also from the unhandled-exception path).
        RunReport WriteReport(LoopOutcome outcome, int exitCode, long safeDoneNs, string? fatal)
        {
            long loopStartNs = thread.StartNs;
            long runStartNs = loop.FirstFrameStartNs > 0 ? loop.FirstFrameStartNs : loopStartNs;
            // A continuous run's records are its warm-up and last frames, copied once here.
            var records = loop.Records;
            var report = new RunReport
            {
                Tool = host.ToolName,
                Version = host.Version,
                Board = profile.Name,
                Demo = demoName,
                Model = ModelNames(demo.Models),
                Outcome = OutcomeText(outcome, stop),
                Fault = loop.Fault?.Message,
                StartupPhase = loop.FramesRun > 0 ? "running" : "wired",
                OutputWriteFailures = loop.OutputWriteFailures,
                OutputError = loop.FirstOutputError?.Message,
                ExitCode = exitCode,
                Machine = MachineFacts.Read(),
                Scheduling = thread.Scheduling,
                Pipeline = groupThreads?.Reports(),
                GcCollections = loop.CountedGcCollections,
                GcPauseMs = Math.Round(loop.CountedGcPause.TotalMilliseconds, 3),
                AllocBytesPerFrame = loop.CountedFramesMeasured > 0 ? Math.Round((double)loop.CountedAllocatedBytes / loop.CountedFramesMeasured, 3) : 0,
            };
            ReportBuilder.FillTiming(report, records, loop.Options, profile.Timing.BudgetsUs);
            reporter?.FillFinal(report, loop.Options.RingFrames, report.Frames);
            ReportMetadata.Stamp(report, host.Commit, ReportMetadata.Paths(demo.Models));
            foreach (var m in demo.Models) report.ModelRuns += m.Engine.Runs;
            if (loop is Realtime.Core.Graph.GraphLoop graphLoop && demo is GraphApplicationInstance) report.Nodes = NodeFigures(graphLoop.Graph);
            ReportBuilder.FillWatchdog(report, loop.Watchdog, runStartNs, watchdogThread.Events, watchdogThread.Stalls);
            report.MissCauses = causes?.ToReport();
            report.Resources = resources.ToReport(runStartNs);
            demo.FillMetrics(report.Metrics, records);
            if (power is not null)
            {
                var t = power.Totals();
                report.Power = PowerReport.For(power.Description, t.Samples, t.ReadErrors, t.LastError, t.Seconds, t.EnergyJ, t.MeanW, loop.FramesRun);
            }
            report.ColdStartMs = new ColdStart
            {
                ProcessStartSource = startSource,
                RuntimeStart = processStartNs > 0 ? Math.Round((mainNs - processStartNs) / 1e6, 3) : 0,
                ProcessToFirstActuation = processStartNs > 0 && loop.FirstActuationNs > 0 ? Math.Round((loop.FirstActuationNs - processStartNs) / 1e6, 3) : 0,
                ModelLoad = Math.Round(Sum(demo.Models, m => m.ModelLoadMs), 3),
                // The runtime starts once, with the first model loaded.
                OnnxruntimeInit = demo.Models.Count > 0 ? Math.Round(demo.Models[0].Engine.RuntimeInitMs, 3) : 0,
                Wiring = Math.Round((wireEndNs - wireStartNs) / 1e6 - Sum(demo.Models, m => m.ModelLoadMs), 3),
                SchedulingSetup = loopStartNs > 0 ? Math.Round((loopStartNs - wireEndNs) / 1e6, 3) : 0,
                FirstInference = Math.Round(Sum(demo.Models, m => m.FirstInferenceMs), 3),
            };
            if (loop.FramesRun > 0) startup.Mark(StartupTimeline.FirstFrame, loop.FirstFrameStartNs);
            startup.Mark(StartupTimeline.FirstActuation, loop.FirstActuationNs);
            startup.Mark(StartupTimeline.OnnxRuntimeStarted, OnnxRuntimeWarmUp.StartedNs);
            startup.Mark(StartupTimeline.OnnxRuntimeReady, OnnxRuntimeWarmUp.ReadyNs);
            report.ColdStartMs.ProcessToOutputsSafe = startup.MsFromStart(StartupTimeline.OutputsSafe, processStartNs);
            report.ColdStartMs.ProcessToWatchdogArmed = startup.MsFromStart(StartupTimeline.WatchdogArmed, processStartNs);
            report.ColdStartMs.ProcessToOnnxruntimeStarted = startup.MsFromStart(StartupTimeline.OnnxRuntimeStarted, processStartNs);
            report.ColdStartMs.ProcessToSourcesOpen = startup.MsFromStart(StartupTimeline.SourcesOpen, processStartNs);
            report.ColdStartMs.ProcessToModelLoaded = startup.MsFromStart(StartupTimeline.ModelLoaded, processStartNs);
            report.ColdStartMs.Timeline = startup.ToReport(processStartNs);
            var applied = loop.Applied;
            var values = new float[applied.Count];
            for (int i = 0; i < values.Length; i++) values[i] = applied.Values[i];
            var safe = demo.SafeCommand;
            bool isSafe = applied.Count == safe.Count;
            for (int i = 0; i < safe.Count && isSafe; i++) isSafe = applied.Values[i] == safe.Values[i];
            report.OutputsAtExit = new OutputsAtExit
            {
                Safe = isSafe,
                Values = values,
                SafeWrittenAtMs = loop.LastSafeWriteNs > 0 ? Math.Round((loop.LastSafeWriteNs - runStartNs) / 1e6, 3) : null,
                ReportAtMs = Math.Round((Math.Max(MonotonicClock.NowNs(), safeDoneNs) - runStartNs) / 1e6, 3),
            };

            if (fatal is not null) { report.Outcome = "crashed"; report.Fault = fatal; }
            return report;
        }

        // Any unhandled exception on another thread: outputs safe first, then what was measured.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            loop.ShutdownOutputs();
            Log.Error("fatal", $"{e.ExceptionObject} — outputs were driven to their safe state");
            try
            {
                var crashed = WriteReport(LoopOutcome.Faulted, ExitCodes.Fault, MonotonicClock.NowNs(), e.ExceptionObject.ToString());
                if (reportPath is not null) ReportFile.WriteAtomically(reportPath, JsonSerializer.Serialize(crashed, ReportJsonContext.Default.RunReport));
            }
            catch (Exception) { /* the process is going down; the outputs are already safe */ }
        };

        // SIGHUP (systemctl reload): an interval report now, and the recorder's ring into a file now; the run goes on.
        if (reporter is not null || recorder is not null)
            hangup.Set(() =>
            {
                reporter?.RequestReport();
                recorder?.RequestSnapshot();
            });
        resources.Start(() => RealtimeScheduling.ApplyHousekeeping(th.Telemetry?.Cores, rt, "resources"));
        reporter?.Start();
        power?.Start();
        // The watchdog runs before the first frame (it was started when the outputs were safe).
        watchdogRunning.Wait(TimeSpan.FromSeconds(5));
        thread.Start();

        // Wait for the loop; a stall with the exit policy, or a stop the loop cannot honour because it is
        // stuck, ends the wait: the outputs are latched safe and what was measured is reported.
        long stopSeenNs = 0;
        bool abandoned = false;
        bool readySent = false;
        while (!thread.Join(20))
        {
            if (!readySent && systemd is not null && loop.FramesRun >= loop.Options.WarmupFrames)
                readySent = systemd.Send($"READY=1\nSTATUS=running {profile.Name} / {demoName}");
            if (watchdogThread.ExitRequested) { abandoned = true; break; }
            if (stop.Requested)
            {
                long now = MonotonicClock.NowNs();
                if (stopSeenNs == 0) stopSeenNs = now;
                else if (now - stopSeenNs > w.StallTimeoutUs * 1000 + loop.Options.PeriodNs) { abandoned = true; break; }
            }
        }
        loop.ShutdownOutputs();
        long safeDoneNs = MonotonicClock.NowNs();
        watchdogThread.Dispose();
        // The final report is this run's last word: no interval report after it.
        reporter?.Dispose();
        // The writer drains what the ring still holds once the outputs are safe, never before.
        var recorded = abandoned ? null : recorder?.Finish();
        power?.Stop();
        // A last sample covers the run's last frames (and their misses' interval).
        resources.Stop();

        if (abandoned && !thread.IsAlive) abandoned = false;
        LoopOutcome outcome = thread.Outcome;
        if (abandoned) outcome = watchdogThread.ExitRequested ? LoopOutcome.WatchdogExit : LoopOutcome.Stopped;
        var scheduling = thread.Scheduling;
        scheduling.Notes.InsertRange(0, setupNotes);
        foreach (string note in scheduling.Notes) Log.Warning("note", note);
        scheduling.CpuDmaLatencyUs = dma?.LatencyUs;
        scheduling.Watchdog = watchdogScheduling;
        scheduling.Tid = thread.Tid;

        int exitCode = ExitCodeFor(outcome, loop.Watchdog.ExitRequestedBy, watchdogThread.ExitRequested, loop.Fault is not null);
        var report = WriteReport(outcome, exitCode, safeDoneNs, null);
        report.Recording = recorded;
        string? reportError = reportPath is null ? null : TryWrite(reportPath, report);
        if (!quiet || reportError is not null) Summary.Print(report, reportError is null ? reportPath : null);
        if (reportError is not null)
        {
            Log.Error("report", $"could not write '{reportPath}': {reportError} — the summary above holds what was measured; the outputs are in their safe state");
            // A run that ended otherwise well says so with its own code; a fault's code wins.
            if (exitCode == ExitCodes.Ok) exitCode = ExitCodes.ReportNotWritten;
        }
        if (recorded is not null && !quiet)
            Console.WriteLine($"recording: {recorded.File}: {recorded.FramesWritten} frame(s), {recorded.Messages} messages, {recorded.FramesLost} lost, writer {recorded.WriterUsPerFrame} µs/frame, output hash {recorded.OutputHash}" +
                (recorded.Files is { Count: > 0 } files ? $"; {files.Count} file(s) kept ({recorded.Snapshots} snapshot(s)), {recorded.FilesDeleted} deleted by the cap" : ""));
        if (recorded?.Error is not null)
        {
            Log.Error("recording", $"could not write '{recorded.File}': {recorded.Error}");
            // The recording asked for is not whole: a run that ended otherwise well says so (a fault's code wins).
            if (exitCode == ExitCodes.Ok) exitCode = ExitCodes.ReportNotWritten;
        }
        if (loop.OutputWriteFailures > 0)
            Log.Error("outputs", $"{loop.OutputWriteFailures} write(s) failed (first: {loop.FirstOutputError?.Message}); each drove the outputs to their safe state");
        if (loop.Fault is not null)
            Log.Error("fault", $"{loop.Fault.Message} — outputs were driven to their safe state; the report holds what was measured");
        if (outcome == LoopOutcome.WatchdogExit)
            Log.Error("watchdog", $"exiting with code {exitCode} as the profile asks — outputs are in their safe state; the report holds what was measured");
        // A bounded run's last frames reach the scraper: the final figures stay up until read once more (a signal ends the wait).
        if (metrics is not null && !abandoned && cl.GetValue(_metricsHold) is double hold && hold > 0)
            metrics.HoldForFinalScrape(TimeSpan.FromSeconds(hold), () => stop.Requested);
        if (abandoned)
        {
            // The pipeline thread is stuck inside a stage; the process ends without waiting for it.
            Console.Out.Flush();
            Environment.Exit(exitCode);
        }
        return exitCode;
    }

    // A profile with several applications: each its own loop, thread and watchdog (MultiAppRun), served as one
    // (continuous, interval reports per loop, live metrics with a loop label). What only a single loop's run offers
    // (recording, the floor, a saved optimized model, the decoded-video cache) is refused by name.
    private int RunApps(RealtimeHost host, ParseResult cl, StopRequest stop, HangupRequest hangup, StartupTimeline startup, string board, BoardProfile profile, string source, string? reportPath, string? recording)
    {
        // Several loops are wired one after another: ONNX Runtime starts beside them from here.
        OnnxRuntimeWarmUp.Start();
        string? unsupported = recording is not null ? (cl.GetValue(_record) is not null ? "--record" : "--record-on-miss")
            : cl.GetValue(_floor) ? "--floor"
            : cl.GetValue(_optimizedModel) is not null ? "--optimized-model"
            : cl.GetValue(_videoCache) is not null ? "--video-cache"
            : null;
        if (unsupported is not null)
            throw new UsageException($"{unsupported}: a profile with several applications (apps[]) does not offer it yet; run one of them alone with --demo NAME for {unsupported}");
        bool continuous = (cl.GetValue(_frames) ?? profile.Timing.Frames) == 0;
        var (stateDir, stateField) = StateDirectory(cl, continuous);
        if (stateDir is not null) reportPath ??= Path.Combine(stateDir, "report.json");
        using RunMetrics? metrics = StartMetrics(host, cl, profile);
        FaultPlan? faults = null;
        if (cl.GetValue(_inject) is string spec)
        {
            try { faults = FaultPlan.Parse(spec); }
            catch (FormatException ex) { throw new UsageException($"--inject: {ex.Message}"); }
        }
        return MultiAppRun.Run(new MultiAppRun.Request
        {
            Host = host,
            Stop = stop,
            Startup = startup,
            Board = board,
            Sets = cl.GetValue(_set) ?? [],
            Composition = profile,
            Source = source,
            ReportPath = reportPath,
            Frames = cl.GetValue(_frames),
            WarmupFrames = cl.GetValue(_warmup),
            Scenario = cl.GetValue(_scenario),
            Faults = faults,
            InjectLoop = cl.GetValue(_injectLoop),
            Quiet = cl.GetValue(_quiet),
            Realtime = !cl.GetValue(_noRt),
            Assets = AssetLocator.Find(cl.GetValue(_assets)),
            TimingOption = cl.GetValue(_timing),
            OverrideAdmission = cl.GetValue(_overrideAdmission),
            Continuous = continuous,
            StateDir = stateDir,
            StateField = stateField,
            Metrics = metrics,
            MetricsHoldS = cl.GetValue(_metricsHold),
            Hangup = hangup,
        });
    }

    // A continuous run's reports need their directory before anything moves: --state-dir, else systemd's STATE_DIRECTORY
    // (a continuous run's only), checked now; with where it came from, for its errors.
    private (string? Dir, string Field) StateDirectory(ParseResult cl, bool continuous)
    {
        string? stateDir = cl.GetValue(_stateDir);
        string field = "--state-dir";
        if (stateDir is null && continuous && Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } fromSystemd)
        {
            stateDir = fromSystemd.Split(':')[0];
            field = "STATE_DIRECTORY";
        }
        if (stateDir is not null && !continuous)
            throw new UsageException("--state-dir: only a continuous run writes interval reports (--frames 0, or timing.frames 0 in the profile)");
        if (stateDir is not null && ContinuousReporter.CheckStateDirectory(stateDir) is string stateProblem)
            throw new UsageException($"{field} '{stateDir}': {stateProblem}");
        return (stateDir, field);
    }

    // Live metrics listen before anything is opened: a port that cannot be taken stops the run with no output moved.
    private RunMetrics? StartMetrics(RealtimeHost host, ParseResult cl, BoardProfile profile) => cl.GetValue(_metrics) is string listen
        ? RunMetrics.Start(listen, "--metrics", host.Version, host.Commit, profile.Name, profile.Threads.Telemetry?.Cores ?? new List<int>(), !cl.GetValue(_noRt))
        : null;

    /// <summary>How a report names a loop's end.</summary>
    internal static string OutcomeText(LoopOutcome outcome, StopRequest stop) => outcome switch
    {
        LoopOutcome.Completed => "completed",
        LoopOutcome.Stopped => stop.Requested ? $"stopped ({stop.SignalName})" : "stopped",
        LoopOutcome.SourceEnded => "source-ended",
        LoopOutcome.WatchdogExit => "watchdog-exit",
        _ => "faulted",
    };

    /// <summary>
    /// Whether <paramref name="dir"/> can take the miss windows' files (created when missing): the
    /// problem in words, or null. A file name (an existing file, or one ending .mcap) is refused:
    /// each window goes to its own file there.
    /// </summary>
    private static string? CheckRecordingFolder(string dir)
    {
        if (File.Exists(dir) || dir.EndsWith(".mcap", StringComparison.OrdinalIgnoreCase))
            return "give a folder: each miss window goes into its own file there (miss-TIME-fFRAME.mcap)";
        return ReportFile.CheckDestination(Path.Combine(dir, Realtime.Core.Recording.FlightRecorder.MissPrefix + "probe.mcap"));
    }

    /// <summary>The models' file names, as the report's <c>model</c> field gives them (comma-separated when there are several).</summary>
    internal static string ModelNames(IReadOnlyList<ApplicationModel> models)
    {
        var names = new string[models.Count];
        for (int i = 0; i < names.Length; i++) names[i] = Path.GetFileName(models[i].Path);
        return string.Join(", ", names);
    }

    /// <summary>A figure summed over the models (their loads and first inferences happen one after another).</summary>
    private static double Sum(IReadOnlyList<ApplicationModel> models, Func<OnnxInferenceEngine, double> figure)
    {
        double total = 0;
        foreach (var m in models) total += figure(m.Engine);
        return total;
    }

    /// <summary>Each node's own section of the report, by node name.</summary>
    internal static Dictionary<string, Dictionary<string, double>> NodeFigures(Realtime.Core.Graph.AppGraph graph)
    {
        var all = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (name, section) in graph.Reports()) all[name] = new Dictionary<string, double>(section.Figures, StringComparer.Ordinal);
        return all;
    }

    /// <summary>Writes the report atomically; the reason in words when it could not be written, else null.</summary>
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

    /// <summary>The report of a run refused while it was wired: the error, how far start-up got (outputs safe first), no frame.</summary>
    private static RunReport Refused(RealtimeHost host, string board, string demo, ProfileException ex, StartupTimeline startup, long processStartNs) => new()
    {
        Tool = host.ToolName,
        Version = host.Version,
        Board = board,
        Demo = demo,
        Commit = host.Commit,
        Outcome = "refused",
        Fault = ex.Message,
        StartupPhase = startup.TimeOf(StartupTimeline.OutputsSafe) > 0 ? "outputs-safe" : "profile-loaded",
        ExitCode = ExitCodes.BadInput,
        Machine = MachineFacts.Read(),
        ColdStartMs = new ColdStart
        {
            ProcessToOutputsSafe = startup.MsFromStart(StartupTimeline.OutputsSafe, processStartNs),
            ProcessToWatchdogArmed = startup.MsFromStart(StartupTimeline.WatchdogArmed, processStartNs),
            Timeline = startup.ToReport(processStartNs),
        },
    };

    /// <summary>
    /// A signal came before the outputs were open: nothing to drive safe; the report says how far
    /// start-up got, and the run ends as a requested stop.
    /// </summary>
    private static int StoppedDuringStartup(RealtimeHost host, StopRequest stop, string phase, string board, string demo, string? reportPath)
    {
        var report = new RunReport
        {
            Tool = host.ToolName,
            Version = host.Version,
            Board = board,
            Demo = demo,
            Commit = host.Commit,
            Outcome = $"stopped ({stop.SignalName})",
            StartupPhase = phase,
            ExitCode = ExitCodes.Ok,
            Machine = MachineFacts.Read(),
        };
        Log.Info(null, $"stopped by {stop.SignalName} during start-up ({phase}); no output was open yet");
        string? error = reportPath is null ? null : TryWrite(reportPath, report);
        if (error is null) return ExitCodes.Ok;
        Log.Error("report", $"could not write '{reportPath}': {error}");
        return ExitCodes.ReportNotWritten;
    }

    /// <summary>
    /// The sampler of the profile's first power monitor, on the telemetry cores at SCHED_OTHER; null
    /// when there is none, or on a simulated board (no supply to measure: said in a note). A monitor
    /// that cannot be opened is the profile's problem, named by field (exit 2), before anything moves.
    /// </summary>
    private static PowerSampler? OpenPowerMonitor(BoardProfile profile, string source, bool rt, List<string> notes)
    {
        int i = profile.Sensors.FindIndex(PowerMonitors.IsPowerMonitor);
        if (i < 0) return null;
        if (profile.Simulated)
        {
            notes.Add($"sensors[{i}] ({profile.Sensors[i].Name}): power monitors are read on real boards only; a simulated board has no supply to measure");
            return null;
        }
        IPowerSensor sensor;
        try
        {
            sensor = PowerMonitors.Open(profile.Sensors[i]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProfileException(source, new[] { $"sensors[{i}].device: power monitor '{profile.Sensors[i].Name}': {ex.Message}" });
        }
        var cores = profile.Threads.Telemetry?.Cores;
        return new PowerSampler(sensor, PowerPeriodNs, () => RealtimeScheduling.ApplyHousekeeping(cores, rt, "power-monitor"));
    }

    /// <summary>100 Hz: the INA219's 12-bit conversions take 0.5 ms each; energy per frame needs no more.</summary>
    private const long PowerPeriodNs = 10_000_000;

    /// <summary>Exit codes a supervisor can tell apart.</summary>
    internal static int ExitCodeFor(LoopOutcome outcome, FaultKind? exitBy, bool stallExit, bool crashed)
    {
        if (crashed) return ExitCodes.Fault;
        if (stallExit) return ExitCodes.Stall;
        if (outcome != LoopOutcome.WatchdogExit || exitBy is null) return ExitCodes.Ok;
        return exitBy.Value switch
        {
            FaultKind.DeadlineMiss => ExitCodes.DeadlineMisses,
            FaultKind.StageOverrun => ExitCodes.StageOverrun,
            FaultKind.Stall => ExitCodes.Stall,
            FaultKind.SourceFailure => ExitCodes.SourceFailure,
            _ => ExitCodes.Fault, // an output that cannot be written

        };
    }
}
