using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Runtime.InteropServices;
using Realtime.Core.Profiles;
using Realtime.Core.Recording;
using Realtime.Linux;
using Realtime.Onnx;

namespace Realtime.Hosting.Commands;

/// <summary>
/// <c>rtapp record FILE</c>: what an application's sources bring in (camera frames, audio chunks,
/// IMU samples) for N frames, at the profile's rate, into an MCAP file: calibration data for a
/// quantizer, frames for the variant table (<c>rtapp bench --variants … --frames-from FILE</c>). The
/// application is built as <c>rtapp run</c> builds it (its outputs opened at their safe values), but
/// only its sources run: no model, no controller, no output moves.
/// </summary>
internal sealed class RecordCommand : HostCommand
{
    /// <inheritdoc/>
    public override string Name => "record";

    /// <inheritdoc/>
    public override string Description => "Records an application's sources (camera frames, audio, IMU) for N frames into an MCAP file; nothing else runs and no output moves.";

    /// <inheritdoc/>
    public override string? Notes => """
        Read back with Realtime.Core.Recording.RecordedImages (camera frames) or Recording.Read; the variant table takes them with
        rtapp bench --variants blazeface --frames-from FILE.mcap. A run's own recording (rtapp run --record) holds the same inputs and more.
        """;

    private readonly Argument<string> _file = new("file") { Description = "The MCAP file to write.", HelpName = "FILE.mcap" };
    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile: a built-in name or a profile file (default: sim).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application whose sources are recorded (default: the profile's).");
    private readonly Option<int?> _frames = HostOptions.Number("--frames", 1, ProfileLoader.MaxFrames, "N", "Frames to record (default: the profile's timing.frames).");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print nothing but errors.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _board, _demo, _frames, _set, _assets, _quiet };

    /// <inheritdoc/>
    public override IReadOnlyList<Argument> Arguments => new Argument[] { _file };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        // The application's model nodes load as in a run (they are built, never run): the runtime starts beside the wiring.
        OnnxRuntimeWarmUp.Start();
        try
        {
            return Record(host, cl);
        }
        finally
        {
            OnnxRuntimeWarmUp.WaitUntilDone(TimeSpan.FromSeconds(10));
        }
    }

    private int Record(RealtimeHost host, ParseResult cl)
    {
        bool stop = false;
        using var signals = new StopSignals(_ => stop = true);
        string file = cl.GetValue(_file) ?? throw new UsageException("record: into which file? (rtapp record FILE.mcap)");
        if (ReportFile.CheckDestination(file) is string fileProblem)
            throw new UsageException($"record '{file}': {fileProblem}");
        string board = cl.GetValue(_board) ?? "sim";
        string? demoArg = cl.GetValue(_demo);
        if (demoArg is not null && !host.Applications.Has(demoArg))
            throw new UsageException(host.Applications.Unknown(demoArg));
        string[] sets = cl.GetValue(_set) ?? [];
        var (profile, source) = ProfileCatalog.Load(board, sets, demoArg, host);
        int frames = cl.GetValue(_frames) ?? profile.Timing.Frames;
        if (frames < 1) throw new UsageException("--frames: the profile runs until stopped (timing.frames 0): say how many frames to record");
        var application = host.ApplicationFor(profile, source, demoArg);
        bool quiet = cl.GetValue(_quiet);
        var waiter = new ClockNanosleepWaiter();
        using var instance = application.Build(new ApplicationContext(profile, source)
        {
            AssetsDirectory = AssetLocator.Find(cl.GetValue(_assets)),
            Waiter = waiter,
            Overrides = new RunOverrides { Frames = frames, WarmupFrames = 0 },
        });
        var loop = instance.Loop.GraphLoop
            ?? throw new ProfileException(source, new[] { $"application '{application.Name}' is wired by hand: rtapp record records a graph application's sources (a profile's app section)" });
        if (loop.Graph.Sources.Length == 0)
            throw new ProfileException(source, new[] { $"app: application '{application.Name}' has no source to record" });
        var names = new List<string>();
        foreach (var s in loop.Graph.Sources) names.Add(s.Name);
        if (!quiet)
            Console.WriteLine($"{host.ToolName} {host.Version} record: {profile.Name} / {application.Name}: {frames} frames of {string.Join(", ", names)} at {1e9 / loop.Options.PeriodNs:0.##} Hz into {file}; no model runs, the outputs stay safe");
        RecordingReport report;
        try
        {
            report = SourceRecording.Record(loop, file, frames,
                RecordingMetadata.For(host, board, demoArg, application.Name, profile, sets, null, loop), waiter, () => stop);
        }
        finally
        {
            loop.ShutdownOutputs();
        }
        if (report.Error is not null)
        {
            Log.Error("record", $"could not write '{file}': {report.Error}");
            return ExitCodes.ReportNotWritten;
        }
        if (!quiet)
            Console.WriteLine($"recording: {file}: {report.FramesWritten} frame(s){(stop ? " (stopped)" : "")}, {report.Messages} messages, {report.Bytes} bytes, {report.FramesLost} lost");
        return ExitCodes.Ok;
    }
}
