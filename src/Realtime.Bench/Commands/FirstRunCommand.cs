using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Hosting;
using Realtime.Linux;
using Realtime.Onnx;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp first-run MODEL</c>: this process loads one model and runs it once, nothing
/// else (no profile, outputs, camera or threads of its own), and says how long each step took
/// from the process's start. It is the floor a cold start stands on, as the model alone is a
/// frame's: <c>bench --cold-start</c> launches it beside the application's launches and sets their
/// first actuation against it.
/// </summary>
internal sealed class FirstRunCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "first-run";

    /// <inheritdoc/>
    public override string Description => "Load one ONNX model in this fresh process and run it once, nothing else: the floor of a cold start, each step timed from the process's start.";

    /// <inheritdoc/>
    public override string? Notes => """
        Steps, one after the other on the main thread: the runtime's start (process start to Main), ONNX Runtime's
        library and environment, the session (optimized by ONNX Runtime at load unless --optimization says otherwise;
        a saved optimized model, .onnx or .ort, loads fastest with --optimization disabled), every input bound as
        bench --model binds it (floats pseudo-random in [-1, 1), an integer sr 16000, others zeros), one run. Process start is the launcher's RTAPP_LAUNCH_MONO_NS when given, else the kernel's start
        time (10 ms steps). The report's cold_start_ms has the same fields as a run's; process_to_first_actuation
        is the first run's end (the first answer exists; a run's first actuation comes after it).
        A model with dynamic dimensions needs their sizes: --shape input=1x576,state=2x1x128.
        Example: {tool} first-run out/ort-cache/MODEL.ort --optimization disabled --report first.json
        """;

    private readonly Argument<string> _modelArg = new("model") { Description = "The ONNX model (.onnx, or a saved .ort).", HelpName = "MODEL" };
    private readonly Option<string> _optimization = HostOptions.Text("--optimization", "LEVEL",
        $"ONNX Runtime's graph optimizations at load: {string.Join(", ", OnnxSessionSettings.GraphOptimizationNames)} (default: all).");
    private readonly Option<int?> _threads = HostOptions.Number("--intra-op-threads", 1, 256, "N", "The session's intra-op threads (default: 1, as a model node's).");
    private readonly Option<string> _shape = HostOptions.Text("--shape", "NAME=AxB,…", "Input shapes for the model's dynamic dimensions.");
    private readonly Option<string> _report = HostOptions.Text("--report", "FILE", "Write the timings as JSON.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _optimization, _threads, _shape, _report };

    /// <inheritdoc/>
    public override IReadOnlyList<Argument> Arguments => new Argument[] { _modelArg };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        // Before any thread could read the environment (ONNX Runtime's own threads included).
        OnnxRuntimeWarmUp.QuietTelemetry();
        var (startNs, startSource) = MachineFacts.ProcessStart();
        // No start to time from (/proc unreadable): the steps are timed from Main, and the source says so.
        if (startNs <= 0) (startNs, startSource) = (mainNs, "unknown: timed from Main");
        string modelPath = cl.GetValue(_modelArg)!;
        string level = cl.GetValue(_optimization) ?? "all";
        GraphOptimizationLevel optimization = OnnxSessionSettings.ParseGraphOptimization(level)
            ?? throw new UsageException($"--optimization must be one of {string.Join(", ", OnnxSessionSettings.GraphOptimizationNames)}, got '{level}'");
        Dictionary<string, long[]>? shapes = null;
        if (cl.GetValue(_shape) is string shapeText)
            shapes = BareModel.BareModelBinding.ParseShapes(shapeText, out string? shapeError) ?? throw new UsageException($"--shape: {shapeError}");
        string? reportPath = cl.GetValue(_report);
        BenchCommand.CheckReportPath("report", reportPath);
        if (!File.Exists(modelPath)) throw new ProfileException(modelPath, new[] { "model file not found" });

        var settings = new OnnxSessionSettings { GraphOptimization = optimization, IntraOpThreads = cl.GetValue(_threads) ?? 1 };
        OnnxInferenceEngine engine;
        try
        {
            engine = BareModel.BareModelBinding.Load(modelPath, shapes, settings);
        }
        catch (InvalidDataException ex)
        {
            throw new ProfileException(modelPath, new[] { ProfileException.WithoutSource(ex.Message, modelPath) });
        }
        double loadedMs, firstMs;
        using (engine)
        {
            long loadedNs = MonotonicClock.NowNs();
            try
            {
                engine.Run();
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ProfileException(modelPath, new[] { $"ONNX Runtime could not run the model on the bound inputs (give the real shapes with --shape): {ex.Message}" });
            }
            long answeredNs = MonotonicClock.NowNs();
            loadedMs = (loadedNs - startNs) / 1e6;
            firstMs = (answeredNs - startNs) / 1e6;
            var timeline = new StartupTimeline();
            timeline.Mark(StartupTimeline.Main, mainNs);
            timeline.Mark(StartupTimeline.ModelLoaded, loadedNs);
            timeline.Mark(StartupTimeline.FirstActuation, answeredNs);
            var report = new FirstRunReport
            {
                Version = host.Version,
                Model = Path.GetFullPath(modelPath),
                Optimization = OnnxSessionSettings.GraphOptimizationName(optimization),
                IntraOpThreads = settings.IntraOpThreads,
                ColdStartMs = new ColdStart
                {
                    ProcessStartSource = startSource,
                    RuntimeStart = Math.Round((mainNs - startNs) / 1e6, 3),
                    OnnxruntimeInit = Math.Round(engine.RuntimeInitMs, 3),
                    ModelLoad = Math.Round(engine.ModelLoadMs, 3),
                    ProcessToModelLoaded = Math.Round(loadedMs, 3),
                    FirstInference = Math.Round(engine.FirstInferenceMs, 3),
                    ProcessToFirstActuation = Math.Round(firstMs, 3),
                    Timeline = timeline.ToReport(startNs),
                },
            };
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"{Path.GetFileName(modelPath)}: first answer {firstMs:0.0} ms after process start (runtime {report.ColdStartMs.RuntimeStart:0.0}, ONNX Runtime {engine.RuntimeInitMs:0.0}, session {engine.ModelLoadMs - engine.RuntimeInitMs:0.0}, first run {engine.FirstInferenceMs:0.0}; start from {startSource})"));
            if (reportPath is not null)
            {
                BenchCommand.WriteFile(reportPath, System.Text.Json.JsonSerializer.Serialize(report, BenchJsonContext.Default.FirstRunReport));
                Console.WriteLine($"Report: {reportPath}");
            }
        }
        return ExitCodes.Ok;
    }
}

/// <summary>The report of <c>rtapp first-run</c>.</summary>
public sealed class FirstRunReport
{
    /// <summary>Always "rtapp".</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>Version.</summary>
    public string Version { get; set; } = "";
    /// <summary>The model file, full path.</summary>
    public string Model { get; set; } = "";
    /// <summary>ONNX Runtime's graph optimizations at load (disabled, basic, extended, all).</summary>
    public string Optimization { get; set; } = "";
    /// <summary>The session's intra-op threads.</summary>
    public int IntraOpThreads { get; set; }
    /// <summary>Each step from process start, ms, as a run's <c>cold_start_ms</c> (the fields this command has no step for are 0).</summary>
    public ColdStart ColdStartMs { get; set; } = new();
}
