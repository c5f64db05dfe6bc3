using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Onnx.Offload;

namespace Realtime.Onnx.Components;

/// <summary>
/// <c>onnx-model</c>: an ONNX model as a graph node, on the one engine (<see cref="OnnxInferenceEngine"/>).
/// One input port per model input and one output port per model output, named after the model's own
/// names (<see cref="PortName"/>), typed with the model's element type and shape (a dynamic
/// dimension is given in <c>shapes</c>, else refused). At <see cref="Start"/> each input is bound once
/// over the pinned memory of the upstream tensor its port reads, so the preprocessor writes straight
/// into what the model reads; the outputs are the engine's own bound memory, exposed as payloads. A
/// frame is one <c>RunWithBinding</c>: nothing is copied or allocated. A recurrent model carries its
/// state: <c>state</c> pairs an output with the input it is copied into after each run (the input is
/// the engine's own, zero at start and after <see cref="ResetState"/>, and not a port); <c>scalars</c>
/// sets constant inputs once (Silero VAD's <c>sr</c>), typed from the input's element type, also not
/// ports. Config: <c>path</c> (an asset), <c>sha256</c>, <c>shapes</c> ({"input": [1, 3, 224, 224]}),
/// <c>state</c> ({"stateN": "state"}), <c>scalars</c> ({"sr": 16000}), <c>intra_op_threads</c>,
/// <c>allow_spinning</c>, <c>graph_optimization</c>, <c>memory_pattern</c>, <c>cpu_arena</c>, and
/// <c>ladder</c>: cheaper variants of the model that a selector picks among before each frame
/// (<see cref="ModelLadder"/>), the rung each frame ran stored in its record.
/// </summary>
public sealed class OnnxModelNode : Node, IFrameVariant, IApplicationMetrics
{
    private readonly string _field;
    private readonly OnnxInferenceEngine _engine;
    private readonly InputPort<TensorPayload>[] _inputs;
    private readonly OutputPort<TensorPayload>[] _outputs;

    // The engine's index of each input port (inputs that carry state or hold a constant are no ports).
    private readonly int[] _inputIndex;
    private readonly ModelLadder? _ladder;
    // config.batch: N streams' tensors in one Run (1: a plain model, its inputs bound over the upstream tensors).
    private readonly int _batch;

    // offload-model: the server tried first when it fits the frame's time, this model the fallback.
    private OffloadClient? _offload;
    private IClock? _clock;
    private long _finishByNs;

    private OnnxModelNode(string name, string field, OnnxInferenceEngine engine, string?[] inputPorts, TensorElement[] inputTypes,
        string[] outputPorts, TensorElement[] outputTypes, ModelLadder? ladder, int batch) : base(name, NodeRole.Transform, Stage.Infer)
    {
        _field = field;
        _ladder = ladder;
        _engine = engine;
        _batch = batch;
        int ports = 0;
        foreach (string? p in inputPorts) if (p is not null) ports++;
        // A batch of N has N ports per model input and output (stream s's are PORT-s), each one stream's slice [1, ...].
        _inputs = new InputPort<TensorPayload>[ports * batch];
        _inputIndex = new int[ports];
        for (int i = 0, k = 0; i < inputPorts.Length; i++)
        {
            if (inputPorts[i] is not { } port) continue;
            _inputIndex[k] = i;
            for (int s = 0; s < batch; s++)
                _inputs[s * ports + k] = Input<TensorPayload>(StreamPort(port, s, batch), PayloadType.Tensor(inputTypes[i], StreamShape(engine.InputShapes[i], batch)));
            k++;
        }
        _outputs = new OutputPort<TensorPayload>[outputPorts.Length * batch];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < outputPorts.Length; i++)
                _outputs[s * outputPorts.Length + i] = Output<TensorPayload>(StreamPort(outputPorts[i], s, batch),
                    new ModelOutput(PayloadType.Tensor(outputTypes[i], StreamShape(engine.OutputShapes[i], batch)), engine, i, s, batch));
    }

    /// <summary>The fixed micro-batch (<c>config.batch</c>): how many streams one run takes (1 without one).</summary>
    public int Batch => _batch;

    /// <summary>Stream <paramref name="stream"/>'s port of a model input or output in a batch of <paramref name="batch"/>: <c>PORT-s</c> (the port itself without a batch).</summary>
    public static string StreamPort(string port, int stream, int batch) =>
        batch <= 1 ? port : string.Create(CultureInfo.InvariantCulture, $"{port}-{stream}");

    /// <summary>The bound model (a ladder's top rung).</summary>
    public OnnxInferenceEngine Engine => _engine;
    /// <summary>Whether the node has a model ladder (<c>config.ladder</c>).</summary>
    public bool HasLadder => _ladder is not null;
    /// <summary>The ladder's rung names, most accurate first (empty without a ladder).</summary>
    public IReadOnlyList<string> LadderRungs => _ladder?.Names ?? Array.Empty<string>();
    /// <summary>The ladder's selector (after <see cref="Start"/>; null without a ladder).</summary>
    public Realtime.Core.Scheduling.LadderSelector? LadderSelector => _ladder?.Selector;
    /// <summary>Where the ladder's rung times came from: <c>timing-file</c> or <c>measured-at-start</c> (null without a ladder).</summary>
    public string? LadderTimingSource => _ladder?.TimingSource;
    /// <summary>Frames that ran rung <paramref name="rung"/> of the ladder (warm-up included).</summary>
    public long LadderRuns(int rung) => _ladder?.Runs(rung) ?? 0;
    /// <summary>The ladder's rung <paramref name="rung"/>'s expected time at full speed (its p99), µs.</summary>
    public double LadderP99Us(int rung) => _ladder!.P99Us(rung);
    /// <summary>The ladder's rung <paramref name="rung"/>'s median time at full speed, µs.</summary>
    public double LadderP50Us(int rung) => _ladder!.P50Us(rung);

    /// <summary>
    /// Times every ladder rung alone, <paramref name="runs"/> runs each on the bound inputs (a calibration
    /// run's last frame), named <c>node/rung</c> for the timing file; empty without a ladder.
    /// </summary>
    public List<Realtime.Core.Scheduling.StageTiming> MeasureLadder(int runs, double rateHz)
    {
        var times = new List<Realtime.Core.Scheduling.StageTiming>();
        if (_ladder is null) return times;
        for (int r = 0; r < _ladder.Names.Count; r++) times.Add(_ladder.Measure(r, runs, rateHz));
        return times;
    }

    /// <inheritdoc/>
    public int FrameVariant => _ladder?.Current ?? -1;
    /// <summary>The model file.</summary>
    public string ModelPath => _engine.ModelPath;

    /// <summary>The model's own name of the input that input port <paramref name="port"/> feeds (inputs carrying state or constants have no port).</summary>
    public string ModelInputName(int port) => _engine.InputNames[_inputIndex[port % _inputIndex.Length]];

    /// <summary>
    /// The port name of a model's input or output name: every character that is not a letter,
    /// digit, '-' or '_' becomes '_' (BlazeFace's <c>Identity_1:0</c> is <c>Identity_1_0</c>), cut at 64.
    /// </summary>
    public static string PortName(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        if (modelName.Length == 0) return "_";
        var chars = new char[Math.Min(64, modelName.Length)];
        for (int i = 0; i < chars.Length; i++)
        {
            char c = modelName[i];
            chars[i] = char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '_';
        }
        return new string(chars);
    }

    /// <summary>The type name a profile's node gives.</summary>
    public const string TypeName = "onnx-model";

    /// <summary>The factory: loads and binds the configured model (owned by the application) and declares its ports.</summary>
    public static OnnxModelNode Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        string? path = context.RequireAsset(config, "path", "model file");
        string? sha = config.Has("sha256") ? config.Text("sha256") : null;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (config.Section("shapes") is { } section)
            foreach (string input in section.Names())
            {
                int[] dims = section.Integers(input, 1, 1 << 20, 8);
                if (dims.Length > 0) shapes[input] = Array.ConvertAll(dims, d => (long)d);
            }
        // Read with the rest of the config, so a problem before the ladder loads does not also call it unknown.
        NodeConfig? ladderConfig = config.Section("ladder");
        int batch = config.Integer("batch", 1, MaxBatch, 1);
        if (batch > 1 && ladderConfig is not null) config.Problem("batch", "a batched model has one model for its streams (a ladder picks per frame among models of one stream)");
        if (batch > 1 && config.Has("state")) config.Problem("batch", "a batched model cannot carry a recurrent state (each stream would need its own)");
        int threads = config.Integer("intra_op_threads", 1, 64, 1);
        bool spinning = config.Flag("allow_spinning", false);
        if (spinning && threads == 1) config.Problem("allow_spinning", "needs intra_op_threads above 1: with one thread there is no pool to spin");
        string level = config.Text("graph_optimization", "all", OnnxSessionSettings.GraphOptimizationNames);
        bool memoryPattern = config.Flag("memory_pattern", true);
        bool arena = config.Flag("cpu_arena", true);
        var carried = new List<CarriedTensor>();
        if (config.Section("state") is { } state)
            foreach (string output in state.Names())
            {
                int before = config.Problems.Count;
                string input = state.Text(output);
                if (config.Problems.Count == before) carried.Add(new CarriedTensor(output, input));
            }
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal);
        if (config.Section("scalars") is { } constants)
            foreach (string input in constants.Names())
                scalars[input] = constants.Number(input, -1e300, 1e300);
        if (path is null || config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        if (sha is not null && ModelFile.Mismatch(path, sha) is string mismatch) return Refuse(config, "sha256", mismatch);

        List<int> cores = context.Board.Threads.InferenceCores;
        var host = context.Shared(() => new HostSessionSettings());
        var settings = new OnnxSessionSettings
        {
            IntraOpThreads = threads,
            // ORT's affinities are 1-based cores, one per thread beyond the caller's, cycling through the board's inference cores.
            IntraOpThreadAffinities = threads > 1 && cores.Count > 0 ? Affinities(cores, threads - 1) : null,
            AllowSpinning = spinning,
            GraphOptimization = OnnxSessionSettings.ParseGraphOptimization(level)!.Value,
            MemoryPattern = memoryPattern,
            CpuArena = arena,
            // The host's choices for every model of the build (the profiler, a saved optimized model); one trace per model node.
            ProfilePathPrefix = host.ProfilePathPrefix is { } prefix ? $"{prefix}-{name}" : null,
            OptimizedModelCacheDir = host.OptimizedModelCacheDir,
            OptimizedModelFormat = host.OptimizedModelFormat,
            // Checked against the pin just above: the saved model is found without hashing the file again.
            ModelSha256 = sha?.ToLowerInvariant(),
        };
        var binding = new OnnxBinding
        {
            Shapes = shapes.Count > 0 ? shapes : null,
            Carried = carried.Count > 0 ? carried : null,
            Scalars = scalars.Count > 0 ? scalars : null,
            Batch = batch,
        };
        OnnxInferenceEngine engine;
        try
        {
            engine = context.Own(OnnxInferenceEngine.Load(path, binding, settings));
        }
        catch (InvalidDataException ex)
        {
            string field = ex.Data[OnnxInferenceEngine.BindingFieldKey] switch
            {
                OnnxInferenceEngine.CarriedField => "state",
                OnnxInferenceEngine.ScalarsField => "scalars",
                _ => ex.Data.Contains(OnnxInferenceEngine.ShapeHintKey) || ex.Message.Contains("given for input", StringComparison.Ordinal) ? "shapes" : "path",
            };
            return Refuse(config, field, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && host.OptimizedModelCacheDir is { } cache)
        {
            // The saved optimized model's folder could not be made or written (a read-only or foreign working folder): the message names it.
            return Refuse(config, "path", $"{path}: its saved optimized model cannot be written to {Path.GetFullPath(cache)}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return Refuse(config, "path", ex.Message);
        }
        catch (OverflowException)
        {
            // Shapes from a hostile profile can multiply past what memory can hold.
            return Refuse(config, shapes.Count > 0 ? "shapes" : "path", $"{path}: a tensor of the model is too large to bind (more than 2 GB)");
        }

        // The engine ignores a constant for an input the model lacks (a bench binds any model); a profile's is a typo.
        foreach (string input in scalars.Keys)
            if (engine.InputIndex(input) < 0)
                config.Problem($"scalars.{input}", $"{path}: the model has no input '{input}' (it has: {string.Join(", ", engine.InputNames)})");
        var inputPorts = new string?[engine.InputNames.Count];
        var inputTypes = new TensorElement[inputPorts.Length];
        var outputPorts = new string[engine.OutputNames.Count];
        var outputTypes = new TensorElement[outputPorts.Length];
        for (int i = 0; i < inputPorts.Length; i++)
        {
            string modelName = engine.InputNames[i];
            if (scalars.ContainsKey(modelName) || carried.Exists(c => c.Input == modelName))
            {
                if (scalars.ContainsKey(modelName) && carried.Exists(c => c.Input == modelName))
                    config.Problem($"scalars.{modelName}", $"input '{modelName}' carries the model's state (config.state); it cannot also be a constant");
                continue;
            }
            inputPorts[i] = PortName(modelName);
            if (Element(engine.InputTypes[i]) is { } e) inputTypes[i] = e;
            else config.Problem("path", $"{path}: input '{engine.InputNames[i]}' is {engine.InputTypes[i]}; a connection carries float32, float16, uint8, int8, int32 or int64 tensors");
        }
        for (int i = 0; i < outputPorts.Length; i++)
        {
            outputPorts[i] = PortName(engine.OutputNames[i]);
            if (Element(engine.OutputTypes[i]) is { } e) outputTypes[i] = e;
            else config.Problem("path", $"{path}: output '{engine.OutputNames[i]}' is {engine.OutputTypes[i]}; a connection carries float32, float16, uint8, int8, int32 or int64 tensors");
        }
        if (batch > 1) CheckBatch(config, path, engine, inputPorts, batch);
        Clash(config, path, engine.InputNames, inputPorts, "input");
        Clash(config, path, engine.OutputNames, outputPorts, "output");
        if (config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        // A ladder's cheaper variants load with the same binding and settings, and must take and give what this model does.
        ModelLadder? ladder = ladderConfig is not null ? ModelLadder.Load(name, config, ladderConfig, context, engine, binding, settings) : null;
        if (config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        return new OnnxModelNode(name, config.Field, engine, inputPorts, inputTypes, outputPorts, outputTypes, ladder, batch);
    }

    /// <summary>The offload client when the node is an <c>offload-model</c> (null for a plain <c>onnx-model</c>).</summary>
    public OffloadClient? Offload => _offload;

    /// <summary>
    /// Makes the node an <c>offload-model</c> (<see cref="OffloadModel"/>): each frame asks
    /// <paramref name="client"/> first, and its result must be in by <paramref name="finishByNs"/>
    /// after the frame's capture, the local model's time included.
    /// </summary>
    internal void AttachOffload(OffloadClient client, long finishByNs, IClock clock)
    {
        _offload = client;
        _finishByNs = finishByNs;
        _clock = clock;
    }

    /// <summary>Whether the model carries a recurrent state from run to run (<c>config.state</c>).</summary>
    public bool CarriesState => _engine.CarriesState;

    /// <inheritdoc/>
    public override unsafe void Start()
    {
        if (_batch > 1)
        {
            // The streams' tensors are gathered into the engine's own pinned input, bound once at load: only their sizes are checked here.
            for (int p = 0; p < _inputs.Length; p++)
            {
                int i = _inputIndex[p % _inputIndex.Length];
                int slice = _engine.InputBytes(i).Length / _batch;
                if (_inputs[p].Payload.Bytes.Length != slice)
                    throw new ArgumentException($"{_field}: model '{Name}' input '{_inputs[p].Name}' takes {slice} bytes, {_inputs[p].Source} holds {_inputs[p].Payload.Bytes.Length}");
            }
            return;
        }
        var bound = new IntPtr[_engine.InputNames.Count];
        for (int k = 0; k < _inputs.Length; k++)
        {
            int i = _inputIndex[k];
            // A tensor payload lives in pinned memory (TensorPayload's contract), so its address holds for the run.
            Span<byte> upstream = _inputs[k].Payload.Bytes;
            if (upstream.Length != _engine.InputBytes(i).Length)
                throw new ArgumentException($"{_field}: model '{Name}' input '{_inputs[k].Name}' takes {_engine.InputBytes(i).Length} bytes, {_inputs[k].Source} holds {upstream.Length}");
            bound[i] = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(upstream));
            _engine.BindInputTo(i, bound[i], upstream.Length);
        }
        // Every rung reads the same upstream tensors and writes this model's outputs; their times are set (or measured) now.
        _ladder?.Start(_engine, bound);
        ResetState();
        _offload?.Start();
    }

    /// <summary>Zeros the carried state (<c>config.state</c>): a fresh stream, e.g. after a source fault. Allocates nothing.</summary>
    public void ResetState() => _engine.ResetCarriedState();

    /// <inheritdoc/>
    public override void Process()
    {
        if (_batch > 1)
        {
            RunBatch();
            return;
        }
        long captured = _inputs.Length > 0 ? _inputs[0].Payload.CaptureNs : 0;
        if (_offload is { } offload) RunOffloaded(offload);
        else if (_ladder is null) _engine.Run();
        else _ladder.Run(captured);
        for (int i = 0; i < _outputs.Length; i++) _outputs[i].Payload.CaptureNs = captured;
    }

    // One run for every stream: each stream's tensors copied into its slice of the bound input, each
    // stream's outputs its slice of the bound output (no copy), stamped with that stream's capture.
    private void RunBatch()
    {
        int ports = _inputIndex.Length;
        for (int p = 0; p < _inputs.Length; p++)
        {
            Span<byte> all = _engine.InputBytes(_inputIndex[p % ports]);
            int slice = all.Length / _batch;
            _inputs[p].Payload.Bytes.CopyTo(all.Slice(p / ports * slice, slice));
        }
        _engine.Run();
        int outputs = _outputs.Length / _batch;
        for (int o = 0; o < _outputs.Length; o++)
            _outputs[o].Payload.CaptureNs = ports > 0 ? _inputs[o / outputs * ports].Payload.CaptureNs : 0;
    }

    // Every input port's and every output's first dimension must be the batch: a model fixed at
    // another batch (most exports: 1) is refused with its shape, so a variant can be made for it.
    private static void CheckBatch(NodeConfig config, string path, OnnxInferenceEngine engine, string?[] inputPorts, int batch)
    {
        for (int i = 0; i < inputPorts.Length; i++)
            if (inputPorts[i] is not null && (engine.InputShapes[i].Length == 0 || engine.InputShapes[i][0] != batch))
            {
                config.Problem("batch", $"{path}: input '{engine.InputNames[i]}' has shape [{string.Join(",", engine.InputShapes[i])}]: its first (batch) dimension cannot take a batch of {batch}; make a fixed-batch-{batch} variant of the model");
                return;
            }
        for (int i = 0; i < engine.OutputNames.Count; i++)
            if (engine.OutputShapes[i].Length == 0 || engine.OutputShapes[i][0] != batch)
            {
                config.Problem("batch", $"{path}: output '{engine.OutputNames[i]}' has shape [{string.Join(",", engine.OutputShapes[i])}] at a batch of {batch}: its first dimension is not the batch");
                return;
            }
    }

    /// <summary>The largest fixed micro-batch a node takes (<c>config.batch</c>).</summary>
    public const int MaxBatch = 16;

    // The server's reply when it fits what is left of the frame's time, else (or when it is late or
    // wrong) the local model, whose time stays reserved: the frame's outputs are in by _finishByNs either way.
    private void RunOffloaded(OffloadClient offload)
    {
        long finishBy = _inputs[0].Payload.CaptureNs + _finishByNs;
        OffloadChoice choice = offload.Decide(_clock!.NowNs(), finishBy);
        if (choice != OffloadChoice.Local)
        {
            for (int k = 0; k < _inputs.Length; k++) _inputs[k].Payload.Bytes.CopyTo(offload.InputSlot(k));
            offload.Send();
            if (choice == OffloadChoice.Remote && offload.Await(finishBy) == OffloadOutcome.Replied)
            {
                for (int i = 0; i < _outputs.Length; i++) offload.Output(i).CopyTo(_engine.OutputMemory(i));
                offload.Release();
                return;
            }
        }
        long start = _clock.NowNs();
        bool cold = _engine.Runs == 0;
        _engine.Run();
        // The first run is the session's cold start, not what a frame's fallback costs.
        if (!cold) offload.RanLocally(_clock.NowNs() - start);
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("runs", _engine.Runs);
        report.Add("model_load_ms", Math.Round(_engine.ModelLoadMs, 3));
        report.Add("first_inference_ms", Math.Round(_engine.FirstInferenceMs, 3));
        _ladder?.Report(report);
        if (_offload is not { } o) return;
        report.Add("offload_remote", o.RemoteFrames);
        report.Add("offload_local", o.LocalFrames);
        report.Add("offload_late", o.LateFrames);
        report.Add("offload_failed", o.FailedFrames);
        report.Add("offload_probes", o.Probes);
        report.Add("offload_round_trips", o.RoundTrips);
        report.Add("offload_connection_failures", o.ConnectionFailures);
        report.Add("offload_bad_replies", o.BadReplies);
        report.Add("offload_round_trip_p99_ms", Math.Round(o.RoundTripP99Ns / 1e6, 3));
        report.Add("offload_local_p99_ms", Math.Round(o.LocalP99Ns / 1e6, 3));
    }

    /// <inheritdoc/>
    public void FillMetrics(Realtime.Core.Reporting.ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records) => _ladder?.FillMetrics(metrics, records);

    private static OnnxModelNode Refuse(NodeConfig config, string field, string message)
    {
        config.Problem(field, message);
        throw new ArgumentException(message);
    }

    private static void Clash(NodeConfig config, string path, IReadOnlyList<string> names, string?[] ports, string kind)
    {
        for (int i = 0; i < ports.Length; i++)
            for (int j = 0; j < i; j++)
                if (ports[i] is not null && ports[i] == ports[j])
                    config.Problem("path", $"{path}: {kind}s '{names[j]}' and '{names[i]}' both become port '{ports[i]}' (characters other than letters, digits, '-' and '_' become '_'); this model cannot be a node");
    }

    private static TensorElement? Element(TensorElementType type) => type switch
    {
        TensorElementType.Float => TensorElement.Float32,
        TensorElementType.Float16 => TensorElement.Float16,
        TensorElementType.UInt8 => TensorElement.UInt8,
        TensorElementType.Int8 => TensorElement.Int8,
        TensorElementType.Int32 => TensorElement.Int32,
        TensorElementType.Int64 => TensorElement.Int64,
        _ => null,
    };

    // One stream's slice of a batched tensor: [1, ...] (the shape itself without a batch).
    private static int[] StreamShape(long[] shape, int batch)
    {
        int[] dims = Ints(shape);
        if (batch > 1) dims[0] = 1;
        return dims;
    }

    private static int[] Ints(long[] shape)
    {
        var dims = new int[shape.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = checked((int)shape[i]);
        return dims;
    }

    private static string Affinities(List<int> cores, int threads)
    {
        var list = new string[threads];
        for (int i = 0; i < threads; i++) list[i] = (cores[i % cores.Count] + 1).ToString(CultureInfo.InvariantCulture);
        return string.Join(";", list);
    }

    /// <summary>A model output as a payload: the engine's own bound, pinned output memory.</summary>
    private sealed class ModelOutput : TensorPayload
    {
        private readonly OnnxInferenceEngine _engine;
        private readonly int _index;
        private readonly int _stream;
        private readonly int _batch;

        public ModelOutput(PayloadType type, OnnxInferenceEngine engine, int index, int stream, int batch) : base(type)
        {
            _engine = engine;
            _index = index;
            _stream = stream;
            _batch = batch;
        }

        // A batch's stream reads its own slice of the one bound output.
        public override Span<byte> Bytes
        {
            get
            {
                Span<byte> all = _engine.OutputMemory(_index);
                if (_batch <= 1) return all;
                int slice = all.Length / _batch;
                return all.Slice(_stream * slice, slice);
            }
        }
    }
}
