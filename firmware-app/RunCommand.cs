using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Demos;
using Realtime.Linux;

namespace Realtime.App;

/// <summary><c>rtapp run</c>: one demo's closed loop, its summary and its report.</summary>
internal static class RunCommand
{
    public static readonly Dictionary<string, bool> Options = new()
    {
        ["board"] = true, ["demo"] = true, ["frames"] = true, ["warmup"] = true, ["scenario"] = true,
        ["report"] = true, ["assets"] = true, ["no-floor"] = false, ["no-rt"] = false, ["quiet"] = false,
        ["optimized-model"] = true, ["cache"] = true,
    };

    public static int Execute(CommandLine cl, long mainNs)
    {
        var (processStartNs, startSource) = MachineFacts.ProcessStart();
        string board = cl.Get("board") ?? "sim";
        var (profile, source) = ProfileCatalog.Load(board);
        string demoName = cl.Get("demo") ?? profile.Demo;
        if (demoName != "face-tracker") throw new UsageException($"unknown demo '{demoName}' (available: face-tracker)");
        LoopScenario? scenario = cl.Get("scenario") switch
        {
            null => null,
            "periodic" => LoopScenario.Periodic,
            "single-stream" => LoopScenario.SingleStream,
            string s => throw new UsageException($"--scenario must be periodic or single-stream, got '{s}'"),
        };
        var overrides = new RunOverrides
        {
            Frames = cl.GetInt("frames", 1, 10_000_000),
            WarmupFrames = cl.GetInt("warmup", 0, 1_000_000),
            Scenario = scenario,
            MeasureFloor = !cl.Has("no-floor"),
            // A saved optimized model (written once into the cache, then loaded with graph optimizations off) shortens cold start.
            OptimizedModelCacheDir = cl.Get("optimized-model") is null ? null : cl.Get("cache") ?? System.IO.Path.Combine("out", "ort-cache"),
            OptimizedModelFormat = cl.Get("optimized-model") switch
            {
                null or "onnx" => Realtime.Onnx.SavedModelFormat.Onnx,
                "ort" => Realtime.Onnx.SavedModelFormat.Ort,
                string f => throw new UsageException($"--optimized-model must be onnx or ort, got '{f}'"),
            },
        };
        string? reportPath = cl.Get("report");
        bool quiet = cl.Has("quiet");
        string? assets = AssetLocator.Find(cl.Get("assets"));

        long wireStartNs = MonotonicClock.NowNs();
        using var demo = FaceTrackerDemo.Build(profile, source, assets, new ClockNanosleepWaiter(), overrides);
        var loop = demo.Loop;
        long wireEndNs = MonotonicClock.NowNs();
        long loopStartNs = 0;
        if (!quiet)
            Console.WriteLine($"rtapp {Program.Version}: {profile.Name} / {demoName}: {loop.Options.WarmupFrames} warm-up + {loop.Options.Frames} frames, " +
                $"{(loop.Options.Scenario == LoopScenario.Periodic ? $"periodic {profile.Timing.RateHz:0.##} Hz" : "single-stream")}, deadline {profile.Timing.DeadlineUs} µs");

        // Signals: the loop stops after the frame in flight, the outputs go safe, the report is written.
        int signal = 0;
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; signal = 2; loop.RequestStop(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; signal = 15; loop.RequestStop(); });

        SchedulingInfo scheduling = new();
        LoopOutcome outcome = LoopOutcome.Faulted;
        var th = profile.Threads;
        bool rt = !cl.Has("no-rt");
        var thread = new Thread(() =>
        {
            scheduling = rt
                ? RealtimeScheduling.ApplyToCurrentThread(th.Pipeline.Priority, th.Pipeline.Cores, th.LockMemory)
                : RealtimeScheduling.ReadCurrentThread();
            if (!rt) scheduling.Notes.Add("real-time scheduling not requested (--no-rt)");
            loopStartNs = MonotonicClock.NowNs();
            outcome = loop.Run();
        }, 1 << 20)
        { Name = "rt-pipeline" };
        thread.Start();
        thread.Join();
        loop.ShutdownOutputs();

        foreach (string note in scheduling.Notes) Console.Error.WriteLine($"rtapp: note: {note}");

        var report = new RunReport
        {
            Version = Program.Version,
            Board = profile.Name,
            Demo = demoName,
            Model = Path.GetFileName(demo.ModelPath),
            Outcome = outcome switch
            {
                LoopOutcome.Completed => "completed",
                LoopOutcome.Stopped => signal == 15 ? "stopped (SIGTERM)" : signal == 2 ? "stopped (SIGINT)" : "stopped",
                LoopOutcome.SourceEnded => "source-ended",
                _ => "faulted",
            },
            Fault = loop.Fault?.ToString(),
            Machine = MachineFacts.Read(),
            Scheduling = scheduling,
            WatchdogTrips = loop.Watchdog.Trips,
            SafeStateEntries = loop.Watchdog.SafeStateEntries,
            GcCollections = loop.CountedGcCollections,
            GcPauseMs = Math.Round(loop.CountedGcPause.TotalMilliseconds, 3),
            AllocBytesPerFrame = loop.CountedFramesMeasured > 0 ? Math.Round((double)loop.CountedAllocatedBytes / loop.CountedFramesMeasured, 3) : 0,
        };
        ReportBuilder.FillTiming(report, loop.Records, loop.Options, profile.Timing.BudgetsUs, demo.SettleFrames);
        report.DroppedFrames = loop.DroppedFrames;
        report.DemoMetrics.ImageWidthPx = profile.Camera.Width;
        report.ColdStartMs = new ColdStart
        {
            ProcessStartSource = startSource,
            RuntimeStart = processStartNs > 0 ? Math.Round((mainNs - processStartNs) / 1e6, 3) : 0,
            ProcessToFirstActuation = processStartNs > 0 && loop.FirstActuationNs > 0 ? Math.Round((loop.FirstActuationNs - processStartNs) / 1e6, 3) : 0,
            ModelLoad = Math.Round(demo.Engine.ModelLoadMs, 3),
            OnnxruntimeInit = Math.Round(demo.Engine.RuntimeInitMs, 3),
            Wiring = Math.Round((wireEndNs - wireStartNs) / 1e6 - demo.Engine.ModelLoadMs, 3),
            SchedulingSetup = Math.Round((loopStartNs - wireEndNs) / 1e6, 3),
            FirstInference = Math.Round(demo.Engine.FirstInferenceMs, 3),
        };

        if (reportPath is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(reportPath));
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(reportPath, JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport));
        }
        if (!quiet) Summary.Print(report, reportPath);
        if (loop.Fault is not null)
        {
            Console.Error.WriteLine($"rtapp: fault: {loop.Fault.Message} — outputs were driven to their safe state; the report holds what was measured");
            return Program.ExitFault;
        }
        return Program.ExitOk;
    }
}
