using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Linux;
using Realtime.Onnx;
using Realtime.Hosting;

namespace Realtime.Bench.Sessions;

/// <summary>
/// ONNX Runtime session choices side by side on one model and the same frames: each lane is a
/// session created with other settings (threads, spinning, graph optimization, memory pattern,
/// arena, a saved optimized model), bound once like the loop's; the lanes take turns in blocks so
/// they share the machine's moods. Per frame it times the run and reads the process's and the
/// caller's CPU-time clocks, across the run and an idle gap after it, as a periodic loop idles
/// between frames: a pool that spins while the caller waits costs CPU there, and it shows.
/// </summary>
public static class SessionBench
{
    /// <summary>Frames one lane runs before the next takes its turn.</summary>
    public const int BlockFrames = 25;

    /// <summary>The idle gap after each frame: 1 ms, as a periodic loop sleeps between frames.</summary>
    public const long DefaultGapNs = 1_000_000;

    /// <summary>The pause before each lane's turn, for the last lane's pool to stop spinning.</summary>
    public const long SettleNs = 20_000_000;

    /// <summary>The name of the reference lane, the project's default session.</summary>
    public const string DefaultName = "default";

    /// <summary>
    /// The choices this build measures, the default first. <paramref name="extraCore"/> is the core
    /// (0-based) for the second intra-op thread of the two-thread lanes: an isolated core on a
    /// board, here any core but the pipeline's. Saved models go to <paramref name="cacheDir"/>.
    /// </summary>
    public static IReadOnlyList<SessionChoice> Known(int extraCore, string cacheDir)
    {
        if (extraCore < 0) throw new ArgumentOutOfRangeException(nameof(extraCore), extraCore, "a core number is 0 or more");
        // ORT's affinity strings number cores from 1.
        string affinity = (extraCore + 1).ToString(CultureInfo.InvariantCulture);
        return new[]
        {
            new SessionChoice(DefaultName, "the project's default: 1 thread (the caller), no pool, every graph optimization, memory pattern and arena on", new OnnxSessionSettings()),
            new SessionChoice("ort-defaults", "ONNX Runtime's own threading, as a user who sets nothing gets: a pool of one thread per physical core, spinning", new OnnxSessionSettings { OrtThreadingDefaults = true }),
            new SessionChoice("2-threads-spin", $"2 intra-op threads (the caller + 1 pinned to core {extraCore}), spinning", new OnnxSessionSettings { IntraOpThreads = 2, IntraOpThreadAffinities = affinity, AllowSpinning = true }),
            new SessionChoice("2-threads-nospin", $"2 intra-op threads (the caller + 1 pinned to core {extraCore}), not spinning", new OnnxSessionSettings { IntraOpThreads = 2, IntraOpThreadAffinities = affinity }),
            new SessionChoice("opt-disabled", "graph optimization disabled", new OnnxSessionSettings { GraphOptimization = GraphOptimizationLevel.ORT_DISABLE_ALL }),
            new SessionChoice("opt-basic", "graph optimization basic (constant folding, redundant nodes)", new OnnxSessionSettings { GraphOptimization = GraphOptimizationLevel.ORT_ENABLE_BASIC }),
            new SessionChoice("opt-extended", "graph optimization extended (fusions), without layout changes", new OnnxSessionSettings { GraphOptimization = GraphOptimizationLevel.ORT_ENABLE_EXTENDED }),
            new SessionChoice("no-memory-pattern", "memory pattern off", new OnnxSessionSettings { MemoryPattern = false }),
            new SessionChoice("no-arena", "CPU arena off (buffers go back to malloc)", new OnnxSessionSettings { CpuArena = false }),
            new SessionChoice("saved-onnx", "the optimized graph saved once as .onnx, loaded with optimizations off", new OnnxSessionSettings { OptimizedModelCacheDir = cacheDir, OptimizedModelFormat = SavedModelFormat.Onnx }),
            new SessionChoice("saved-ort", "the optimized graph saved once in ORT format, loaded with optimizations off", new OnnxSessionSettings { OptimizedModelCacheDir = cacheDir, OptimizedModelFormat = SavedModelFormat.Ort }),
        };
    }

    /// <summary>
    /// The choices named in <paramref name="list"/> (comma-separated names, or "all"), the default
    /// always first; null with <paramref name="error"/> naming the unknown name.
    /// </summary>
    public static List<SessionChoice>? Select(IReadOnlyList<SessionChoice> known, string list, out string? error)
    {
        error = null;
        var chosen = new List<SessionChoice> { known[0] };
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw == "all")
            {
                foreach (var k in known) if (!chosen.Contains(k)) chosen.Add(k);
                continue;
            }
            SessionChoice? found = null;
            foreach (var k in known) if (k.Name == raw) found = k;
            if (found is null)
            {
                var names = new List<string>();
                foreach (var k in known) names.Add(k.Name);
                error = $"unknown session choice '{raw}'; known: {string.Join(", ", names)}, or all";
                return null;
            }
            if (!chosen.Contains(found)) chosen.Add(found);
        }
        return chosen;
    }

    /// <summary>
    /// The first <paramref name="count"/> frames of <paramref name="target"/>'s application as its own
    /// preprocessing writes them into the measured model's input (the loop runs them frame by frame,
    /// untimed): the frames every lane runs, for any application whose model takes one float32
    /// tensor. <paramref name="inputName"/> is the model's name of that input.
    /// </summary>
    public static List<float[]> Tensors(ApplicationTarget target, int count, out string inputName) => Tensors(target, count, out inputName, false);

    /// <summary>As <see cref="Tensors(ApplicationTarget, int, out string)"/>; with <paramref name="boundInputs"/> a model whose other inputs are bound (a carried state, constant scalars) gives its one fed input.</summary>
    public static List<float[]> Tensors(ApplicationTarget target, int count, out string inputName, bool boundInputs)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one frame");
        var model = target.Model;
        Realtime.Core.Graph.TensorPayload? fed = null;
        // The lanes feed one input: a model with others (a recurrent state, a constant sample rate) cannot be run alone here.
        var binding = model.Engine.InputBinding;
        int bound = boundInputs ? (binding.Carried?.Count ?? 0) + (binding.Scalars?.Count ?? 0) : 0;
        if (model.Engine.InputNames is { Count: var n } all && n - bound != 1)
            throw new UsageException($"runs a model of one input; model '{model.Name}' ({Path.GetFileName(model.Path)}) has {all.Count}: {string.Join(", ", all)}");
        if (model.Inputs is { } inputs)
        {
            if (inputs.Count != 1 || inputs[0].Tensor.Type.Element != Realtime.Core.Graph.TensorElement.Float32)
                throw new UsageException($"runs a model fed one float32 tensor; model '{model.Name}' ({Path.GetFileName(model.Path)}) is fed {inputs.Count}: {Names(inputs)}");
            fed = inputs[0].Tensor;
            inputName = inputs[0].Name;
        }
        else
        {
            var names = model.Engine.InputNames;
            if (names.Count - bound != 1)
                throw new UsageException($"runs a model of one input; model '{model.Name}' ({Path.GetFileName(model.Path)}) has {names.Count}: {string.Join(", ", names)}");
            inputName = bound > 0 ? model.Engine.InputName : names[0];
        }
        var loop = target.Application.Loop;
        var tensors = new List<float[]>(count);
        for (int f = 0; f < count; f++)
        {
            int before = loop.FramesRun;
            loop.RunFrames(1);
            if (loop.FramesRun == before)
                throw new InvalidDataException($"application '{target.Demo}' gave {f} frame(s) of the {count} asked for ({loop.Fault?.Message ?? "its source ended"})");
            tensors.Add((fed is null ? model.Engine.Input : fed.Floats).ToArray());
        }
        return tensors;
    }

    private static string Names(IReadOnlyList<Realtime.Hosting.ModelInput> inputs)
    {
        var names = new string[inputs.Count];
        for (int i = 0; i < names.Length; i++) names[i] = $"{inputs[i].Name} ({inputs[i].Tensor.Type})";
        return string.Join(", ", names);
    }

    /// <summary>Writes <paramref name="tensors"/> one after another as little-endian float32 (a raw file other programs read).</summary>
    public static void WriteTensors(string path, IReadOnlyList<float[]> tensors)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        foreach (var t in tensors) file.Write(MemoryMarshal.AsBytes(t.AsSpan()));
    }

    /// <summary>
    /// Runs every choice on <paramref name="tensors"/> (frame f of the run is tensor f modulo their
    /// count): <paramref name="warmup"/> uncounted runs, then <paramref name="frames"/> counted ones
    /// each followed by an idle gap of <paramref name="gapNs"/>, lanes taking turns every
    /// <see cref="BlockFrames"/> frames. The first choice is the reference of the ratios.
    /// </summary>
    /// <remarks>
    /// The sessions are created on the calling thread, and the runs happen inside
    /// <paramref name="onLoopThread"/> (e.g. <see cref="PipelineThread.Run"/>; null runs them here), as
    /// <c>rtapp run</c> loads its model before the pipeline thread takes SCHED_FIFO: ORT's pool threads
    /// inherit the policy of the thread that creates the session, and a pool spinning at the caller's
    /// FIFO priority on the caller's core holds the caller off until it stops spinning.
    /// </remarks>
    public static SessionReport Run(string modelPath, string inputName, IReadOnlyList<SessionChoice> choices, IReadOnlyList<float[]> tensors,
        int frames, int warmup, long gapNs, Action<Action>? onLoopThread = null)
    {
        if (choices.Count < 1) throw new ArgumentException("no session choice to run", nameof(choices));
        if (tensors.Count < 1) throw new ArgumentException("no frame to run", nameof(tensors));
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "at least one counted frame");
        if (gapNs < 0) throw new ArgumentOutOfRangeException(nameof(gapNs), gapNs, "the gap cannot be negative");
        var lanes = new List<Lane>();
        try
        {
            // The first session of a process pays one-time costs (the runtime, kernel registries): a throwaway load takes them, so load times compare.
            using (OnnxInferenceEngine.Load(modelPath, inputName, null, new OnnxSessionSettings())) { }
            foreach (var c in choices)
            {
                // A saved model is written before its lane's load is timed: the lane measures loading it, not saving it.
                if (c.Settings.OptimizedModelCacheDir is string cache) OptimizedModelCache.Ensure(modelPath, cache, c.Settings.OptimizedModelFormat, c.Settings);
                lanes.Add(new Lane(c, modelPath, inputName, frames));
            }
            void Measure()
            {
                foreach (var lane in lanes) lane.Warm(tensors, warmup);
                var waiter = new ClockNanosleepWaiter();
                for (int start = 0, block = 0; start < frames; start += BlockFrames, block++)
                {
                    int end = Math.Min(frames, start + BlockFrames);
                    // The order rotates so no lane always runs on caches another warmed.
                    for (int k = 0; k < lanes.Count; k++)
                    {
                        // A pool that spun in the last lane's turn spins on a while after it: let it stop before this lane's clocks start.
                        waiter.WaitUntil(MonotonicClock.NowNs() + SettleNs);
                        lanes[(block + k) % lanes.Count].Step(tensors, start, end, gapNs, waiter);
                    }
                }
            }
            if (onLoopThread is null) Measure();
            else onLoopThread(Measure);
            var report = new SessionReport
            {
                Model = Path.GetFileName(modelPath),
                Frames = frames,
                WarmupRuns = warmup,
                GapUs = gapNs / 1000,
            };
            foreach (var lane in lanes) report.Sessions.Add(lane.Result(lanes[0]));
            return report;
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
    }

    /// <summary>One choice's engine and per-frame records.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly SessionChoice _choice;
        private readonly OnnxInferenceEngine _engine;
        private readonly long[] _latency;
        private long _cpuNs, _callerCpuNs, _windowNs;
        private float[][] _firstOutputs = Array.Empty<float[]>();

        public Lane(SessionChoice choice, string modelPath, string inputName, int frames)
        {
            _choice = choice;
            _engine = OnnxInferenceEngine.Load(modelPath, inputName, null, choice.Settings);
            _latency = new long[frames];
        }

        public void Warm(IReadOnlyList<float[]> tensors, int runs)
        {
            // The first run's outputs (on frame 0) are what the choices must agree on.
            tensors[0].CopyTo(_engine.Input);
            _engine.Run();
            _firstOutputs = new float[_engine.OutputNames.Count][];
            for (int o = 0; o < _firstOutputs.Length; o++) _firstOutputs[o] = _engine.Output(o).ToArray();
            for (int i = 0; i < runs; i++)
            {
                tensors[i % tensors.Count].CopyTo(_engine.Input);
                _engine.Run();
            }
        }

        public void Step(IReadOnlyList<float[]> tensors, int start, int end, long gapNs, ClockNanosleepWaiter waiter)
        {
            for (int f = start; f < end; f++)
            {
                tensors[f % tensors.Count].CopyTo(_engine.Input);
                // Process clock outside the thread clock, so the process's window holds the thread's.
                long p0 = CpuClock.ProcessNs(), c0 = CpuClock.ThreadNs();
                long t0 = MonotonicClock.NowNs();
                _engine.Run();
                long t1 = MonotonicClock.NowNs();
                // Sleep to an absolute time, as a periodic loop does between frames.
                if (gapNs > 0) waiter.WaitUntil(t1 + gapNs);
                long c1 = CpuClock.ThreadNs(), p1 = CpuClock.ProcessNs();
                _windowNs += MonotonicClock.NowNs() - t0;
                _cpuNs += p1 - p0;
                _callerCpuNs += c1 - c0;
                _latency[f] = t1 - t0;
            }
        }

        public SessionResult Result(Lane reference)
        {
            var s = _choice.Settings;
            var latency = Percentiles.Summarize(_latency);
            var refLatency = ReferenceEquals(reference, this) ? latency : Percentiles.Summarize(reference._latency);
            double cpu = _cpuNs / 1000.0 / _latency.Length;
            double refCpu = reference._cpuNs / 1000.0 / reference._latency.Length;
            return new SessionResult
            {
                Name = _choice.Name,
                Description = _choice.Description,
                Settings = s.OrtThreadingDefaults
                    ? $"threads ORT's choice, spinning ORT's default (on), optimization {OnnxSessionSettings.GraphOptimizationName(s.GraphOptimization)}"
                    : $"threads {s.IntraOpThreads}{(s.IntraOpThreadAffinities is null ? "" : $" (affinity {s.IntraOpThreadAffinities})")}, spinning {(s.AllowSpinning ? "on" : "off")}, " +
                      $"optimization {(s.OptimizedModelCacheDir is null ? OnnxSessionSettings.GraphOptimizationName(s.GraphOptimization) : "saved, loaded with disabled")}, memory pattern {(s.MemoryPattern ? "on" : "off")}, arena {(s.CpuArena ? "on" : "off")}; loaded {Path.GetFileName(_engine.LoadedFrom)}",
                Latency = latency,
                CpuUsPerFrame = Math.Round(cpu, 1),
                OtherThreadsCpuUsPerFrame = Math.Round((_cpuNs - _callerCpuNs) / 1000.0 / _latency.Length, 1),
                CoresBusy = _windowNs > 0 ? Math.Round((double)_cpuNs / _windowNs, 2) : 0,
                ModelLoadMs = Math.Round(_engine.ModelLoadMs - _engine.RuntimeInitMs, 2),
                P50Ratio = Ratio(latency.P50Us, refLatency.P50Us),
                P99Ratio = Ratio(latency.P99Us, refLatency.P99Us),
                CpuRatio = Ratio(cpu, refCpu),
                MaxAbsDiffVsDefault = MaxAbsDiff(reference._firstOutputs, _firstOutputs),
            };
        }

        private static double Ratio(double a, double b) => b > 0 ? Math.Round(a / b, 3) : 0;

        private static double MaxAbsDiff(float[][] a, float[][] b)
        {
            // One model, one binding: the outputs cannot differ in number or size unless ORT is broken.
            if (a.Length != b.Length) throw new InvalidOperationException("two sessions of one model bound different outputs");
            double max = 0;
            for (int o = 0; o < a.Length; o++)
            {
                if (a[o].Length != b[o].Length) throw new InvalidOperationException("two sessions of one model bound outputs of different sizes");
                for (int i = 0; i < a[o].Length; i++) max = Math.Max(max, Math.Abs((double)a[o][i] - b[o][i]));
            }
            return max;
        }

        public void Dispose() => _engine.Dispose();
    }
}
