using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;

namespace Realtime.Onnx.Components;

/// <summary>
/// An <c>onnx-model</c> node's ladder (<c>config.ladder</c>): its own model is rung 0, the most
/// accurate, and <c>ladder.variants</c> are cheaper models with the same inputs and outputs, in
/// order of decreasing cost. Every rung's session is bound once over the same memory (the upstream
/// tensors in, the top model's outputs out), so the decoder downstream reads one place whichever ran.
/// Before each frame a <see cref="LadderSelector"/> picks the most accurate rung whose p99, scaled by
/// the machine's published slowdown (<see cref="MachineSpeed"/>), fits the deadline less the time
/// since capture and the budgets of the stages after the model. Each rung's p99 comes from the
/// timing file (<c>rtapp bench --calibrate</c> times every rung); a ladder the file does not cover
/// times its rungs at start, <c>start_runs</c> runs each, and says so in the report.
/// </summary>
internal sealed class ModelLadder
{
    /// <summary>The temperature a ladder slows down at by default, °C (the Linux reader's default hot threshold).</summary>
    public const double DefaultHotC = 85;
    /// <summary>What the timing came from when the timing file covered every rung.</summary>
    public const string FromTimingFile = "timing-file";
    /// <summary>What the timing came from when the rungs were timed at start.</summary>
    public const string MeasuredAtStart = "measured-at-start";

    private readonly string[] _names;
    private readonly OnnxInferenceEngine[] _engines;
    private readonly long[] _runs;
    private readonly long _deadlineNs;
    private readonly long _reserveNs;
    private readonly long _guardNs;
    private readonly int _stepUpFrames;
    private readonly int _startRuns;
    private readonly double _hotC;
    private readonly double _hotScale;
    private readonly MachineSpeed _speed;
    private readonly IClock _clock;
    private readonly LadderTimings _timings;
    private readonly string _node;
    private LadderSelector? _selector;
    private double[] _p50Us = Array.Empty<double>();
    private double[] _p99Us = Array.Empty<double>();
    private double[] _maxUs = Array.Empty<double>();

    private ModelLadder(string node, string[] names, OnnxInferenceEngine[] engines, long deadlineNs, long reserveNs, long guardNs, int stepUpFrames,
        int startRuns, double hotC, double hotScale, ComponentContext context)
    {
        _node = node;
        _names = names;
        _engines = engines;
        _runs = new long[engines.Length];
        _deadlineNs = deadlineNs;
        _reserveNs = reserveNs;
        _guardNs = guardNs;
        _stepUpFrames = stepUpFrames;
        _startRuns = startRuns;
        _hotC = hotC;
        _hotScale = hotScale;
        _clock = context.Clock;
        // The telemetry thread publishes the machine's speed; the host names which (the process's unless a test gives its own).
        _speed = context.Shared(() => MachineSpeed.Process);
        _timings = context.Shared(() => LadderTimings.None);
        Current = 0;
    }

    /// <summary>The rungs' names, most accurate first.</summary>
    public IReadOnlyList<string> Names => _names;
    /// <summary>The rung the last frame ran.</summary>
    public int Current { get; private set; }
    /// <summary>Where the rungs' expected times came from (<see cref="FromTimingFile"/> or <see cref="MeasuredAtStart"/>).</summary>
    public string TimingSource { get; private set; } = "";
    /// <summary>The selector (after <see cref="Start"/>).</summary>
    public LadderSelector Selector => _selector ?? throw new InvalidOperationException("the ladder is set up when its node starts");
    /// <summary>Rung <paramref name="rung"/>'s expected time at full speed (its p99), µs.</summary>
    public double P99Us(int rung) => _p99Us[rung];
    /// <summary>Rung <paramref name="rung"/>'s median time at full speed, µs.</summary>
    public double P50Us(int rung) => _p50Us[rung];
    /// <summary>Frames that ran rung <paramref name="rung"/> (warm-up included).</summary>
    public long Runs(int rung) => _runs[rung];
    /// <summary>Rung <paramref name="rung"/>'s engine.</summary>
    public OnnxInferenceEngine Engine(int rung) => _engines[rung];

    /// <summary>
    /// Reads <paramref name="section"/> (<c>config.ladder</c>) and loads every variant with the top
    /// model's binding and settings; null (with the problems in <paramref name="config"/>) when a
    /// variant is missing, fails to load or does not take and give what the top model does.
    /// </summary>
    public static ModelLadder? Load(string node, NodeConfig config, NodeConfig section, ComponentContext context, OnnxInferenceEngine top,
        OnnxBinding binding, OnnxSessionSettings settings)
    {
        int before = config.Problems.Count;
        if (top.CarriesState) section.Problem("variants", "a ladder of recurrent models (config.state) is not supported: each rung would carry a state of its own");
        string topName = section.Text("name", Path.GetFileNameWithoutExtension(top.ModelPath));
        var timing = context.Board.App?.Loop;
        long deadlineUs = timing?.DeadlineUs ?? context.Board.Timing.DeadlineUs;
        var budgets = timing?.BudgetsUs ?? context.Board.Timing.BudgetsUs;
        long downstream = 0;
        foreach (string stage in new[] { "decode", "control", "actuate" })
            if (budgets.TryGetValue(stage, out long b)) downstream += b;
        long reserveUs = section.Integer("reserve_us", 0, 3_600_000, (int)Math.Min(3_600_000, downstream));
        long guardUs = section.Integer("guard_us", 0, 3_600_000, 1000);
        int stepUp = section.Integer("step_up_frames", 1, 100_000, 10);
        int startRuns = section.Integer("start_runs", 1, 10_000, 20);
        double hotC = section.Number("hot_c", -50, 200, DefaultHotC);
        double hotScale = section.Number("hot_scale", 1, 100, 1.5);
        var names = new List<string> { topName };
        var engines = new List<OnnxInferenceEngine> { top };
        var variants = section.Section("variants");
        IReadOnlyList<string> variantNames = variants?.Names() ?? Array.Empty<string>();
        if (variants is null ? !section.Has("variants") : variantNames.Count == 0)
            section.Problem("variants", "an empty ladder: give its cheaper models, most costly first (name → {\"path\": …, \"sha256\": …})");
        if (variantNames.Count + 1 > LadderSelector.MaxRungs)
            section.Problem("variants", $"{variantNames.Count} variants; a ladder holds at most {LadderSelector.MaxRungs - 1} beside the model");
        if (config.Problems.Count > before) return null;
        foreach (string rung in variantNames)
        {
            var v = variants!.Section(rung);
            if (v is null) continue;
            if (names.Contains(rung)) { v.Problem("path", $"rung name '{rung}' is taken (the model's own rung is '{topName}'; ladder.name renames it)"); continue; }
            string? path = context.RequireAsset(v, "path", $"ladder variant '{rung}': model file");
            string? sha = v.Has("sha256") ? v.Text("sha256") : null;
            if (path is null) continue;
            if (sha is not null && ModelFile.Mismatch(path, sha) is string mismatch) { v.Problem("sha256", mismatch); continue; }
            var own = new OnnxSessionSettings
            {
                IntraOpThreads = settings.IntraOpThreads,
                IntraOpThreadAffinities = settings.IntraOpThreadAffinities,
                AllowSpinning = settings.AllowSpinning,
                GraphOptimization = settings.GraphOptimization,
                MemoryPattern = settings.MemoryPattern,
                CpuArena = settings.CpuArena,
                ProfilePathPrefix = settings.ProfilePathPrefix is { } prefix ? $"{prefix}-{rung}" : null,
                OptimizedModelCacheDir = settings.OptimizedModelCacheDir,
                OptimizedModelFormat = settings.OptimizedModelFormat,
            };
            OnnxInferenceEngine engine;
            try
            {
                engine = context.Own(OnnxInferenceEngine.Load(path, binding, own));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or OverflowException)
            {
                v.Problem("path", $"ladder variant '{rung}': {ex.Message}");
                continue;
            }
            if (Mismatch(top, engine) is string differs)
            {
                v.Problem("path", $"ladder variant '{rung}' ({path}) does not take and give what the model does ({top.ModelPath}): {differs}");
                continue;
            }
            names.Add(rung);
            engines.Add(engine);
        }
        if (config.Problems.Count > before) return null;
        return new ModelLadder(node, names.ToArray(), engines.ToArray(), deadlineUs * 1000, reserveUs * 1000, guardUs * 1000, stepUp, startRuns, hotC, hotScale, context);
    }

    /// <summary>Every difference between the two models' inputs and outputs (names, element types, shapes), or null when they match.</summary>
    internal static string? Mismatch(OnnxInferenceEngine top, OnnxInferenceEngine variant)
    {
        var diffs = new List<string>();
        Compare("input", top.InputNames, top.InputTypes, top.InputShapes, variant.InputNames, variant.InputTypes, variant.InputShapes, diffs);
        Compare("output", top.OutputNames, top.OutputTypes, top.OutputShapes, variant.OutputNames, variant.OutputTypes, variant.OutputShapes, diffs);
        return diffs.Count == 0 ? null : string.Join("; ", diffs);
    }

    private static void Compare(string kind, IReadOnlyList<string> names, IReadOnlyList<TensorElementType> types, long[][] shapes,
        IReadOnlyList<string> vNames, IReadOnlyList<TensorElementType> vTypes, long[][] vShapes, List<string> diffs)
    {
        for (int i = 0; i < names.Count; i++)
        {
            int j = IndexOf(vNames, names[i]);
            if (j < 0) diffs.Add($"{kind} '{names[i]}' ({Show(types[i], shapes[i])}) is missing");
            else if (types[i] != vTypes[j] || !shapes[i].AsSpan().SequenceEqual(vShapes[j]))
                diffs.Add($"{kind} '{names[i]}' is {Show(vTypes[j], vShapes[j])}, the model's is {Show(types[i], shapes[i])}");
        }
        for (int j = 0; j < vNames.Count; j++)
            if (IndexOf(names, vNames[j]) < 0) diffs.Add($"{kind} '{vNames[j]}' ({Show(vTypes[j], vShapes[j])}) is not the model's");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }

    private static string Show(TensorElementType type, long[] shape) => $"{type} [{string.Join(",", shape)}]";

    /// <summary>
    /// Binds every variant once over the top model's memory (<paramref name="inputAddress"/>: each
    /// bound input's address by the top model's input index, zero for the engine's own), then sets
    /// each rung's expected time from the timing file, or times the rungs now.
    /// </summary>
    public unsafe void Start(OnnxInferenceEngine top, IntPtr[] inputAddress)
    {
        for (int r = 1; r < _engines.Length; r++)
        {
            var v = _engines[r];
            for (int i = 0; i < inputAddress.Length; i++)
                if (inputAddress[i] != IntPtr.Zero) v.BindInputTo(v.InputIndex(top.InputNames[i]), inputAddress[i], top.InputBytes(i).Length);
            for (int o = 0; o < top.OutputNames.Count; o++)
            {
                Span<byte> memory = top.OutputMemory(o);
                // The top model's outputs are pinned arrays for the engine's life (OnnxInferenceEngine's contract).
                v.BindOutputTo(v.OutputIndex(top.OutputNames[o]), (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(memory)), memory.Length);
            }
        }
        var p50 = new double[_engines.Length];
        var p99 = new double[_engines.Length];
        var max = new double[_engines.Length];
        bool all = _timings.Loop is not null;
        for (int r = 0; r < _engines.Length && all; r++)
        {
            if (_timings.Loop!.Variant(_node, _names[r]) is not { } t) { all = false; break; }
            p50[r] = t.P50Us;
            p99[r] = t.P99Us;
            max[r] = t.MaxUs;
        }
        if (all) TimingSource = FromTimingFile;
        else
        {
            for (int r = 0; r < _engines.Length; r++)
            {
                var times = Measure(r, _startRuns);
                p50[r] = times.P50Us;
                p99[r] = times.P99Us;
                max[r] = times.MaxUs;
            }
            TimingSource = MeasuredAtStart;
        }
        _p50Us = p50;
        _p99Us = p99;
        _maxUs = max;
        var expected = new long[p99.Length];
        for (int r = 0; r < expected.Length; r++) expected[r] = Math.Max(1, (long)Math.Ceiling(p99[r] * 1000));
        _selector = new LadderSelector(expected, _guardNs, _stepUpFrames);
        Current = 0;
    }

    /// <summary>
    /// Times rung <paramref name="rung"/> alone, <paramref name="runs"/> runs after one untimed run, on
    /// what its inputs hold now (inference time does not depend on the pixels). Not counted as frames.
    /// </summary>
    public StageTiming Measure(int rung, int runs, double rateHz = 0)
    {
        var engine = _engines[rung];
        engine.RunUncounted();
        var ns = new List<long>(runs);
        for (int i = 0; i < runs; i++)
        {
            long t0 = MonotonicClock.NowNs();
            engine.RunUncounted();
            ns.Add(MonotonicClock.NowNs() - t0);
        }
        return TimingCalibration.Summarise(LoopTiming.VariantName(_node, _names[rung]), ns, rateHz > 0 ? rateHz : 1);
    }

    /// <summary>Picks this frame's rung for a frame captured at <paramref name="captureNs"/> and runs it. Allocates nothing.</summary>
    public void Run(long captureNs)
    {
        long remaining = _deadlineNs - (_clock.NowNs() - captureNs) - _reserveNs;
        int rung = _selector!.Select(remaining, _speed.Slowdown(_hotC, _hotScale));
        Current = rung;
        _engines[rung].Run();
        _runs[rung]++;
    }

    /// <summary>The ladder's figures for the node report.</summary>
    public void Report(NodeReport report)
    {
        report.Add("ladder_rungs", _engines.Length);
        report.Add("ladder_switches", _selector?.Switches ?? 0);
        for (int r = 0; r < _engines.Length; r++)
        {
            report.Add($"ladder_{_names[r]}_runs", _runs[r]);
            if (r < _p99Us.Length) report.Add($"ladder_{_names[r]}_p99_us", Math.Round(_p99Us[r], 1));
        }
    }

    /// <summary>
    /// The run's ladder figures from <paramref name="records"/> (the counted frames' rungs, which the
    /// loop stores for its first ladder): frames per rung, switches, the rung of each frame, and a line
    /// for the run's summary.
    /// </summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        var frames = new long[_engines.Length];
        var perFrame = new JsonArray();
        int switches = 0, last = -1, counted = 0;
        foreach (ref readonly var r in records)
        {
            if ((r.Flags & FrameFlags.Warmup) != 0) continue;
            counted++;
            perFrame.Add((JsonNode)JsonValue.Create((int)r.Variant));
            if (r.Variant < 0 || r.Variant >= frames.Length) continue;
            frames[r.Variant]++;
            if (last >= 0 && r.Variant != last) switches++;
            last = r.Variant;
        }
        var rungs = new JsonArray();
        for (int r = 0; r < _engines.Length; r++)
            rungs.Add((JsonNode)new JsonObject
            {
                ["name"] = _names[r],
                ["model"] = Path.GetFileName(_engines[r].ModelPath),
                ["p99_us"] = Math.Round(_p99Us.Length > r ? _p99Us[r] : 0, 1),
                ["max_us"] = Math.Round(_maxUs.Length > r ? _maxUs[r] : 0, 1),
                ["frames"] = frames[r],
            });
        var existing = metrics["model_ladder"] as JsonObject;
        var ladder = existing ?? new JsonObject();
        ladder[_node] = new JsonObject
        {
            ["timing"] = TimingSource,
            ["timing_file"] = TimingSource == FromTimingFile ? _timings.Source : null,
            ["deadline_us"] = _deadlineNs / 1000,
            ["reserve_us"] = _reserveNs / 1000,
            ["guard_us"] = _guardNs / 1000,
            ["step_up_frames"] = _stepUpFrames,
            ["rungs"] = rungs,
            ["switches"] = switches,
            ["variant_per_frame"] = perFrame,
        };
        if (existing is null) metrics.Add("model_ladder", ladder);
        var parts = new List<string>();
        for (int r = 0; r < _engines.Length; r++)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{_names[r]} {frames[r]} (p99 {_p99Us[r] / 1000:0.##} ms)"));
        metrics.AddSummaryLine($"Ladder {_node}: {string.Join(", ", parts)} of {counted} frames; {switches} switches (rung times {TimingSource.Replace('-', ' ')})");
    }
}
