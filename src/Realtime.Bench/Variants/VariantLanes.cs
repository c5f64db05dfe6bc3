using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Bench.Variants;

/// <summary>
/// The nodes of an application's graph a ladder addresses, found from its connections around the
/// model node that runs the ladder's model: the preprocessing that feeds it, the source that feeds
/// that, the decoder it feeds and the controller the decoder feeds (each null when the graph has none).
/// A variant's override list names them by role (<c>model:config.path=…</c>, <c>pre:config.width=…</c>).
/// </summary>
public sealed record LadderGraph(string Application, string Model, string? Pre, string? Source, string? Decoder, string? Controller)
{
    /// <summary>The roles around <paramref name="model"/> in <paramref name="app"/>.</summary>
    public static LadderGraph Around(string application, AppProfile app, string model)
    {
        ArgumentNullException.ThrowIfNull(app);
        string? Feeding(string? node) => node is null ? null : Find(app, node, into: true);
        string? FedBy(string? node) => node is null ? null : Find(app, node, into: false);
        string? pre = Feeding(model), decoder = FedBy(model);
        return new LadderGraph(application, model, pre, Feeding(pre), decoder, FedBy(decoder));
    }

    // The first node connected into (or out of) node: the other end's node name.
    private static string? Find(AppProfile app, string node, bool into)
    {
        foreach (var c in app.Connections)
        {
            string here = into ? c.To : c.From, there = into ? c.From : c.To;
            int dot = here.IndexOf('.');
            if (dot > 0 && here.AsSpan(0, dot).SequenceEqual(node) && there.IndexOf('.') is > 0 and int d) return there[..d];
        }
        return null;
    }

    /// <summary>The node that plays <paramref name="role"/> (model, pre, source, decoder, controller).</summary>
    /// <exception cref="InvalidOperationException">The graph has none.</exception>
    public string Node(string role) => role switch
    {
        "model" => Model,
        "pre" => Pre,
        "source" => Source,
        "decoder" => Decoder,
        "controller" => Controller,
        _ => throw new ArgumentException($"no role '{role}' (model, pre, source, decoder, controller)", nameof(role)),
    } ?? throw new InvalidOperationException($"application '{Application}': no {role} node connected to model node '{Model}'");

    /// <summary>The source's output port that feeds the preprocessing, in <paramref name="app"/> (the one a stand-in source must offer).</summary>
    public string SourcePort(AppProfile app)
    {
        ArgumentNullException.ThrowIfNull(app);
        string source = Node("source"), pre = Node("pre");
        foreach (var c in app.Connections)
            if (c.From.StartsWith(source + ".", StringComparison.Ordinal) && c.To.StartsWith(pre + ".", StringComparison.Ordinal))
                return c.From[(source.Length + 1)..];
        throw new InvalidOperationException($"application '{Application}': no connection from '{source}' to '{pre}'");
    }

    /// <summary><paramref name="sets"/> (<c>ROLE:path=value</c>) as the profile's overrides (<c>app.nodes[NODE].path=value</c>).</summary>
    public List<string> Overrides(IEnumerable<string> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var all = new List<string>();
        foreach (string set in sets)
        {
            int colon = set.IndexOf(':');
            if (colon <= 0) throw new ArgumentException($"'{set}' names no role (ROLE:path=value)", nameof(sets));
            all.Add($"app.nodes[{Node(set[..colon])}].{set[(colon + 1)..]}");
        }
        return all;
    }
}

/// <summary>
/// One rung of a variant ladder: the application's graph built with the variant's override list
/// (and the ladder's open-loop source), an <see cref="ApplicationTarget"/> like every other bench
/// lane, with a <see cref="FrameTap"/> keeping what its decoder computed frame by frame.
/// </summary>
public sealed class VariantLane : IDisposable
{
    /// <summary>A lane of <paramref name="spec"/> over <paramref name="target"/>, its decoder tapped for <paramref name="frames"/> frames (warm-up included).</summary>
    public VariantLane(VariantSpec spec, ApplicationTarget target, LadderGraph graph, int frames)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(graph);
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Target = target;
        var loop = target.Application.Loop.GraphLoop ?? throw new InvalidOperationException($"variant {spec.Name}: application '{target.Application.Name}' is no graph");
        Tap = FrameTap.Attach(loop, graph.Node("decoder"), graph.Controller, frames);
    }

    /// <summary>The variant.</summary>
    public VariantSpec Spec { get; }
    /// <summary>Its application.</summary>
    public ApplicationTarget Target { get; }
    /// <summary>What its decoder computed, per frame.</summary>
    public FrameTap Tap { get; }

    /// <inheritdoc/>
    public void Dispose() => Target.Dispose();
}

/// <summary>
/// The lanes of a variant ladder: each variant is the same application built from the profile with
/// its override list (<see cref="VariantSpec.Sets"/>), run single-stream, two taking turns block by
/// block so they share the machine's moods; the figures come from what each graph computed, frame by frame.
/// </summary>
public static class VariantLanes
{
    /// <summary>
    /// Builds one lane per variant with <paramref name="build"/> (the profile's overrides → the
    /// application target); <paramref name="ladderSets"/> (<c>ROLE:path=value</c>) apply to every lane before
    /// the variant's own. A variant whose graph cannot be built (its model does not fit the decoder, a
    /// missing file) is a <see cref="ProfileException"/> naming the variant and its overrides.
    /// </summary>
    public static List<VariantLane> Build(IReadOnlyList<VariantSpec> variants, LadderGraph graph, IReadOnlyList<string> ladderSets, int frames,
        Func<IReadOnlyList<string>, ApplicationTarget> build)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(build);
        var lanes = new List<VariantLane>();
        try
        {
            foreach (var v in variants)
            {
                var sets = graph.Overrides(ladderSets);
                sets.AddRange(v.SetsFor(graph));
                ApplicationTarget target;
                try { target = build(sets); }
                catch (ProfileException ex)
                {
                    var problems = new List<string>();
                    foreach (string p in ex.Problems) problems.Add($"variant {v.Name} ({string.Join(" ", v.SetsFor(graph))}): {p}");
                    throw new ProfileException(ex.Source, problems);
                }
                try { lanes.Add(new VariantLane(v, target, graph, frames)); }
                catch { target.Dispose(); throw; }
            }
            return lanes;
        }
        catch
        {
            foreach (var lane in lanes) lane.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Frames each of two lanes runs uncounted at the start of each of its turns: the first frame after the
    /// other lane's turn pays for the caches that lane left, which a model running alone never does (it set
    /// each lane's p99, as in <c>--compare naive</c>).
    /// </summary>
    public const int RewarmFrames = 1;

    /// <summary>The frames each of <paramref name="lanes"/> lanes is built for (warm-up aside) so that <paramref name="counted"/> of them are counted: two take turns, each turn after <see cref="RewarmFrames"/> uncounted.</summary>
    public static int LoopFrames(int counted, int lanes) => lanes == 2 ? BenchDriver.PairedFrames(counted, RewarmFrames) : counted;

    /// <summary>Runs every lane's warm-up and counted frames (two: in turns of <see cref="BenchDriver.BlockFrames"/> frames, each after <see cref="RewarmFrames"/> uncounted; otherwise one after the other).</summary>
    public static BenchRun[] Run(IReadOnlyList<VariantLane> lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 2)
        {
            var (first, second) = new BenchDriver().RunPair(lanes[0].Target.Application.Loop, lanes[1].Target.Application.Loop, RewarmFrames);
            return new[] { first, second };
        }
        var runs = new BenchRun[lanes.Count];
        for (int i = 0; i < lanes.Count; i++) runs[i] = lanes[i].Target.Run(BenchScenario.SingleStream, 0);
        return runs;
    }

    /// <summary>
    /// What the uncounted first frame of each turn cost each lane, against its counted frames (end to end,
    /// p50), or null when the lanes did not take turns.
    /// </summary>
    public static string? RewarmNote(IReadOnlyList<VariantLane> lanes, IReadOnlyList<BenchRun> runs)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(runs);
        var parts = new List<string>();
        for (int k = 0; k < lanes.Count && k < runs.Count; k++)
        {
            var run = runs[k];
            if (run.RewarmEndToEndNs.Length == 0 || run.CountedFrames == 0) continue;
            var counted = new long[run.CountedFrames];
            for (int i = 0; i < counted.Length; i++) counted[i] = run.Records[run.WarmupFrames + i].EndToEndNs;
            if (run.RewarmTax(Percentiles.Summarize(counted).P50Us) is string tax) parts.Add($"{lanes[k].Spec.Name} {tax}");
        }
        return parts.Count == 0 ? null
            : $"Each turn began with {RewarmFrames} uncounted frame: after the other lane's turn it pays for the caches that lane left, which a model running alone never does. Slower than the counted frames at p50 (end to end): {string.Join("; ", parts)}.";
    }

    /// <summary>The counted frames of a lane's run; a lane that faulted or ended early is an error naming the variant.</summary>
    public static ReadOnlySpan<FrameRecord> Counted(VariantSpec spec, BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Fault is not null) throw new InvalidOperationException($"variant {spec.Name}: the loop faulted: {run.Fault.Message}", run.Fault);
        int ran = run.WarmupFrames + run.CountedFrames + run.RewarmFrames;
        if (ran != run.Options.WarmupFrames + run.Options.Frames)
            throw new InvalidOperationException($"variant {spec.Name}: ran {ran} of its {run.Options.WarmupFrames + run.Options.Frames} frames ({run.Outcome})");
        bool fault = run.RewarmEndToEndNs.Length != run.RewarmFrames; // a re-warm frame whose source failed
        foreach (ref readonly var r in run.Records.AsSpan(0, run.WarmupFrames + run.CountedFrames))
            fault |= (r.Flags & FrameFlags.SourceFault) != 0;
        if (fault) throw new InvalidOperationException($"variant {spec.Name}: a frame's source failed: the lanes saw other data");
        return run.Records.AsSpan(run.WarmupFrames, run.CountedFrames);
    }

    /// <summary>What a lane's tap kept per loop frame, for the counted frames, in their order (re-warm frames left out as the records leave them).</summary>
    public static T[] Counted<T>(T[] perFrame, BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(perFrame);
        ArgumentNullException.ThrowIfNull(run);
        var counted = new T[run.CountedFrames];
        for (int i = 0; i < counted.Length; i++) counted[i] = perFrame[run.LoopFrame(run.WarmupFrames + i)];
        return counted;
    }

    /// <summary>A lane's row: its model and the stages' latencies from the loop's own stamps over the counted frames.</summary>
    public static VariantResult Row(VariantLane lane, BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(lane);
        var records = Counted(lane.Spec, run);
        var pp = new long[records.Length];
        var inf = new long[records.Length];
        var dec = new long[records.Length];
        var total = new long[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            pp[i] = r.PreprocessEndNs - r.CaptureEndNs;
            inf[i] = r.InferEndNs - r.PreprocessEndNs;
            dec[i] = r.DecodeEndNs - r.InferEndNs;
            total[i] = pp[i] + inf[i] + dec[i];
        }
        var target = lane.Target;
        return new VariantResult
        {
            Name = lane.Spec.Name,
            Description = lane.Spec.Description,
            Model = Path.GetFileName(target.Model.Path),
            ModelBytes = new FileInfo(target.Model.Path).Length,
            InputSize = lane.Spec.InputSize,
            ModelLoadMs = Math.Round(target.ModelLoadMs - target.RuntimeInitMs, 2),
            Preprocess = Percentiles.Summarize(pp),
            Infer = Percentiles.Summarize(inf),
            Decode = Percentiles.Summarize(dec),
            Total = Percentiles.Summarize(total),
        };
    }
}
