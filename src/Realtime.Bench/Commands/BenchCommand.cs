using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Realtime.Bench;
using Realtime.Bench.Baseline;
using Realtime.Bench.BareModel;
using Realtime.Bench.Charts;
using Realtime.Bench.Naive;
using Realtime.Bench.Sessions;
using Realtime.Bench.Startup;
using Realtime.Bench.Variants;
using Realtime.Core.Audio;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Recording;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;
using Realtime.Hosting;
using Realtime.Hosting.Telemetry;
using Realtime.Linux;
using Realtime.Onnx;
using Realtime.Onnx.Components;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp bench</c>: the loop under MLPerf LoadGen's scenarios with the model-alone floor
/// interleaved, a JSON report and an HTML page per run; and, by option, cold start over many
/// launches, the naive loop beside the optimized one, model variants side by side.
/// </summary>
internal sealed partial class BenchCommand : HostCommand
{
    /// <summary>The cold start's floor variant: <c>first-run</c> of the saved model, launched as the others are.</summary>
    public const string FloorVariant = "model-alone";

    /// <summary>The host's version, as this run's reports and headings record it.</summary>
    private static string Version = "";
    /// <summary>The host's commit, as this run's reports record it.</summary>
    private static string? Commit;

    /// <inheritdoc/>
    public override string Name => "bench";

    /// <inheritdoc/>
    public override string Description => "The loop under MLPerf LoadGen's scenarios with the model-alone floor interleaved; a JSON report and an HTML page of charts per run.";

    /// <inheritdoc/>
    public override string? Notes => """
        Modes: --cold-start N [--page-cache warm|cold|both] [--against OLD_BINARY] (launches, with and without a saved
        optimized model; cold drops the page cache before each launch, as root: a power-on; --against alternates
        each launch with one of an earlier build), --compare naive (the newcomer's loop
        beside the optimized one), --variants blazeface|silero|mlsd (trade-offs), --sustained-rate (periodic runs
        at rates it chooses, to the highest rate kept with 0 misses; --frames per run), --calibrate (a periodic run
        that writes the timing file admission reads: each stage's and each frame's percentiles, maximum and pWCET,
        the machine and the profile's hash; --timing FILE, --frames), --apps a,b,c (those apps[] entries together
        under manual, fixed-priority and edf scheduling, each a launch of 'rtapp run': per loop, misses and response
        beside admission's predicted worst response; --stress, --frames, --timing), --sessions all|NAME,…
        (ONNX Runtime session choices on the same frames: p50/p99 and CPU per frame beside the default;
        --write-tensors FILE also writes those frames, preprocessed (float32), for other programs).
        """;

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application to bench (default: the profile's).");
    private readonly Option<string> _model = HostOptions.Text("--model", "NODE|FILE.onnx",
        "The application's model node to measure (default: its only one); a path (with '/' or ending in .onnx) benches that model alone instead of an application.");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable; app.nodes[NAME].config.path names a node).");
    private readonly Option<string> _shape = HostOptions.Text("--shape", "NAME=AxB,…", "Input shapes for --model's dynamic dimensions.");
    private readonly Option<string> _scenario = HostOptions.Text("--scenario", "single-stream|periodic|max-rate|all", "The scenarios, a comma list of them, or all (default: single-stream).");
    private readonly Option<int?> _frames = HostOptions.Number("--frames", 1, BenchPlanner.MaxFrames, "N", "Counted frames per run.");
    private readonly Option<double?> _duration = new("--duration")
    {
        Description = "Run for this long instead of a number of frames.",
        HelpName = "30s|2m|500ms",
        CustomParser = r =>
        {
            string d = r.Tokens[0].Value;
            if (BenchPlanner.ParseDuration(d) is double seconds) return seconds;
            r.AddError($"--duration must be a positive time such as 30, 30s, 2m or 500ms; got '{d}'");
            return null;
        },
    };
    private readonly Option<int?> _warmup = HostOptions.Number("--warmup", 0, ProfileLoader.MaxWarmupFrames, "N", "Warm-up frames (default: the profile's).");
    private readonly Option<double?> _rate = HostOptions.Real("--rate", 0, 100_000, "HZ", "The loop's rate in Hz instead of the profile's (its budgets then no longer apply).");
    private readonly Option<int?> _deadlineUs = HostOptions.Number("--deadline-us", 1, 100_000_000, "US", "The deadline in µs instead of the profile's.");
    private readonly Option<string> _report = HostOptions.Text("--report", "FILE.json", "Where the JSON report goes.");
    private readonly Option<string> _html = HostOptions.Text("--html", "FILE.html", "Where the HTML page goes (default: beside the report).");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _noRt = HostOptions.Flag("--no-rt", "Do not ask for SCHED_FIFO, affinity or mlockall.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print only the results.");
    private readonly Option<string> _cache = HostOptions.Text("--cache", "DIR", "Where saved optimized models are kept (default: out/ort-cache).");
    private readonly Option<string> _videoCache = HostOptions.Text("--video-cache", "DIR",
        "Play the videos of the application (a simulated camera's world) from their frames decoded once into DIR, as 'rtapp run --video-cache' does: the capture stage then reads a frame instead of decoding one.");
    private readonly Option<SavedModelFormat?> _optimizedModel = HostOptions.Choice("--optimized-model", "Load the model's saved optimized form (saved first when missing).",
        ("onnx", SavedModelFormat.Onnx), ("ort", SavedModelFormat.Ort));
    private readonly Option<string> _compare = HostOptions.Word("--compare", "The newcomer's naive loop beside the optimized one.", "naive");
    private readonly Option<string> _variants = HostOptions.Text("--variants", "blazeface|silero|mlsd|NAME,…", "Model variants side by side; a FILE.onnx after a variant runs in its place (rtapp quantize's int8 model).");
    private readonly Option<int?> _dataFrames = HostOptions.Number("--data-frames", 1, 1_000_000, "N", "Frames of data the variants are compared on.");
    private readonly Option<string> _framesFrom = HostOptions.Text("--frames-from", "FILE.mcap", "With --variants blazeface or mlsd: the camera frames of a recording of the ladder's application (rtapp record, rtapp run --record) instead of the ladder's own open-loop frames.");
    private readonly Option<int?> _coldStart = HostOptions.Number("--cold-start", 1, 100_000, "N", "Launch 'run' N times and time its start.");
    private readonly Option<string> _against = HostOptions.Text("--against", "BINARY",
        "With --cold-start: launch this other rtapp binary too (an earlier build), alternating launch by launch with this one: a before/after in one invocation.");
    private readonly Option<string> _pageCache = HostOptions.Word("--page-cache", "Cold start after a restart (warm), a power-on (cold: the page cache dropped, as root), or both (default: warm).", "warm", "cold", "both");
    private readonly Option<bool> _sustainedRate = HostOptions.Flag("--sustained-rate", "Search the highest rate kept with 0 misses.");
    private readonly Option<bool> _calibrate = HostOptions.Flag("--calibrate", "A periodic run of the application that writes its timing file (each stage's p50, p99, p99.9, max and pWCET) for admission.");
    private readonly Option<string> _timing = HostOptions.Text("--timing", "FILE.json", "With --calibrate: where the timing file goes (default: beside the profile, NAME.timing.json).");
    private readonly Option<string> _apps = HostOptions.Text("--apps", "NAME,…",
        "Entries of the profile's apps[] run together in one host under each scheduling policy (manual, fixed-priority, edf): misses, response p50/p99/max and admission's predicted worst response per loop.");
    private readonly Option<bool> _stress = HostOptions.Flag("--stress", "With --apps: stress-ng (cpu, cache, memory) on the cores no loop is pinned to, during each run.");
    private readonly Option<string> _sessions = HostOptions.Text("--sessions", "all|NAME,…", "ONNX Runtime session choices side by side.");
    private readonly Option<string> _writeTensors = HostOptions.Text("--write-tensors", "FILE", "With --sessions: also write the preprocessed frames (float32).");
    private readonly Option<string> _baseline = HostOptions.Text("--baseline", "OLD.json",
        "An earlier bench report to set this run beside: p50/p90/p99/p99.9/max and misses, and whether p99 moved beyond sampling noise (bootstrap interval).");
    private readonly Option<LatencySlo?> _slo = new("--slo")
    {
        Description = $"A latency objective for end-to-end latency; a run that misses it exits {ExitCodes.SloMissed}, one with too few frames to claim its percentile (LoadGen's early-stopping rule) exits {ExitCodes.SloTooFewFrames}.",
        HelpName = "p99.9<=15ms",
        CustomParser = r =>
        {
            if (LatencySlo.Parse(r.Tokens[0].Value, out string? error) is LatencySlo slo) return slo;
            r.AddError($"--slo: {error}");
            return null;
        },
    };

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[]
    {
        _board, _demo, _model, _set, _shape, _scenario, _frames, _duration, _warmup, _rate, _deadlineUs, _report, _html, _assets, _noRt, _quiet,
        _cache, _videoCache, _optimizedModel, _compare, _variants, _dataFrames, _framesFrom, _coldStart, _against, _pageCache, _sustainedRate, _sessions, _writeTensors, _baseline, _slo, _calibrate, _timing, _apps, _stress,
    };

    /// <summary>What every run of one <c>rtapp bench</c> (or <c>rtapp profile</c>) shares.</summary>
    internal sealed class Setup
    {
        public required BoardProfile Profile { get; init; }
        public required string ProfileSource { get; init; }
        public string? Assets { get; init; }
        public IRealtimeApplication? Application { get; init; }
        public string? ModelPath { get; init; }
        /// <summary>The application's model node to measure (null: its only one).</summary>
        public string? ModelNode { get; init; }
        public Dictionary<string, long[]>? Shapes { get; init; }
        public OnnxSessionSettings Session { get; init; } = new();
        /// <summary>Where the videos' decoded frames are kept (--video-cache), or null.</summary>
        public string? VideoCacheDir { get; init; }
        public bool Realtime { get; init; }
        public bool Quiet { get; init; }
        /// <summary>The --board value, the --set overrides and the --demo choice the profile was loaded with (a lane reloads it with more overrides).</summary>
        public string Board { get; init; } = "sim";
        public IReadOnlyList<string> Sets { get; init; } = Array.Empty<string>();
        public string? DemoArg { get; init; }
        public RealtimeHost? Host { get; init; }

        /// <summary>
        /// The same application from the same profile with <paramref name="sets"/> applied after the
        /// command line's (a lane: a variant, the naive twin), its timing the command line's;
        /// <paramref name="components"/> builds a graph from types the host does not register.
        /// <paramref name="demo"/> names another application of the board (a variant ladder's, with
        /// its own timing) and <paramref name="modelNode"/> the model node measured there.
        /// </summary>
        public Setup With(IReadOnlyList<string> sets, ComponentRegistry? components = null, string? demo = null, string? modelNode = null)
        {
            var host = Host ?? throw new InvalidOperationException("a lane needs the host");
            var all = new List<string>(Sets);
            all.AddRange(sets);
            string? demoArg = demo ?? DemoArg;
            var (profile, source) = ProfileCatalog.Load(Board, all, demoArg, host);
            if (demo is null) profile.Timing = Profile.Timing;   // --rate/--deadline-us apply to every lane alike
            IRealtimeApplication application = components is not null && Application is GraphApplication
                ? new GraphApplication(components) : host.ApplicationFor(profile, source, demoArg);
            return new Setup
            {
                Profile = profile, ProfileSource = source, Assets = Assets, Application = application, ModelNode = modelNode ?? ModelNode,
                Session = Session, VideoCacheDir = VideoCacheDir, Realtime = Realtime, Quiet = Quiet, Board = Board, Sets = all, DemoArg = demoArg, Host = host,
            };
        }
    }

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        Version = host.Version;
        Commit = host.Commit;
        var (processStartNs, startSource) = MachineFacts.ProcessStart();
        CheckReportPath("report", cl.GetValue(_report));
        CheckReportPath("html", cl.GetValue(_html));
        CheckReportPath("write-tensors", cl.GetValue(_writeTensors));
        // The cache is a folder: a file must be creatable in it.
        if (cl.GetValue(_cache) is string cacheDir && ReportFile.CheckDestination(Path.Combine(cacheDir, ".rtapp-cache-probe")) is { } cacheProblem)
            throw new UsageException($"--cache {cacheDir}: {cacheProblem}");
        string board = cl.GetValue(_board) ?? "sim";
        string? model = cl.GetValue(_model);
        // --model NODE picks an application's model; a path benches a model file alone (as --board tells a file from a name).
        string? modelNode = model is not null && !IsModelFile(model) ? model : null;
        if (modelNode is not null) model = null;
        string? demo = cl.GetValue(_demo);
        if (model is not null && demo is not null) throw new UsageException("--model FILE benches a model alone; --demo benches a demo: give one of them");
        if (demo is not null && !host.Applications.Has(demo)) throw new UsageException(host.Applications.Unknown(demo));
        var (profile, source) = ProfileCatalog.Load(board, cl.GetValue(_set) ?? [], demo, host);
        ApplyTimingOverrides(cl, profile, source);
        // The application the host runs for this profile (its graph, or the demo it names), as 'rtapp run' picks it.
        var application = model is null ? host.ApplicationFor(profile, source, demo) : null;
        demo = application?.Name ?? profile.Demo;
        if (model is not null && !File.Exists(model)) throw new ProfileException("--model", new[] { $"model file not found: {Path.GetFullPath(model)}" });

        Dictionary<string, long[]>? shapes = null;
        if (cl.GetValue(_shape) is string shapeText)
        {
            if (model is null) throw new UsageException("--shape applies to --model only");
            shapes = BareModelBinding.ParseShapes(shapeText, out string? shapeError) ?? throw new UsageException($"--shape: {shapeError}");
        }

        var scenarios = BenchScenarios.ParseList(cl.GetValue(_scenario) ?? "single-stream")
            ?? throw new UsageException($"--scenario must be single-stream, periodic, max-rate, a comma list of them, or all; got '{cl.GetValue(_scenario)}'");
        int? frames = cl.GetValue(_frames);
        double? duration = cl.GetValue(_duration);
        if (duration is not null && frames is not null) throw new UsageException("give --frames or --duration, not both");
        int warmup = cl.GetValue(_warmup) ?? profile.Timing.WarmupFrames;

        var session = new OnnxSessionSettings
        {
            IntraOpThreads = DeclaredModel.IntraOpThreadsOf(profile.App),
            OptimizedModelCacheDir = cl.GetValue(_optimizedModel) is null ? null : cl.GetValue(_cache) ?? DefaultCache(),
            OptimizedModelFormat = cl.GetValue(_optimizedModel) ?? SavedModelFormat.Onnx,
        };
        var setup = new Setup
        {
            Profile = profile,
            ProfileSource = source,
            Assets = AssetLocator.Find(cl.GetValue(_assets)),
            Application = application,
            ModelPath = model is null ? null : Path.GetFullPath(model),
            ModelNode = modelNode,
            Shapes = shapes,
            Session = session,
            VideoCacheDir = cl.GetValue(_videoCache) is string videoCache ? Path.GetFullPath(videoCache) : null,
            Realtime = !cl.GetValue(_noRt),
            Quiet = cl.GetValue(_quiet),
            Board = board,
            Sets = cl.GetValue(_set) ?? [],
            DemoArg = cl.GetValue(_demo),
            Host = host,
        };

        if (setup.VideoCacheDir is not null)
        {
            if (model is not null) throw new UsageException("--video-cache plays an application's videos: a model file alone has none (give --board/--demo, or leave out --video-cache)");
            if (cl.GetValue(_apps) is not null) throw new UsageException("--video-cache: a profile's several applications (apps[]) do not offer it yet, as in 'rtapp run'");
            if (cl.GetValue(_coldStart) is not null) throw new UsageException("--video-cache: --cold-start times a launch with and without the cache itself (its saved-ort+video-cache variant, kept in --cache)");
        }

        // Read before anything runs: a bad baseline is the command line's problem (exit 2), not a finding.
        var judging = new Judging(cl.GetValue(_baseline) is string baselinePath ? BaselineRun.Load(baselinePath) : null, cl.GetValue(_slo));
        if (judging.Any && (cl.GetValue(_coldStart) is not null || cl.GetValue(_variants) is not null || cl.GetValue(_sessions) is not null
            || cl.GetValue(_compare) is not null || cl.GetValue(_sustainedRate)))
            throw new UsageException("--baseline and --slo judge a scenario run: leave out --cold-start, --variants, --sessions, --compare and --sustained-rate");
        if (judging.Any && scenarios.Count != 1)
            throw new UsageException("--baseline and --slo judge one scenario: give --scenario with one of single-stream, periodic or max-rate");

        if (cl.GetValue(_apps) is string appNames)
        {
            if (model is not null || cl.GetValue(_demo) is not null) throw new UsageException("--apps runs entries of the profile's apps[]: leave out --model and --demo");
            if (duration is not null || cl.GetValue(_scenario) is not null || cl.GetValue(_rate) is not null || cl.GetValue(_deadlineUs) is not null || judging.Any)
                throw new UsageException("--apps runs each entry at its own rate and deadline, periodic, for --frames: leave out --duration, --scenario, --rate, --deadline-us, --baseline and --slo");
            var entries = AppsBench.Select(profile, board, appNames);
            return AppsBench.Run(new AppsBench.Request
            {
                Board = board, Sets = setup.Sets, Frames = frames ?? 300, Warmup = cl.GetValue(_warmup), Timing = cl.GetValue(_timing),
                Assets = setup.Assets, Realtime = setup.Realtime, Stress = cl.GetValue(_stress), ReportPath = cl.GetValue(_report), Version = Version,
            }, entries, profile);
        }
        if (cl.GetValue(_stress)) throw new UsageException("--stress goes with --apps");

        if (cl.GetValue(_coldStart) is int launches)
        {
            if (model is not null) throw new UsageException("--cold-start launches 'rtapp run' of a board's demo: give --board, not --model");
            return ColdStartMode(cl, setup, launches);
        }
        if (cl.GetValue(_against) is not null) throw new UsageException("--against goes with --cold-start (it launches another binary beside this one)");

        if (cl.GetValue(_framesFrom) is not null && cl.GetValue(_variants) is null)
            throw new UsageException("--frames-from: the variant table's frames (--variants blazeface or mlsd); a scenario run reads its application's own sources");
        if (cl.GetValue(_variants) is string variantList)
        {
            if (model is not null) throw new UsageException("--variants names the models itself: leave out --model");
            return VariantsMode(cl, setup, variantList, warmup);
        }

        if (cl.GetValue(_sessions) is string sessions)
        {
            if (model is not null) throw new UsageException("--sessions runs an application's model on the frames its preprocessing writes: give --board/--demo, not a model file");
            if (duration is not null) throw new UsageException("--sessions takes --frames, not --duration");
            return SessionsMode(setup, sessions, frames ?? 1000, warmup, cl.GetValue(_cache), cl.GetValue(_writeTensors), cl.GetValue(_report));
        }
        if (cl.GetValue(_writeTensors) is not null) throw new UsageException("--write-tensors goes with --sessions (it writes the frames the sessions ran)");

        if (cl.GetValue(_compare) is not null)
        {
            if (model is not null) throw new UsageException("--compare naive compares the demo's loop with a naive one: give --board, not --model");
            if (application is not GraphApplication)
                throw new UsageException($"--compare naive swaps a graph's model node for the naive one; application '{demo}' is no graph");
            if (scenarios.Count != 1 || scenarios[0] != BenchScenario.SingleStream)
                throw new UsageException("--compare naive runs single-stream (the two loops take turns on one thread, block by block); leave out --scenario or give single-stream");
            if (duration is not null) throw new UsageException("--compare naive takes --frames, not --duration");
            string? cjson = cl.GetValue(_report);
            string chtml = cl.GetValue(_html) ?? (cjson is not null ? Path.ChangeExtension(cjson, ".html") : Path.Combine("rtapp-bench", $"{profile.Name}-{demo}-naive-compare.html"));
            return RunCompareNaive(setup, frames ?? 1000, warmup, StampCost.Measure(), cjson, chtml);
        }

        if (cl.GetValue(_calibrate))
        {
            if (model is not null) throw new UsageException("--calibrate measures an application's loop: give --board/--demo, not --model");
            if (duration is not null) throw new UsageException("--calibrate takes --frames, not --duration");
            if (cl.GetValue(_sustainedRate) || scenarios.Count != 1 || scenarios[0] != BenchScenario.SingleStream && scenarios[0] != BenchScenario.Periodic)
                throw new UsageException("--calibrate is one periodic run at the profile's rate: leave out --scenario and --sustained-rate");
            string timingPath = TimingFiles.PathFor(board, cl.GetValue(_timing));
            CheckReportPath("timing", timingPath);
            var calibrated = new List<(string, Setup)>();
            if (demo is not null && cl.GetValue(_demo) is null && AppSet.Runs(profile))
            {
                // Several applications in one host: each loop is measured alone, one after another, as its apps[] entry runs it
                // (admission adds the interference of the loops that share its core).
                if (cl.GetValue(_rate) is not null || cl.GetValue(_deadlineUs) is not null)
                    throw new UsageException("--calibrate of a profile with several applications (apps[]) runs each loop at its own entry's rate and deadline: leave out --rate and --deadline-us");
                foreach (var l in AppSet.Load(host, board, setup.Sets, profile, source))
                    calibrated.Add((l.Name, new Setup
                    {
                        Profile = l.Profile, ProfileSource = l.Source, Assets = setup.Assets, Application = l.Application,
                        Session = new OnnxSessionSettings { IntraOpThreads = DeclaredModel.IntraOpThreadsOf(l.Profile.App), OptimizedModelCacheDir = session.OptimizedModelCacheDir, OptimizedModelFormat = session.OptimizedModelFormat },
                        Realtime = setup.Realtime, Quiet = setup.Quiet, Board = board, Sets = setup.Sets, DemoArg = l.Entry.Demo, Host = host,
                    }));
            }
            else calibrated.Add((demo ?? profile.Demo, setup));
            return CalibrateMode(calibrated, frames ?? 1000, warmup, timingPath, TimingFiles.ProfileHash(board, setup.Sets, setup.DemoArg, host));
        }
        if (cl.GetValue(_timing) is not null) throw new UsageException("--timing goes with --calibrate or --apps");

        if (cl.GetValue(_sustainedRate))
        {
            if (model is not null) throw new UsageException("--sustained-rate searches a demo's rate: give --board/--demo, not --model");
            if (duration is not null) throw new UsageException("--sustained-rate takes --frames (per step), not --duration");
            return SustainedRateMode(setup, frames ?? 300, warmup, cl.GetValue(_report));
        }

        // Scenario runs.
        var stamp = StampCost.Measure();
        string? reportPath = cl.GetValue(_report);
        string? htmlOption = cl.GetValue(_html);
        int exit = ExitCodes.Ok;
        for (int i = 0; i < scenarios.Count; i++)
        {
            var scenario = scenarios[i];
            string suffix = scenarios.Count > 1 ? "." + BenchScenarios.Name(scenario) : "";
            string? json = reportPath is null ? null : Insert(reportPath, suffix, ".json");
            string html = htmlOption is not null ? Insert(htmlOption, suffix, ".html")
                : json is not null ? Path.ChangeExtension(json, ".html")
                : Path.Combine("rtapp-bench", $"{profile.Name}-{(model is null ? demo : Path.GetFileNameWithoutExtension(model))}-{BenchScenarios.Name(scenario)}.html");
            int rc = RunScenario(setup, scenario, frames, duration, warmup, stamp, json, html, i == 0 ? processStartNs : 0, startSource, mainNs, judging);
            if (rc != ExitCodes.Ok) exit = rc;
        }
        return exit;
    }

    private int ColdStartMode(ParseResult cl, Setup s, int launches)
    {
        string binary = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where this binary is (Environment.ProcessPath)");
        var modelPaths = ColdStartModels(s);
        string cache = Path.GetFullPath(cl.GetValue(_cache) ?? DefaultCache());
        // warm: a restart (the page cache holds the binary, libraries, model); cold: a power-on (dropped before every launch).
        string pageCache = cl.GetValue(_pageCache) ?? "warm";
        if (pageCache is not ("warm" or "cold" or "both")) throw new UsageException($"--page-cache must be warm, cold or both, got '{pageCache}'");
        if (pageCache != "warm" && PageCache.DropProblem() is string dropProblem) throw new UsageException($"--page-cache {pageCache}: {dropProblem}");
        var args = new List<string> { "run", "--board", cl.GetValue(_board) ?? "sim", "--frames", "1", "--warmup", "0", "--no-floor", "--quiet" };
        // The launches run what this bench would: the same application and the same overrides.
        if (cl.GetValue(_demo) is string demo) { args.Add("--demo"); args.Add(demo); }
        foreach (string set in cl.GetValue(_set) ?? []) { args.Add("--set"); args.Add(set); }
        if (!s.Realtime) args.Add("--no-rt");
        if (s.Assets is not null) { args.Add("--assets"); args.Add(s.Assets); }
        var variants = new List<ColdStartVariant>
        {
            new("optimize-at-load", "the original model, optimized by ONNX Runtime at every load (ORT_ENABLE_ALL)", Array.Empty<string>()),
            new("saved-onnx", "the optimized graph saved once as .onnx (SessionOptions.OptimizedModelFilePath), loaded with optimizations off", new[] { "--optimized-model", "onnx", "--cache", cache }),
            new("saved-ort", "the optimized graph saved once in ORT format (.ort), loaded with optimizations off", new[] { "--optimized-model", "ort", "--cache", cache }),
            new("saved-ort+video-cache", "saved-ort, and the videos' frames decoded once and read from the cache (--video-cache): no video decoder loads at start",
                new[] { "--optimized-model", "ort", "--cache", cache, "--video-cache", Path.Combine(cache, "video") }),
        };
        if (cl.GetValue(_against) is string against)
        {
            // Each variant twice, the earlier binary's launch right before this one's: whatever the machine does falls on both.
            string other = Path.GetFullPath(against);
            if (!File.Exists(other)) throw new UsageException($"--against '{against}': no such file");
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(other) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
                throw new UsageException($"--against '{against}': not executable");
            var both = new List<ColdStartVariant>();
            foreach (var v in variants)
            {
                both.Add(v with { Name = "before:" + v.Name, Description = $"{v.Description}, launched from {other}", Binary = other });
                both.Add(v);
            }
            variants = both;
        }
        // The saved models are written once, here, before any launch is timed.
        var settings = new OnnxSessionSettings { IntraOpThreads = DeclaredModel.IntraOpThreadsOf(s.Profile.App) };
        var saved = new List<string>();
        // A graph of several models has no one model alone to set its start against.
        bool floor = modelPaths.Count == 1;
        foreach (string modelPath in modelPaths)
        {
            string savedOnnx = OptimizedModelCache.Ensure(modelPath, cache, SavedModelFormat.Onnx, settings);
            string savedOrt = OptimizedModelCache.Ensure(modelPath, cache, SavedModelFormat.Ort, settings);
            saved.Add($"Saved optimized models: {savedOnnx} ({new FileInfo(savedOnnx).Length / 1024} KiB), {savedOrt} ({new FileInfo(savedOrt).Length / 1024} KiB); original {new FileInfo(modelPath).Length / 1024} KiB");
            // The floor: this binary loading the saved model and running it once, nothing else, launched the same way.
            if (floor)
                variants.Add(new ColdStartVariant(FloorVariant,
                    "the floor: 'first-run' of the saved .ort, nothing but the runtime's start, ONNX Runtime's, the session and one run (its end is the first answer)",
                    new[] { "first-run", savedOrt, "--optimization", "disabled", "--intra-op-threads", settings.IntraOpThreads.ToString(CultureInfo.InvariantCulture) }, Standalone: true));
        }
        Console.WriteLine($"rtapp {Version} bench --cold-start {launches}: {launches} launches (+1 priming) of each of {variants.Count} variants, interleaved: {binary} {string.Join(' ', args)}");
        foreach (string line in saved) Console.WriteLine(line);
        Realtime.Bench.Startup.ColdStartReport report;
        string? loadBefore = MachineFacts.LoadAverage();
        // A folder of our own, made with a name no one could guess and mode 0700: the launches' reports are read back
        // from it, and a power-on's copies of the binaries are run from it (as root, they must be ours).
        string work = Directory.CreateTempSubdirectory("rtapp-cold-").FullName;
        // SIGINT/SIGTERM stop the launches between two of them, so the power-on copies (~160 MB) and the reports are removed.
        using var stopping = new System.Threading.CancellationTokenSource();
        using var signals = new StopSignals(_ => stopping.Cancel());
        try
        {
            Action<string>? progress = s.Quiet ? null : m => Console.Error.Write($"\r{m}   ");
            // Warm first: a cold launch would leave the next warm one reading from the disk.
            report = ColdStartRunner.Run(binary, args, variants, launches, priming: 1, work, progress, coldPageCache: pageCache == "cold", stopping.Token);
            if (pageCache == "both")
                report.Variants.AddRange(ColdStartRunner.Run(binary, args, variants, launches, priming: 1, work, progress, coldPageCache: true, stopping.Token).Variants);
        }
        catch (ColdStartLaunchException ex)
        {
            Console.Error.WriteLine();
            Log.Error("error", $"a launch failed: {ex.Message}");
            return ex.ExitCode == ExitCodes.BadInput ? ExitCodes.BadInput : ExitCodes.Fault;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine();
            Log.Error("error", ex.Message);
            return ExitCodes.Fault;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Log.Error("stopped", "a signal stopped the launches: nothing measured is reported, and the copies and reports were removed");
            return ExitCodes.Fault;
        }
        finally
        {
            // Each launch's report and the power-on copies are gone by now: the folder goes too.
            try { Directory.Delete(work); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        if (!s.Quiet) Console.Error.WriteLine();
        report.Version = Version;
        report.Board = s.Profile.Name;
        report.Model = string.Join(", ", modelPaths.ConvertAll(Path.GetFileName));
        if (s.Application is GraphApplication)
            report.Notes.Add($"The application is a graph ({s.Application.Name}): every launch builds and runs it as 'rtapp run' would; the saved-model variants apply to each of its model nodes.");
        report.Notes.Add("Each launch is a new process given its launch time on CLOCK_MONOTONIC (RTAPP_LAUNCH_MONO_NS) and running one frame; the phases are its report's cold_start_ms.");
        report.LoadBefore = loadBefore;
        report.LoadAfter = MachineFacts.LoadAverage();
        if (pageCache != "cold")
            report.Notes.Add("page_cache warm: a priming launch per variant runs first, uncounted: a restart's cold start, not a power-on's.");
        if (pageCache != "warm")
            report.Notes.Add($"page_cache cold: the page cache was dropped before every launch (sync; echo 3 > {PageCache.DropCachesPath}, as root): a power-on's start as far as the disk goes (the kernel's boot is not in it). Each binary ran from a copy of itself and of the libraries beside it: the kernel keeps what a process has mapped through a drop, and the bench maps its own binary and ONNX Runtime's library.");
        report.Notes.Add($"Load average (1, 5, 15 min) before: {loadBefore ?? "unknown"}, after: {report.LoadAfter ?? "unknown"} on {Environment.ProcessorCount} CPUs: launches share the machine with whatever else runs.");
        report.Notes.Add($"Percentiles are nearest rank over {launches} launches: with fewer than 64 launches p90, and fewer than 662 p99, are not established (p99 is then the largest).");
        if (floor)
        {
            ColdStartRunner.SetAgainstFloor(report, FloorVariant);
            report.Notes.Add($"{FloorVariant} is the floor, as the model alone is a frame's: the same binary launched the same way, loading the saved .ort and running it once with nothing else ('first-run'); its first_actuation is that run's end. A variant's first actuation ÷ the floor's is what the application's start adds to the model's own.");
        }
        else report.Notes.Add($"No {FloorVariant} floor: the graph has {modelPaths.Count} models, and first-run loads one.");
        ColdStartSummary.Print(report);
        if (cl.GetValue(_report) is string path)
        {
            WriteFile(path, System.Text.Json.JsonSerializer.Serialize(report, BenchJsonContext.Default.ColdStartReport));
            Console.WriteLine($"Report: {path}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The model files a launch loads: the graph's model nodes' (each node's <c>config.path</c>, as
    /// <see cref="DeclaredModel"/> reads them); a missing one is refused by its field.
    /// </summary>
    private static List<string> ColdStartModels(Setup s)
    {
        var paths = new List<string>();
        foreach (var model in DeclaredModel.In(s.Profile.App))
        {
            if (model.Path.Length == 0) continue; // the launch names it
            string path = AssetLocator.Resolve(s.Assets, model.Path);
            if (!File.Exists(path)) throw new ProfileException(s.ProfileSource, new[] { $"{model.Field}.path: model file not found: {path}" });
            if (!paths.Contains(path)) paths.Add(path);
        }
        if (paths.Count == 0) throw new ProfileException(s.ProfileSource, new[] { "app.nodes: --cold-start times a model's load and the graph has no onnx-model node" });
        return paths;
    }

    /// <summary>
    /// Periodic runs of the demo at rates chosen by <see cref="SustainedRateSearch"/>: the highest
    /// rate at which every counted frame ran and kept its deadline (the profile's, or the period
    /// when shorter), measured here, on this machine, with this scheduling.
    /// </summary>
    private static int SustainedRateMode(Setup s, int frames, int warmup, string? jsonPath)
    {
        var t = s.Profile.Timing;
        double profileRate = t.RateHz;
        long profileDeadlineUs = t.DeadlineUs;
        double bound = 1e9 / ProbeModelAlone(s);
        int depth = ProfileLoader.PipelineDepth(s.Profile.App);
        if (!s.Quiet)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rtapp {Version} bench --sustained-rate: {s.Profile.Name} / {s.Profile.Demo}: periodic runs of {warmup} warm-up + {frames} frames from {profileRate:0.##} Hz; the model alone runs back to back at {bound:0.#} Hz{(depth > 1 ? $"; on one thread, then in the {depth} stage groups of app.pipeline" : "")}"));
        var budgets = new Dictionary<string, long>(t.BudgetsUs);
        t.BudgetsUs.Clear();   // budgets were sized for the profile's rate
        double load0 = LoadAverage();
        SustainedRateReport? single = null;
        if (depth > 1)
        {
            // The same search with the loop on one thread first: the ratios compare two runs of one invocation.
            var groups = s.Profile.App!.Pipeline;
            s.Profile.App.Pipeline = null;
            try
            {
                if (!s.Quiet) Console.WriteLine("One thread:");
                single = Search(s, frames, warmup, profileRate, profileDeadlineUs, bound, 1);
            }
            finally
            {
                s.Profile.App.Pipeline = groups;
            }
            if (!s.Quiet) Console.WriteLine($"Pipelined ({depth} groups):");
        }
        var result = Search(s, frames, warmup, profileRate, profileDeadlineUs, bound, depth);
        t.RateHz = profileRate;
        t.DeadlineUs = profileDeadlineUs;
        foreach (var (k, v) in budgets) t.BudgetsUs[k] = v;
        result.SingleThread = single;
        result.LoadAverage1m = new[] { load0, LoadAverage() };
        if (single is { SustainedRateHz: > 0 } && result.SustainedRateHz > 0)
        {
            result.RateRatio = Math.Round(result.SustainedRateHz / single.SustainedRateHz, 3);
            result.EndToEndP50Ratio = single.EndToEndP50Us > 0 ? Math.Round(result.EndToEndP50Us / single.EndToEndP50Us, 3) : null;
        }
        if (!s.Quiet)
        {
            if (single is not null)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"One thread: {single.SustainedRateHz:0.##} Hz, e2e p50 {single.EndToEndP50Us:0} µs; pipelined: {result.SustainedRateHz:0.##} Hz, e2e p50 {result.EndToEndP50Us:0} µs; rate x{result.RateRatio:0.##}, p50 x{result.EndToEndP50Ratio:0.##} (load {load0:0.##} → {result.LoadAverage1m[1]:0.##})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sustained: {result.SustainedRateHz:0.##} Hz with 0 misses{(result.FailedRateHz > 0 ? $" (lost at {result.FailedRateHz:0.##} Hz)" : "")}; {result.Steps.Count} runs. Rule: {result.Rule}."));
        }
        if (jsonPath is not null) WriteFile(jsonPath, System.Text.Json.JsonSerializer.Serialize(result, BenchJsonContext.Default.SustainedRateReport));
        return ExitCodes.Ok;
    }

    // One rate search of the demo as the profile now composes it (depth: its stage groups; a frame may take a period in each).
    private static SustainedRateReport Search(Setup s, int frames, int warmup, double profileRate, long profileDeadlineUs, double bound, int depth)
    {
        var t = s.Profile.Timing;
        RateStep RunAt(double rate)
        {
            t.RateHz = rate;
            t.DeadlineUs = Math.Min(profileDeadlineUs, (long)(depth * 1e6 / rate));
            using BenchTarget target = Build(s, BenchScenario.Periodic, frames, warmup, measureFloor: false);
            var groups = target is ApplicationTarget app ? Realtime.Hosting.PipelineGroupThreads.Attach(app.Application.Loop, s.Profile.Threads, s.Realtime) : null;
            BenchRun run = null!;
            var scheduling = PipelineThread.Run(s.Profile, s.Realtime, () => run = target.Run(BenchScenario.Periodic, 0), target.Options.PeriodNs);
            if (run.Fault is not null) throw new InvalidOperationException($"the loop faulted at {rate:0.##} Hz: {run.Fault.Message}", run.Fault);
            var report = new RunReport();
            ReportBuilder.FillTiming(report, run.Records, run.Options, t.BudgetsUs);
            var step = new RateStep
            {
                RateHz = Math.Round(rate, 3),
                DeadlineUs = t.DeadlineUs,
                Frames = report.Frames,
                DeadlineMisses = report.DeadlineMisses,
                DroppedFrames = report.DroppedFrames,
                EndToEndP99Us = report.EndToEnd.P99Us,
                EndToEndP50Us = report.EndToEnd.P50Us,
                Sustained = report.Frames == frames && report.DeadlineMisses == 0 && report.DroppedFrames == 0 && report.SourceFaultFrames == 0,
                Pipeline = groups?.Reports(),
            };
            if (!s.Quiet)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {step.RateHz,9:0.##} Hz  deadline {step.DeadlineUs,7} µs  misses {step.DeadlineMisses,4}  dropped {step.DroppedFrames,4}  e2e p50 {step.EndToEndP50Us,7:0} p99 {step.EndToEndP99Us,7:0} µs  {(step.Sustained ? "kept" : "lost")}{(scheduling.Policy == "SCHED_FIFO" ? "" : "  (" + scheduling.Policy + ")")}"));
            return step;
        }
        var (kept, lost, steps) = SustainedRateSearch.Search(profileRate, bound, maxSteps: 8, resolution: 0.05, RunAt);
        RateStep? at = null;
        foreach (var step in steps) if (step.Sustained && step.RateHz == Math.Round(kept, 3)) at = step;
        return new SustainedRateReport
        {
            Board = s.Profile.Name,
            Demo = s.Profile.Demo,
            SustainedRateHz = Math.Round(kept, 3),
            FailedRateHz = Math.Round(lost, 3),
            ModelAloneRateHz = Math.Round(bound, 3),
            PipelineGroups = depth,
            EndToEndP50Us = at?.EndToEndP50Us ?? 0,
            Rule = depth == 1
                ? $"a rate is kept when all {frames} counted frames of a periodic run ran, none was dropped and none missed its deadline (the profile's {profileDeadlineUs} µs, or the period when shorter)"
                : $"a rate is kept when all {frames} counted frames of a periodic run ran, none was dropped (at a period tick or between groups) and none missed its deadline (the profile's {profileDeadlineUs} µs, or {depth} periods when shorter: a frame may spend a period in each group)",
            Steps = steps,
        };
    }

    // The machine's 1-minute load average, -1 when unreadable.
    private static double LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            int space = text.IndexOf(' ');
            return space > 0 && double.TryParse(text.AsSpan(0, space), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : -1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>
    /// <c>--calibrate</c>: one periodic run of the application as the profile paces it, its frames' and
    /// stages' times (percentiles, maximum, pWCET) written to <paramref name="timingPath"/> for admission.
    /// </summary>
    private static int CalibrateMode(List<(string Name, Setup Setup)> loops, int frames, int warmup, string timingPath, string profileHash)
    {
        var machine = MachineFacts.Read();
        var facts = TimingFiles.ThisMachine(machine);
        var file = new TimingFile
        {
            Written = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Profile = loops[0].Setup.ProfileSource,
            ProfileSha256 = profileHash,
            Machine = facts,
        };
        foreach (var (name, s) in loops)
        {
            var loop = CalibrateLoop(s, name, frames, warmup, facts);
            if (loop is null) return ExitCodes.Fault;
            file.Loops.Add(loop);
        }
        WriteFile(timingPath, file.ToJson());
        Console.WriteLine($"timing: {Path.GetFullPath(timingPath)} (rtapp check --admit and rtapp run read it)");
        return ExitCodes.Ok;
    }

    // One loop's periodic run as its profile paces it, measured under the name admission looks it up by; null after a fault.
    private static LoopTiming? CalibrateLoop(Setup s, string name, int frames, int warmup, TimingMachine facts)
    {
        using BenchTarget target = Build(s, BenchScenario.Periodic, frames, warmup, measureFloor: false);
        var o = target.Options;
        double rate = 1e9 / o.PeriodNs;
        if (!s.Quiet)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rtapp {Version} bench --calibrate: {s.Profile.Name} / {name}{(name == target.Demo ? "" : $" ({target.Demo})")}: {o.WarmupFrames} warm-up + {o.Frames} frames at {rate:0.##} Hz, deadline {o.DeadlineNs / 1000} µs (load {facts.LoadAverage ?? "unknown"})"));
        BenchRun run = null!;
        var scheduling = PipelineThread.Run(s.Profile, s.Realtime, () => run = target.Run(BenchScenario.Periodic, 0), o.PeriodNs);
        foreach (string note in scheduling.Notes) Log.Warning("note", note);
        if (run.Fault is not null)
        {
            Log.Error("fault", $"{run.Fault.Message} — outputs were driven to their safe state; no timing file was written");
            return null;
        }
        var loop = TimingCalibration.Measure(name, run.Records, Math.Round(rate, 3), o.DeadlineNs / 1000);
        // Every model ladder's rungs, each timed alone on the loop's last frame: what the ladder's selector expects of them.
        if (target is ApplicationTarget { Application.Loop.GraphLoop: { } graphLoop })
            foreach (var node in graphLoop.Graph.Nodes)
                if (node is Realtime.Onnx.Components.OnnxModelNode { HasLadder: true } model)
                    (loop.Variants ??= new()).AddRange(model.MeasureLadder(Math.Clamp(frames, 20, 200), Math.Round(rate, 3)));
        if (!s.Quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"stage",-11}{"frames",7}{"p50 µs",10}{"p99 µs",10}{"p99.9 µs",10}{"max µs",10}{"pWCET µs",11}"));
            foreach (var t in loop.Stages) PrintTiming(t);
            PrintTiming(loop.Frame);
            if (loop.Variants is { } rungs)
            {
                Console.WriteLine("  model ladder rungs (inference alone):");
                foreach (var t in rungs) PrintTiming(t);
            }
            var f = loop.Frame;
            Console.WriteLine(f.PwcetUs is double w
                ? string.Create(CultureInfo.InvariantCulture, $"pWCET: a frame exceeds {w:0.#} µs with probability {f.PwcetPerFrameExceedance:0.#e0} (at {rate:0.##} Hz, {f.PwcetPerHourExceedance:0.#e0} per hour), the larger of two fits: {f.PwcetMethod}") + Fits(f)
                : $"pWCET: too few frames for a fit ({f.Samples}; at least {2 * Pwcet.MinBlocks}): admission takes the maximum");
        }
        return loop;
    }

    // Each fit's own figure: the Gumbel's of block maxima, the generalized Pareto's over the threshold (with its shape).
    private static string Fits(StageTiming f) => string.Create(CultureInfo.InvariantCulture,
        $"\n  block maxima: {f.BlockMaximaPwcetUs:0.#} µs (Gumbel of {f.Blocks} blocks of {f.BlockSize} frames)") +
        (f.PotShape is double xi
            ? string.Create(CultureInfo.InvariantCulture, $"\n  peaks over threshold: {(f.PotPwcetUs is double p ? p.ToString("0.#", CultureInfo.InvariantCulture) + " µs" : "no figure")} (generalized Pareto of the {f.PotExceedances} frames above {f.PotThresholdUs:0.#} µs, shape {xi:0.###}{(xi >= PeaksOverThreshold.MaxShape ? ": outside the fit's range, not used" : xi > 0 ? ": a heavy tail" : "")})")
            : $"\n  peaks over threshold: too few frames above the 95th percentile (at least {PeaksOverThreshold.MinExceedances}; {f.Samples} frames)");

    private static void PrintTiming(StageTiming t) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {t.Name,-11}{t.Samples,7}{t.P50Us,10:0.#}{t.P99Us,10:0.#}{t.P999Us,10:0.#}{t.MaxUs,10:0.#}{(t.PwcetUs is double w ? w.ToString("0.#", CultureInfo.InvariantCulture) : "-"),11}"));

    /// <summary>
    /// <c>--sessions LIST</c>: ONNX Runtime session choices side by side on the face tracker's model
    /// and the same video frames (<see cref="SessionBench"/>); <c>--write-tensors FILE</c> also
    /// writes those frames, preprocessed, for other programs (scripts/bench-peers.sh) to run.
    /// </summary>
    private static int SessionsMode(Setup s, string list, int frames, int warmup, string? cache, string? tensorFile, string? reportPath)
    {
        var p = s.Profile;
        if (tensorFile is not null && (tensorFile.Length == 0 || Directory.Exists(tensorFile)))
            throw new UsageException($"--write-tensors needs a file path, got '{tensorFile}'");
        var chosen = SessionBench.Select(SessionBench.Known(ExtraCore(p), Path.GetFullPath(cache ?? DefaultCache())), list, out string? error)
            ?? throw new UsageException($"--sessions: {error}");
        // Distinct frames, up to 300 (10 s at 30 Hz), as the application's own preprocessing writes them; a longer run cycles through them.
        List<float[]> tensors;
        string modelPath, inputName, data;
        using (var app = (ApplicationTarget)Build(s, BenchScenario.SingleStream, Math.Min(frames, 300), 0, measureFloor: false))
        {
            try { tensors = SessionBench.Tensors(app, Math.Min(frames, 300), out inputName); }
            catch (UsageException ex) { throw new UsageException($"--sessions {ex.Message}"); }
            modelPath = app.ModelPath;
            data = $"application '{app.Demo}': its first {tensors.Count} frames as its preprocessing wrote them into model '{app.Model.Name}''s input '{inputName}' ({tensors[0].Length} float32), before the runs (untimed); frame f of a lane is tensor f mod {tensors.Count}";
        }
        if (tensorFile is not null)
        {
            SessionBench.WriteTensors(tensorFile, tensors);
            if (!s.Quiet) Console.WriteLine($"Frames: {tensors.Count} tensors of {tensors[0].Length} float32 written to {tensorFile}");
        }
        if (!s.Quiet)
            Console.WriteLine($"rtapp {Version} bench --sessions: {string.Join(", ", chosen.ConvertAll(c => c.Name))} on {Path.GetFileName(modelPath)}; {warmup} warm-up + {frames} frames each, a {SessionBench.DefaultGapNs / 1000} µs idle gap after each, lanes taking turns every {SessionBench.BlockFrames} frames");
        // Sessions are created here, the runs happen on the pipeline thread: as rtapp run does it (see SessionBench.Run).
        Realtime.Core.Reporting.SchedulingInfo scheduling = new();
        var report = SessionBench.Run(modelPath, inputName, chosen, tensors, frames, warmup, SessionBench.DefaultGapNs,
            measure => scheduling = PipelineThread.Run(p, s.Realtime, measure));
        foreach (string note in scheduling.Notes) Log.Warning("note", note);
        report.Version = Version;
        report.Data = data;
        report.Notes.Add($"Scheduling of the calling thread: {scheduling.Policy} priority {scheduling.Priority}, cores [{string.Join(",", scheduling.Affinity)}]; machine: {Environment.ProcessorCount} cores.");
        report.Notes.Add("Latency is one Run with inputs and outputs bound once (IoBinding), as the loop runs it: the model-alone figure.");
        report.Notes.Add("CPU is CLOCK_PROCESS_CPUTIME_ID (every thread) across the run and the idle gap after it, per frame; 'other threads' is that minus the caller's CLOCK_THREAD_CPUTIME_ID: a pool spinning while the caller waits shows there.");
        report.Notes.Add("Ratios (×) are to the default session in the same run. max |Δ| is the largest difference of any output value from the default's on frame 0.");
        Console.Write(SessionTable.Format(report));
        foreach (string n in report.Notes) Console.WriteLine("  " + n);
        if (reportPath is string path)
        {
            WriteFile(path, System.Text.Json.JsonSerializer.Serialize(report, BenchJsonContext.Default.SessionReport));
            Console.WriteLine($"Report: {path}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The core for a second intra-op thread: the profile's first inference core, else the first core not the pipeline's.</summary>
    private static int ExtraCore(BoardProfile p)
    {
        if (p.Threads.InferenceCores.Count > 0) return p.Threads.InferenceCores[0];
        int cores = Environment.ProcessorCount;
        for (int c = 0; c < cores; c++)
            if (!p.Threads.Pipeline.Cores.Contains(c)) return c;
        return 0;
    }

    private static string Names(IReadOnlyList<VariantSpec> known)
    {
        var names = new List<string>();
        foreach (var k in known) names.Add(k.Name);
        return string.Join(", ", names);
    }

    /// <summary>Uncounted frames at the start of each turn of <c>--compare naive</c>.</summary>
    internal const int CompareRewarmFrames = 1;

    private static int RunCompareNaive(Setup s, int frames, int warmup, StampCostSummary stamp, string? jsonPath, string htmlPath)
    {
        // Each loop's first frame of a turn runs uncounted: it pays for the caches the other loop's turn left (the naive loop's garbage above all).
        int paired = BenchDriver.PairedFrames(frames, CompareRewarmFrames);
        using var target = (ApplicationTarget)Build(s, BenchScenario.SingleStream, paired, warmup);
        // The twin is the same graph with its model node's type swapped for the naive one (a world of its own: its camera, its outputs).
        var naiveSetup = s.With(new[] { $"app.nodes[{target.Model.Name}].type={NaiveOnnxModelNode.TypeName}" }, NaiveOnnxModelNode.Register(s.Host!.Components));
        IApplicationInstance twin = naiveSetup.Application!.Build(new ApplicationContext(naiveSetup.Profile, naiveSetup.ProfileSource)
        {
            AssetsDirectory = s.Assets, Waiter = new ClockNanosleepWaiter(), Overrides = BenchTarget.Overrides(BenchScenario.SingleStream, paired, warmup, measureFloor: false, videoCacheDir: s.VideoCacheDir),
        });
        IClosedLoop naiveLoop = twin.Loop;
        using var owned = twin;
        if (!s.Quiet)
            Console.WriteLine($"rtapp {Version} bench --compare naive: {s.Profile.Name} / {target.Demo} / {target.Model.Name}: {warmup} warm-up + {frames} frames of each loop, single-stream, taking turns every {BenchDriver.BlockFrames} frames, each turn after {CompareRewarmFrames} uncounted");

        var driver = new BenchDriver();
        using var signals = new StopSignals(_ => driver.RequestStop());
        BenchRun run = null!, naive = null!;
        var scheduling = PipelineThread.Run(s.Profile, s.Realtime, () => (run, naive) = driver.RunPair(target.Application.Loop, naiveLoop, CompareRewarmFrames));
        foreach (string note in scheduling.Notes) Log.Warning("note", note);

        var report = new RunReport { Version = Version, Board = s.Profile.Name, Machine = MachineFacts.Read(), Scheduling = scheduling };
        var extras = BenchReports.Fill(report, run, target, s.Profile.Timing.BudgetsUs);
        ReportMetadata.Stamp(report, Commit, new[] { target.ModelPath });
        extras.StampCost = stamp;
        extras.ModelLoadedFrom = target.LoadedFrom;
        report.ColdStartMs = new ColdStart { ProcessStartSource = "not measured in a comparison run", ModelLoad = Math.Round(target.ModelLoadMs, 3), FirstInference = Math.Round(target.FirstInferenceMs, 3) };
        LoopFigures optimized = BenchReports.Figures(run);
        extras.CompareNaive = new NaiveComparison
        {
            Description = $"The naive loop is the same graph with its model node '{target.Model.Name}' of type {NaiveOnnxModelNode.TypeName}, the node a newcomer writes: per frame each input copied into a new array, " +
                  "a new DenseTensor and NamedOnnxValue list, InferenceSession.Run's convenience overload, and each output copied into a new array. Same model, same session settings, every other node the same.",
            Interleaving = $"Both loops ran in this process on the same thread, taking turns every {BenchDriver.BlockFrames} frames; each turn began with {CompareRewarmFrames} uncounted frame (after the other loop's turn it ran {run.RewarmTax(optimized.EndToEnd.P50Us) ?? "no"} slower at p50: the other loop's caches, which a loop running alone never pays); each one's allocations, collections and pauses are counted over its own counted frames only.",
            Optimized = optimized,
            Naive = BenchReports.Figures(naive),
        };
        extras.Html = Path.GetFullPath(htmlPath);
        WriteFile(htmlPath, HtmlReport.Render(new BenchPage
        {
            Report = report, Extras = extras, Records = run.Records, WarmupFrames = run.WarmupFrames,
            NaiveRecords = naive.Records, NaiveWarmupFrames = naive.WarmupFrames,
        }));
        if (jsonPath is not null) WriteFile(jsonPath, BenchReports.ToJson(report, extras));
        if (!s.Quiet)
        {
            BenchSummary.Print(report, extras, null);
            BenchSummary.PrintComparison(extras.CompareNaive);
            if (jsonPath is not null) Console.WriteLine($"Report: {jsonPath}");
        }
        var f = run.Fault ?? naive.Fault;
        if (f is not null)
        {
            Log.Error("fault", $"{f.Message} — outputs were driven to their safe state; the report holds what was measured");
            return ExitCodes.Fault;
        }
        return ExitCodes.Ok;
    }

    private static int RunScenario(Setup s, BenchScenario scenario, int? frames, double? durationS, int warmup, StampCostSummary stamp,
        string? jsonPath, string htmlPath, long processStartNs, string startSource, long mainNs, Judging judging)
    {
        int counted = frames ?? 1000;
        if (durationS is double ds)
        {
            double probe = scenario == BenchScenario.Periodic ? 0 : ProbeModelAlone(s);
            counted = BenchPlanner.FramesFor(ds, scenario, s.Profile.Timing.RateHz, probe);
        }
        long wireStartNs = MonotonicClock.NowNs();
        using BenchTarget target = Build(s, scenario, counted, warmup);
        long wireEndNs = MonotonicClock.NowNs();
        var o = target.Options;
        if (!s.Quiet)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rtapp {Version} bench: {s.Profile.Name} / {target.Demo} / {Path.GetFileName(target.ModelPath)}: {BenchScenarios.Name(scenario)}, {o.WarmupFrames} warm-up + {(durationS is double dd ? $"{dd:0.###} s (up to {o.Frames} frames)" : $"{o.Frames} frames")}" +
                $"{(scenario == BenchScenario.Periodic ? $" at {1e9 / o.PeriodNs:0.##} Hz" : "")}, deadline {o.DeadlineNs / 1000} µs"));

        int signal = 0;
        using var signals = new StopSignals(n => { signal = n; target.RequestStop(); });

        // The machine beside the run, sampled every 100 ms (a bench run is seconds long), and a cause for each miss.
        using var resources = new ResourceSampler(periodS: 0.1, capacity: 12_000);
        MissCauseRecorder? causes = null;
        if (target is ApplicationTarget app && app.Application.Loop is Realtime.Core.Graph.GraphLoop graphLoop)
        {
            causes = new MissCauseRecorder(o.DeadlineNs, o.StageBudgetsNs, resources);
            graphLoop.Attach(causes);
        }
        BenchRun run = null!;
        long loopStartNs = 0;
        resources.Start();
        var scheduling = PipelineThread.Run(s.Profile, s.Realtime, () =>
        {
            resources.PipelineThreadId = RealtimeScheduling.CurrentThreadId();
            loopStartNs = MonotonicClock.NowNs();
            run = target.Run(scenario, durationS is double sec ? (long)(sec * 1e9) : 0);
        }, scenario == BenchScenario.Periodic ? o.PeriodNs : 0);
        resources.Stop();
        causes?.Close();
        foreach (string note in scheduling.Notes) Log.Warning("note", note);

        var report = new RunReport
        {
            Version = Version,
            Board = s.Profile.Name,
            Machine = MachineFacts.Read(),
            Scheduling = scheduling,
        };
        var extras = BenchReports.Fill(report, run, target, s.Profile.Timing.BudgetsUs);
        long runStartNs = run.Records.Length > 0 ? run.Records[0].StartNs : loopStartNs;
        report.MissCauses = causes?.ToReport();
        report.Resources = resources.ToReport(runStartNs);
        ReportMetadata.Stamp(report, Commit, new[] { target.ModelPath });
        if (signal != 0 && run.Outcome == Realtime.Core.Pipeline.LoopOutcome.Stopped) report.Outcome = signal == 15 ? "stopped (SIGTERM)" : "stopped (SIGINT)";
        extras.DurationRequestedS = durationS;
        extras.StampCost = stamp;
        extras.ModelLoadedFrom = target.LoadedFrom;
        extras.Notes.Add("A ratio measured in one run (overhead_vs_floor) is the figure to quote: these machines are noisy, an absolute time from one run is not.");
        report.ColdStartMs = new ColdStart
        {
            ProcessStartSource = processStartNs > 0 ? startSource : "not measured: not the first run of this process",
            RuntimeStart = processStartNs > 0 ? Math.Round((mainNs - processStartNs) / 1e6, 3) : 0,
            ProcessToFirstActuation = processStartNs > 0 && target.FirstActuationNs > 0 ? Math.Round((target.FirstActuationNs - processStartNs) / 1e6, 3) : 0,
            ModelLoad = Math.Round(target.ModelLoadMs, 3),
            OnnxruntimeInit = Math.Round(target.RuntimeInitMs, 3),
            Wiring = Math.Round((wireEndNs - wireStartNs) / 1e6 - target.ModelLoadMs, 3),
            SchedulingSetup = Math.Round((loopStartNs - wireEndNs) / 1e6, 3),
            FirstInference = Math.Round(target.FirstInferenceMs, 3),
        };

        if (judging.Baseline is { } baseline) extras.Baseline = baseline.Compare(report, extras.EndToEndNs);
        if (judging.Slo is { } slo) extras.Slo = slo.Evaluate(extras.EndToEndNs);
        extras.Html = Path.GetFullPath(htmlPath);
        WriteFile(htmlPath, HtmlReport.Render(new BenchPage
        {
            Report = report,
            Extras = extras,
            Records = run.Records,
            WarmupFrames = run.WarmupFrames,
            PeriodNs = scenario == BenchScenario.Periodic ? o.PeriodNs : 0,
            BaselineNs = judging.Baseline?.EndToEndNs,
            ResourcesStartNs = runStartNs,
        }));
        if (jsonPath is not null) WriteFile(jsonPath, BenchReports.ToJson(report, extras));
        if (!s.Quiet) BenchSummary.Print(report, extras, jsonPath);
        // The judgements are printed even with --quiet: they are the result.
        if (extras.Baseline is { } cmp) BenchSummary.PrintBaseline(cmp);
        if (extras.Slo is { } verdict) BenchSummary.PrintSlo(verdict);
        if (run.Fault is not null)
        {
            Log.Error("fault", $"{run.Fault.Message} — outputs were driven to their safe state; the report holds what was measured");
            return ExitCodes.Fault;
        }
        return extras.Slo?.Outcome switch
        {
            SloOutcome.Missed => ExitCodes.SloMissed,
            SloOutcome.TooFew => ExitCodes.SloTooFewFrames,
            _ => ExitCodes.Ok,
        };
    }

    /// <summary>What a scenario run is judged against: an earlier run, a latency objective (either may be absent).</summary>
    internal sealed record Judging(BaselineRun? Baseline, LatencySlo? Slo)
    {
        public bool Any => Baseline is not null || Slo is not null;
    }

    /// <summary>What a model the bench cannot bind says, with the option that fixes a missing input shape.</summary>
    private static string ModelProblem(InvalidDataException ex) =>
        ex.Data[OnnxInferenceEngine.ShapeHintKey] is string hint ? $"{ex.Message}: --shape {hint}" : ex.Message;

    /// <summary>Wires the demo, or the bare model, for one run; every problem with what it points at is a <see cref="ProfileException"/> (exit 2).</summary>
    internal static BenchTarget Build(Setup s, BenchScenario scenario, int frames, int warmup, bool? measureFloor = null)
    {
        var overrides = BenchTarget.Overrides(scenario, frames, warmup, s.Session, measureFloor, s.ModelNode, s.VideoCacheDir);
        if (s.ModelPath is null)
        {
            var application = s.Application ?? throw new ProfileException(s.ProfileSource, new[] { $"demo: no application named '{s.Profile.Demo}' is registered" });
            try
            {
                return new ApplicationTarget(application.Build(new ApplicationContext(s.Profile, s.ProfileSource) { AssetsDirectory = s.Assets, Waiter = new ClockNanosleepWaiter(), Overrides = overrides }),
                    s.ModelNode);
            }
            catch (UsageException ex)
            {
                // The target says which model is missing or that one must be chosen; here is how to choose.
                throw new UsageException(ex.Message.EndsWith(ApplicationTarget.NameTheModel, StringComparison.Ordinal) ? ex.Message + " with --model NODE"
                    : s.ModelNode is { } node ? $"--model {node}: {ex.Message}" : ex.Message);
            }
        }
        OnnxInferenceEngine engine;
        try
        {
            engine = BareModelBinding.Load(s.ModelPath, s.Shapes, s.Session);
        }
        catch (InvalidDataException ex)
        {
            throw new ProfileException("--model", new[] { ModelProblem(ex) });
        }
        var t = s.Profile.Timing;
        var options = new Realtime.Core.Pipeline.ClosedLoopOptions
        {
            Frames = frames,
            WarmupFrames = warmup,
            PeriodNs = (long)Math.Round(1e9 / t.RateHz),
            DeadlineNs = t.DeadlineUs * 1000,
            Scenario = overrides.Scenario ?? Realtime.Core.Pipeline.LoopScenario.SingleStream,
            MeasureFloor = overrides.MeasureFloor,
        };
        try
        {
            return new BareModelTarget(engine, options, new ClockNanosleepWaiter());
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>The model alone, back to back, ns per run: a demo's model as the demo binds it (its inputs, shapes and carried state), else the bare model.</summary>
    private static double ProbeModelAlone(Setup s)
    {
        if (s.ModelPath is null)
        {
            using BenchTarget demo = Build(s, BenchScenario.SingleStream, 1, 0, measureFloor: false);
            return BenchPlanner.ProbeNs(demo.Engine);
        }
        string path = s.ModelPath;
        if (!File.Exists(path)) return 1000; // the build that follows names the missing file
        try
        {
            using var probe = BareModelBinding.Load(path, s.Shapes, new OnnxSessionSettings { IntraOpThreads = DeclaredModel.IntraOpThreadsOf(s.Profile.App) });
            return BenchPlanner.ProbeNs(probe);
        }
        catch (InvalidDataException ex)
        {
            throw new ProfileException("--model", new[] { ModelProblem(ex) });
        }
    }

    private void ApplyTimingOverrides(ParseResult cl, BoardProfile profile, string source)
    {
        double? rate = cl.GetValue(_rate);
        int? deadline = cl.GetValue(_deadlineUs);
        if (rate is double hz) profile.Timing.RateHz = hz;
        if (deadline is int us) profile.Timing.DeadlineUs = us;
        if (rate is not null || deadline is not null)
        {
            // Budgets were sized for the profile's deadline; with another one they no longer apply.
            profile.Timing.BudgetsUs.Clear();
            var problems = ProfileLoader.Validate(profile);
            if (problems.Count > 0) throw new ProfileException($"{source} with --rate/--deadline-us", problems);
        }
    }

    /// <summary>Whether a --model value is a model file (contains '/' or ends in .onnx) rather than a model node's name.</summary>
    internal static bool IsModelFile(string model) => model.Contains('/') || model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static string DefaultCache() => Path.Combine("out", "ort-cache");

    /// <summary>FILE.json + ".periodic" → FILE.periodic.json.</summary>
    private static string Insert(string path, string suffix, string defaultExt)
    {
        if (suffix.Length == 0) return path;
        string ext = Path.GetExtension(path);
        if (ext.Length == 0) ext = defaultExt;
        return Path.ChangeExtension(path, null) + suffix + ext;
    }

    /// <summary>Writes a report atomically (the old one stays whole if this fails); a failure ends the command with exit 7, after what it printed.</summary>
    internal static void WriteFile(string path, string text)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            ReportFile.WriteAtomically(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReportNotWrittenException(Path.GetFullPath(path), ReportFile.Reason(ex), ex);
        }
    }

    /// <summary>Refuses, before anything is measured, a destination for a file (a report, tensors) that cannot take one.</summary>
    internal static void CheckReportPath(string option, string? path)
    {
        if (path is not null && ReportFile.CheckDestination(path) is { } problem) throw new UsageException($"--{option} {path}: {problem}");
    }
}
