using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using Realtime.Bench.Variants;
using Realtime.Core.Audio;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Recording;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Hosting;
using Realtime.Linux;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp bench --variants</c>: model variants side by side, each the application's own graph with
/// the variant's override list, every lane on the same open-loop data (a recording's frames, placed
/// poses, the speech recording), one lane type for every ladder (<see cref="VariantLanes"/>).
/// </summary>
internal sealed partial class BenchCommand
{
    private int VariantsMode(ParseResult cl, Setup s, string list, int warmup)
    {
        var known = new List<VariantSpec>(VariantBench.Known(s.Assets));
        known.AddRange(VadVariantBench.Known(s.Assets));
        known.AddRange(MlsdVariantBench.Known(s.Assets));
        var chosen = new List<VariantSpec>();
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A model file (rtapp quantize's int8 model, a user's own export) is a variant of the family named before it: that variant with its model node's path overridden.
            if (IsModelFile(raw))
            {
                if (chosen.Count == 0) throw new UsageException($"--variants: {raw}: name the variant it replaces first (e.g. blazeface-128,{raw})");
                var of = chosen[^1];
                string full = Path.GetFullPath(raw);
                var sets = new List<string>();
                foreach (string set in of.Sets)
                    if (!set.StartsWith("model:config.path=", StringComparison.Ordinal) && !set.StartsWith("model:config.sha256=", StringComparison.Ordinal)) sets.Add(set);
                sets.Add($"model:config.path={full}");
                sets.Add("model:config.sha256=null");
                chosen.Add(of with { Name = Path.GetFileNameWithoutExtension(raw), ModelPath = full, Description = $"{of.Description}: {Path.GetFileName(raw)} in its place", Sets = sets });
                continue;
            }
            bool found = false;
            foreach (var k in known)
                if (k.Name == raw || k.Family == raw) { found = true; if (!chosen.Contains(k)) chosen.Add(k); }
            if (found) continue;
            throw new UsageException($"--variants: unknown variant '{raw}'; known: {Names(known)} (or a family name: blazeface, silero, mlsd)");
        }
        if (chosen.Count == 0) throw new UsageException("--variants: no variant named");
        string family = chosen[0].Family;
        foreach (var v in chosen)
        {
            if (v.Family != family) throw new UsageException($"--variants: {chosen[0].Name} and {v.Name} answer different questions; compare variants of one model family at a time");
            if (!File.Exists(v.ModelPath)) throw new ProfileException("--variants", new[] { $"{v.Name}: model file not found: {v.ModelPath} (./scripts/fetch-assets.sh fetches it)" });
        }
        int? dataFrames = cl.GetValue(_dataFrames);
        string? framesFrom = cl.GetValue(_framesFrom);
        if (framesFrom is not null && family == "silero")
            throw new UsageException("--frames-from: the silero variants run on their own data (the voice relay's speech recording); camera frames from a recording are for the blazeface and mlsd variants");

        // The ladder runs over the board's graph that runs the family's model: each lane is that graph with the variant's overrides.
        string graphModel = family switch { "blazeface" => VariantBench.GraphModel, "mlsd" => MlsdVariantBench.GraphModel, _ => VadVariantBench.GraphModel };
        var running = GraphRunning(s, graphModel)
            ?? throw new ProfileException(s.ProfileSource, new[] { $"app: no application of this board runs {graphModel} in an onnx-model node (the {family} variants are overrides of that graph)" });
        var graph = LadderGraph.Around(running.Demo, running.Profile.App!, running.Node);
        ComponentRegistry? components = null;
        var ladderSets = new List<string>();
        SpeechRecording? speech = null;
        string data;
        int frames;
        if (family == "silero")
        {
            string recording = running.Profile.App!.Nodes.Find(n => n.Type == VadVariantBench.SourceType)?.ConfigText("path")
                ?? throw new ProfileException(running.Source, new[] { $"app.nodes: application '{graph.Application}' has no {VadVariantBench.SourceType} node with a path (the silero variants are scored against its recording's phrase times)" });
            try
            {
                speech = SpeechRecording.Load(AssetLocator.Resolve(s.Assets, recording));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                throw new ProfileException("--variants", new[] { $"the speech recording cannot be read: {ex.Message}" });
            }
            int perPass = VadVariantBench.ChunksPerPass(speech);
            int passes = Math.Max(1, (int)Math.Ceiling((dataFrames ?? 1000) / (double)perPass));
            frames = passes * perPass;
            data = $"{speech.Source}; {passes} pass(es) of {perPass} chunks";
        }
        else if (framesFrom is not null || family == "blazeface")
        {
            // Frames from a recording: a file given, or (blazeface) the frames rtapp record would record, recorded here first.
            RecordedImages images = framesFrom is not null ? ReadRecordedImages(framesFrom, graph) : RecordOwnFrames(s, graph, dataFrames ?? 270);
            components = RecordedFramesSource.Register(s.Host!.Components, images, graph.SourcePort(running.Profile.App!));
            ladderSets.Add($"source:type={RecordedFramesSource.TypeName}");
            ladderSets.Add("source:config=null");
            if (family == "mlsd") ladderSets.AddRange(MlsdVariantBench.GateOff);
            frames = dataFrames ?? images.Count;
            data = framesFrom is not null
                ? $"{Path.GetFileName(framesFrom)} ({images.Width}×{images.Height}, {images.Count} frames of '{images.Application}''s {images.Source}, recorded{(frames > images.Count ? ", looped" : "")})"
                : $"{images.Count} frames of '{images.Application}''s {images.Source} as rtapp record records them (the mount held at its start, the video playing), recorded by the bench first";
        }
        else
        {
            frames = dataFrames ?? 40;
            ladderSets.AddRange(MlsdVariantBench.PlacedPoses(frames));
            data = $"{frames} frames of '{graph.Application}''s {graph.Source} from poses placed round the track (up to 4 cm off the centreline, turned up to 15°; the robot is placed, never driven)";
        }
        string turns = chosen.Count == 2
            ? $"lanes taking turns every {BenchDriver.BlockFrames} frames, each turn after {VariantLanes.RewarmFrames} uncounted"
            : "lanes one after the other";
        Console.WriteLine($"rtapp {Version} bench --variants: {string.Join(", ", chosen.ConvertAll(v => v.Name))} through the {graph.Application} graph on {data}; {turns}; reference {chosen[0].Name}");

        VariantReport report;
        SchedulingInfo scheduling;
        // Two lanes take turns, each turn's first frame uncounted: each loop runs those frames on top of the counted ones.
        int loopFrames = VariantLanes.LoopFrames(frames, chosen.Count);
        // Each lane is the application built with the ladder's and the variant's overrides, before the pipeline thread takes its scheduling (as rtapp run loads).
        var lanes = VariantLanes.Build(chosen, graph, ladderSets, warmup + loopFrames,
            sets => (ApplicationTarget)Build(s.With(sets, components, demo: graph.Application, modelNode: graph.Model), BenchScenario.SingleStream, loopFrames, warmup, measureFloor: false));
        try
        {
            BenchRun[] runs = null!;
            scheduling = PipelineThread.Run(s.Profile, s.Realtime, () => runs = VariantLanes.Run(lanes));
            report = family switch
            {
                "silero" => VadVariantBench.Report(lanes, runs, speech!, warmup),
                "mlsd" => MlsdVariantBench.Report(lanes, runs, data, warmup),
                _ => VariantBench.Report(lanes, runs, data, warmup),
            };
            if (VariantLanes.RewarmNote(lanes, runs) is string rewarm) report.Notes.Add(rewarm);
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
        report.Notes.Add($"Each variant is the {graph.Application} graph with its overrides ({string.Join("; ", chosen.ConvertAll(v => v.Name + ": " + string.Join(" ", v.SetsFor(graph))))})"
            + (ladderSets.Count > 0 ? $", every lane with {string.Join(" ", graph.Overrides(ladderSets))} (an open loop: what the graph decides moves nothing its source sees)." : "."));
        report.Notes.Add(family switch
        {
            "silero" => "The probability is the graph's vad-probability node's, chunk by chunk. A chunk is 512 new samples (32 ms) after 64 of context; speech is probability >= 0.5. Known speech: inside an utterance and above -40 dBFS; quiet chunks inside utterances are left out of recall and false alarms.",
            "mlsd" => "Segments are the graph's decoder's; a segment matches when both its ends lie within 2 % of the image width of a reference segment's ends. The line is the steering's pursuit target (its offset, cm left of the robot's axis, and its bearing), its gate off so each frame is judged on its own.",
            _ => "Detections are the graph's decoder's; agreement is with the reference's best box per frame (IoU, centre distance) and on whether there is a face at all.",
        });
        foreach (string note in scheduling.Notes) Log.Warning("note", note);
        report.Version = Version;
        report.Notes.Insert(0, $"Scheduling: {scheduling.Policy} priority {scheduling.Priority}, cores [{string.Join(",", scheduling.Affinity)}]. Latency is each stage on the same data in the same run.");
        VariantSummary.Print(report);
        if (cl.GetValue(_report) is string path)
        {
            WriteFile(path, System.Text.Json.JsonSerializer.Serialize(report, BenchJsonContext.Default.VariantReport));
            Console.WriteLine($"Report: {path}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// A recording's camera frames for a ladder over <paramref name="graph"/>: they must be of that
    /// application and its source; anything else is the file's problem, named.
    /// </summary>
    private static RecordedImages ReadRecordedImages(string file, LadderGraph graph)
    {
        // A recording is read whole; 1 GiB is about 3,000 frames of the sim face tracker's camera.
        byte[] bytes = InputFile.ReadBytes(file, 1 << 30, out string? problem) ?? throw new ProfileException(file, new[] { problem! });
        RecordedImages images;
        try { images = RecordedImages.Read(bytes); }
        catch (McapFormatException ex) { throw new ProfileException(file, new[] { ex.Message }); }
        string source = graph.Node("source");
        if (images.Application != graph.Application || images.Source != source)
            throw new ProfileException(file, new[] { $"a recording of '{images.Application}''s {images.Source}; the ladder runs over '{graph.Application}', whose camera is '{source}' (rtapp record FILE --demo {graph.Application})" });
        return images;
    }

    /// <summary>The frames <c>rtapp record</c> would record of <paramref name="graph"/>'s application (<see cref="RecordedFramesSource.Record"/>).</summary>
    private static RecordedImages RecordOwnFrames(Setup s, LadderGraph graph, int frames)
    {
        var own = s.With(Array.Empty<string>(), demo: graph.Application);
        using var instance = own.Application!.Build(new ApplicationContext(own.Profile, own.ProfileSource)
        {
            AssetsDirectory = s.Assets, Waiter = new ClockNanosleepWaiter(), Overrides = new RunOverrides { Frames = frames, WarmupFrames = 0, VideoCacheDir = s.VideoCacheDir },
        });
        var loop = instance.Loop.GraphLoop ?? throw new InvalidOperationException($"application '{graph.Application}' is no graph");
        try
        {
            return RecordedFramesSource.Record(loop, graph.Application, graph.Node("source"), frames);
        }
        catch (McapFormatException ex) { throw new ProfileException("--variants", new[] { ex.Message }); }
        finally { loop.ShutdownOutputs(); }
    }

    /// <summary>
    /// The board's application whose graph runs <paramref name="model"/> (an onnx-model node's
    /// <c>config.path</c> as the profile gives it): its name, that node, its profile; null when none
    /// does. The chosen application (--demo, or the profile's) is looked at first, then every other the host runs.
    /// </summary>
    private static (string Demo, string Node, BoardProfile Profile, string Source)? GraphRunning(Setup s, string model)
    {
        var host = s.Host ?? throw new InvalidOperationException("a ladder needs the host");
        var names = new List<string>();
        if (s.Application?.Name is string chosen) names.Add(chosen);
        foreach (string n in host.Applications.Names) if (!names.Contains(n)) names.Add(n);
        foreach (string name in names)
        {
            BoardProfile profile;
            string source;
            try { (profile, source) = ProfileCatalog.Load(s.Board, s.Sets, name, host); }
            catch (ProfileException) { continue; }   // an application this board cannot carry
            if (profile.App is null) continue;
            foreach (var node in profile.App.Nodes)
                if (node.Type == "onnx-model" && node.ConfigText("path") == model) return (name, node.Name, profile, source);
        }
        return null;
    }
}
