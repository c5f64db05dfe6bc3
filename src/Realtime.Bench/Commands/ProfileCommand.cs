using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Realtime.Bench;
using Realtime.Bench.BareModel;
using Realtime.Bench.Profiling;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Hosting;
using Realtime.Onnx;
using Realtime.Onnx.Components;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp profile</c>: runs the loop with ONNX Runtime's profiler on and prints where a frame's
/// time goes: the model's operator types by total time and share, with the project's own stages
/// (capture, preprocessing, decoding, control, actuation) in the same table.
/// </summary>
internal sealed class ProfileCommand : HostCommand
{
    /// <summary>The host's version, as this run's reports and headings record it.</summary>
    private static string Version = "";

    /// <inheritdoc/>
    public override string Name => "profile";

    /// <inheritdoc/>
    public override string Description => "ONNX Runtime's operator profile beside the loop's own stages, shares adding up to 100 %.";

    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string> _model = HostOptions.Text("--model", "FILE.onnx", "Profile this model (the board's own runs in its application's loop, any other alone).");
    private readonly Option<string> _shape = HostOptions.Text("--shape", "NAME=AxB,…", "Input shapes for --model's dynamic dimensions.");
    private readonly Option<int?> _runs = HostOptions.Number("--runs", 1, 1_000_000, "N", "Profiled runs (default: 200).");
    private readonly Option<int?> _warmup = HostOptions.Number("--warmup", 0, 100_000, "N", "Warm-up runs (default: 20).");
    private readonly Option<int?> _top = HostOptions.Number("--top", 1, 1000, "N", "Operator types shown (default: 12).");
    private readonly Option<string> _traceDir = HostOptions.Text("--trace-dir", "DIR", "Where ONNX Runtime's trace goes (default: rtapp-profile).");
    private readonly Option<string> _report = HostOptions.Text("--report", "FILE.json", "Where the JSON report goes.");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _noRt = HostOptions.Flag("--no-rt", "Do not ask for SCHED_FIFO, affinity or mlockall.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _board, _model, _shape, _runs, _warmup, _top, _traceDir, _report, _assets, _noRt };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        Version = host.Version;
        BenchCommand.CheckReportPath("report", cl.GetValue(_report));
        string board = cl.GetValue(_board) ?? "sim";
        var (profile, source) = ProfileCatalog.Load(board, null, null, host);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));
        string? model = cl.GetValue(_model);
        if (model is not null && !File.Exists(model)) throw new ProfileException("--model", new[] { $"model file not found: {Path.GetFullPath(model)}" });
        int runs = cl.GetValue(_runs) ?? 200;
        int warmup = cl.GetValue(_warmup) ?? 20;
        int top = cl.GetValue(_top) ?? 12;
        string traceDir = Path.GetFullPath(cl.GetValue(_traceDir) ?? "rtapp-profile");
        Directory.CreateDirectory(traceDir);

        // A model of the board's graph (same bytes as a model node pins) runs in the application's loop, with
        // its real preprocessing and decoding, the node's file replaced by the one given; any other model runs alone in a bare loop.
        var declared = DeclaredModel.In(profile.App);
        DeclaredModel? node = null;
        if (model is not null)
        {
            string sha = ModelFile.Sha256(model);
            foreach (var m in declared)
                if (node is null && m.Sha256 is string pinned && string.Equals(sha, pinned, StringComparison.OrdinalIgnoreCase)) node = m;
            if (node is { } found) (profile, source) = ProfileCatalog.Load(board, new[] { $"app.nodes[{found.Node}].config.path={Path.GetFullPath(model)}" }, null, host);
        }
        bool demo = model is null || node is not null;
        int threads = node?.IntraOpThreads ?? DeclaredModel.IntraOpThreadsOf(profile.App);
        Dictionary<string, long[]>? shapes = null;
        if (cl.GetValue(_shape) is string shapeText)
            shapes = BareModelBinding.ParseShapes(shapeText, out string? shapeError) ?? throw new UsageException($"--shape: {shapeError}");
        string modelName = Path.GetFileNameWithoutExtension(model ?? (declared.Count > 0 ? declared[0].Path : "model"));
        var setup = new BenchCommand.Setup
        {
            Profile = profile,
            ProfileSource = source,
            Assets = assets,
            Application = host.Applications.Find(profile.Demo),
            ModelPath = demo ? null : Path.GetFullPath(model!),
            ModelNode = node?.Node,
            Shapes = shapes,
            Session = new OnnxSessionSettings { IntraOpThreads = threads, ProfilePathPrefix = Path.Combine(traceDir, modelName) },
            Realtime = !cl.GetValue(_noRt),
        };

        // Two passes over the same frames: with the profiler (the operator split), then without it (the stages,
        // and the infer stage the profiler's own per-kernel cost would inflate).
        BenchRun run;
        string trace;
        string demoName, modelFile;
        using (var target = BenchCommand.Build(setup, BenchScenario.SingleStream, runs, warmup, measureFloor: false))
        {
            demoName = target.Demo;
            modelFile = Path.GetFileName(target.ModelPath);
            Console.WriteLine($"rtapp {Version} profile: {profile.Name} / {demoName} / {modelFile}: {warmup} warm-up + {runs} frames, single-stream, with ONNX Runtime's profiler then without");
            run = RunOnce(target, setup);
            trace = target.EndProfiling();
        }
        if (run.Fault is not null)
        {
            Log.Error("fault", run.Fault.Message);
            return ExitCodes.Fault;
        }
        var plain = new BenchCommand.Setup
        {
            Profile = setup.Profile, ProfileSource = setup.ProfileSource, Assets = setup.Assets, Application = setup.Application, ModelPath = setup.ModelPath, ModelNode = setup.ModelNode, Shapes = setup.Shapes,
            Session = new OnnxSessionSettings { IntraOpThreads = threads }, Realtime = setup.Realtime,
        };
        BenchRun unprofiled;
        using (var target = BenchCommand.Build(plain, BenchScenario.SingleStream, runs, warmup, measureFloor: false))
            unprofiled = RunOnce(target, plain);
        var summary = OrtTrace.Read(trace, run.CountedFrames);
        var report = ProfileTable.Build(run.Records.AsSpan(run.WarmupFrames), summary, top,
            unprofiled.Fault is null ? unprofiled.Records.AsSpan(unprofiled.WarmupFrames) : default);
        report.Version = Version;
        report.Board = profile.Name;
        report.Demo = demoName;
        report.Model = modelFile;
        report.WarmupFrames = run.WarmupFrames;
        report.TracePath = trace;
        if (report.ProfilerOverheadUs is double po)
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the profiler added {po:0.0} µs to each run ({report.ProfilerOverheadPerKernelUs:0.0} µs per kernel; its kernels summed to {report.KernelMeanUs:0.0} µs): the stages and the infer stage ({report.InferMeanUs:0.0} µs, {report.InferMeanProfiledUs:0.0} µs profiled) come from a second pass without it, split over the operator types by their share of profiled kernel time"));
        else
            report.Notes.Add("operator times are the kernels' own, timed by the profiler, which costs time itself; read the shares, and take absolute times from rtapp bench");
        Print(report);
        if (cl.GetValue(_report) is string path)
        {
            BenchCommand.WriteFile(path, JsonSerializer.Serialize(report, BenchJsonContext.Default.ProfileReport));
            Console.WriteLine($"Report: {path}");
        }
        return ExitCodes.Ok;
    }

    private static BenchRun RunOnce(BenchTarget target, BenchCommand.Setup setup)
    {
        BenchRun run = null!;
        var scheduling = PipelineThread.Run(setup.Profile, setup.Realtime, () => run = target.Run(BenchScenario.SingleStream, 0));
        foreach (string note in scheduling.Notes) Log.Warning("note", note);
        return run;
    }

    private static void Print(ProfileReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Where a frame's time goes ({r.Frames} frames, mean frame {r.FrameMeanUs:0.0} µs; the model: {r.OperatorTypes} op types, {r.KernelsPerRun:0.#} kernels per run, infer stage {r.InferMeanUs:0.0} µs)"));
        Console.WriteLine(r.UnprofiledFrames > 0
            ? "Rows: the model's operator types (the infer stage split by their kernel-time share) and the loop's own stages; % frame adds up to 100."
            : "Rows: the model's operator types (kernel time), ONNX Runtime's time around them, and the loop's own stages; % frame adds up to 100.");
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{"what",-34} {"kind",-9} {"calls/frame",11} {"total ms",10} {"µs/frame",10} {"% frame",8} {"% model",8}"));
        double sum = 0;
        foreach (var row in r.Rows)
        {
            sum += row.SharePct;
            string model = row.ShareOfModelPct is double m ? m.ToString("0.0", c) : "";
            Console.WriteLine(string.Create(c, $"{Clip(row.Name, 34),-34} {row.Kind,-9} {row.CallsPerFrame,11:0.##} {row.TotalMs,10:0.00} {row.MeanUsPerFrame,10:0.0} {row.SharePct,8:0.0} {model,8}"));
        }
        Console.WriteLine(string.Create(c, $"{"total",-34} {"",-9} {"",11} {"",10} {r.FrameMeanUs,10:0.0} {sum,8:0.0}"));
        Console.WriteLine();
        foreach (string note in r.Notes) Console.WriteLine($"Note: {note}");
        Console.WriteLine($"Trace: {r.TracePath} (open in chrome://tracing or https://ui.perfetto.dev)");
    }

    private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}
