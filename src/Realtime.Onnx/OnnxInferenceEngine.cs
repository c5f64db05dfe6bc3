using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Onnx;

/// <summary>An output copied back into an input after every run: a recurrent model's state.</summary>
/// <param name="Output">The output that holds the next state (e.g. Silero's <c>stateN</c>).</param>
/// <param name="Input">The input it feeds (e.g. <c>state</c>).</param>
public readonly record struct CarriedTensor(string Output, string Input);

/// <summary>How <see cref="OnnxInferenceEngine.Load(string, OnnxBinding, OnnxSessionSettings?)"/> binds a model's inputs.</summary>
public sealed class OnnxBinding
{
    /// <summary>The float input preprocessing writes (<see cref="OnnxInferenceEngine.Input"/>); null: the model's first float input.</summary>
    public string? PrimaryInput { get; init; }
    /// <summary>The shape the caller prepares for the primary input; a model whose shape differs is a <see cref="ModelShapeException"/>.</summary>
    public long[]? ExpectedPrimaryShape { get; init; }
    /// <summary>Shapes of inputs with dynamic dimensions, by input name (a dynamic batch alone is bound as 1).</summary>
    public IReadOnlyDictionary<string, long[]>? Shapes { get; init; }
    /// <summary>Outputs copied into inputs after every run (a recurrent state carried from one frame to the next).</summary>
    public IReadOnlyList<CarriedTensor>? Carried { get; init; }
    /// <summary>
    /// Values of constant inputs set once at load (e.g. Silero's <c>sr</c> = 16000), every element,
    /// typed from the input's element type (an integer input takes a whole number in its range); names the model lacks are ignored.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Scalars { get; init; }
    /// <summary>What a dynamic first (batch) dimension is bound as when no shape is given: 1 frame, or a fixed micro-batch of N streams.</summary>
    public int Batch { get; init; } = 1;
}

/// <summary>
/// The one wrapper around an ONNX Runtime session. It owns every native handle. At load it
/// allocates a pinned array for every input and every output (float, integer or half tensors,
/// sized from the model's metadata and the caller's shapes), creates one <see cref="OrtValue"/>
/// over each, and binds them once with <see cref="OrtIoBinding"/>; <see cref="Run"/> is then
/// <c>RunWithBinding</c>, which allocates nothing (ORT's convenience <c>Run</c> overloads build
/// arrays on every call). The arrays stay pinned for the engine's life, so preprocessing writes
/// straight into the bound input. A recurrent model's state is carried by copying the named
/// outputs into their inputs after each run, also without allocating.
/// </summary>
public sealed class OnnxInferenceEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values = new();
    private readonly string[] _inputNames;
    private readonly byte[][] _inputs;
    private readonly string[] _outputNames;
    private readonly byte[][] _outputs;
    private readonly TensorElementType[] _outputTypes;
    // Byte lengths of each bound tensor, fixed at load (the buffers may be longer).
    private readonly int[] _inputLengths;
    private readonly int[] _outputLengths;
    private readonly int _primary;
    // (output index, input index) pairs copied after every run.
    private readonly int[] _carryFrom;
    private long _runs;
    private readonly int[] _carryTo;
    // Inputs rebound over memory someone else pins (a graph's upstream tensor); 0 where the engine's own array is bound.
    private readonly IntPtr[] _external;
    private bool _disposed;

    private OnnxInferenceEngine(string path, InferenceSession session, OnnxBinding binding)
    {
        ModelPath = path;
        _session = session;
        _runOptions = new RunOptions();
        _binding = session.CreateIoBinding();

        _inputNames = new List<string>(session.InputNames).ToArray();
        _inputs = new byte[_inputNames.Length][];
        InputShapes = new long[_inputNames.Length][];
        InputTypes = new TensorElementType[_inputNames.Length];
        _inputLengths = new int[_inputNames.Length];
        _external = new IntPtr[_inputNames.Length];
        var inputValues = new OrtValue[_inputNames.Length];
        _primary = -1;
        for (int i = 0; i < _inputNames.Length; i++)
        {
            string name = _inputNames[i];
            var meta = session.InputMetadata[name];
            if (!meta.IsTensor) throw new InvalidDataException($"{path}: input '{name}' is not a tensor; this engine binds tensors only");
            long[] shape = BoundShape(path, name, meta, binding.Shapes, binding.Batch);
            InputShapes[i] = shape;
            InputTypes[i] = meta.ElementDataType;
            _inputs[i] = Allocate(path, "input", name, meta.ElementDataType, shape);
            _inputLengths[i] = ByteLength(shape, meta.ElementDataType);
            inputValues[i] = Wrap(_inputs[i], meta.ElementDataType, shape);
            _binding.BindInput(name, inputValues[i]);
            if (binding.PrimaryInput is null ? _primary < 0 && meta.ElementDataType == TensorElementType.Float : name == binding.PrimaryInput) _primary = i;
        }
        if (binding.Shapes is not null)
            foreach (string key in binding.Shapes.Keys)
                if (Array.IndexOf(_inputNames, key) < 0)
                    throw new InvalidDataException($"{path}: a shape is given for '{key}', which is not an input of the model (it has: {string.Join(", ", _inputNames)})");
        if (binding.Scalars is not null)
            foreach (var (name, value) in binding.Scalars)
                if (Array.IndexOf(_inputNames, name) is int k and >= 0) SetScalar(path, k, value);

        _outputNames = new List<string>(session.OutputNames).ToArray();
        _outputs = new byte[_outputNames.Length][];
        _outputTypes = new TensorElementType[_outputNames.Length];
        _outputLengths = new int[_outputNames.Length];
        OutputShapes = new long[_outputNames.Length][];
        // Dynamic output shapes are learnt from one run through ORT's convenience API (set-up, not the loop).
        bool dynamicOutputs = false;
        foreach (string name in _outputNames)
            foreach (int d in session.OutputMetadata[name].Dimensions) if (d < 0) dynamicOutputs = true;
        long[][]? probed = dynamicOutputs ? ProbeOutputShapes(path, inputValues) : null;
        for (int i = 0; i < _outputNames.Length; i++)
        {
            var meta = session.OutputMetadata[_outputNames[i]];
            if (!meta.IsTensor) throw new InvalidDataException($"{path}: output '{_outputNames[i]}' is not a tensor; this engine binds tensors only");
            long[] shape = probed?[i] ?? StaticShape(meta.Dimensions);
            OutputShapes[i] = shape;
            _outputTypes[i] = meta.ElementDataType;
            _outputs[i] = Allocate(path, "output", _outputNames[i], meta.ElementDataType, shape);
            _outputLengths[i] = ByteLength(shape, meta.ElementDataType);
            _binding.BindOutput(_outputNames[i], Wrap(_outputs[i], meta.ElementDataType, shape));
        }

        int carried = binding.Carried?.Count ?? 0;
        _carryFrom = new int[carried];
        _carryTo = new int[carried];
        for (int c = 0; c < carried; c++)
        {
            var pair = binding.Carried![c];
            int from = Array.IndexOf(_outputNames, pair.Output), to = Array.IndexOf(_inputNames, pair.Input);
            if (from < 0) throw Binding(CarriedField, $"{path}: the carried state names output '{pair.Output}', which the model lacks (it has: {string.Join(", ", _outputNames)})");
            if (to < 0) throw Binding(CarriedField, $"{path}: the carried state names input '{pair.Input}', which the model lacks (it has: {string.Join(", ", _inputNames)})");
            if (_outputTypes[from] != InputTypes[to] || Product(OutputShapes[from]) != Product(InputShapes[to]))
                throw Binding(CarriedField, $"{path}: output '{pair.Output}' ({_outputTypes[from]} [{string.Join(",", OutputShapes[from])}]) cannot carry into input '{pair.Input}' ({InputTypes[to]} [{string.Join(",", InputShapes[to])}])");
            _carryFrom[c] = from;
            _carryTo[c] = to;
        }
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }

    /// <summary>The session settings it was loaded with (a twin session, such as the bench's naive one, is created alike).</summary>
    public OnnxSessionSettings Settings { get; private init; } = new();
    /// <summary>How the model's inputs were bound (the carried state and constant scalars), as loaded.</summary>
    public OnnxBinding InputBinding { get; private init; } = new();
    /// <summary>The primary input's name (empty when the model has no float input).</summary>
    public string InputName => _primary < 0 ? "" : _inputNames[_primary];
    /// <summary>The primary input's shape.</summary>
    public long[] InputShape => _primary < 0 ? Array.Empty<long>() : InputShapes[_primary];
    /// <summary>Input names in binding order.</summary>
    public IReadOnlyList<string> InputNames => _inputNames;
    /// <summary>Input shapes as bound, in binding order.</summary>
    public long[][] InputShapes { get; }
    /// <summary>Input element types, in binding order.</summary>
    public TensorElementType[] InputTypes { get; }
    /// <summary>Output names in binding order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;
    /// <summary>Output shapes in binding order.</summary>
    public long[][] OutputShapes { get; }
    /// <summary>Session creation and binding time, ms.</summary>
    public double ModelLoadMs { get; private set; }
    /// <summary>Of <see cref="ModelLoadMs"/>, the time ONNX Runtime's library load and environment took (the first load of a process only; 0 after).</summary>
    public double RuntimeInitMs { get; private set; }
    /// <summary>The file the session was created from: the model, or its saved optimized form.</summary>
    public string LoadedFrom { get; private set; } = "";
    /// <summary>Whether ONNX Runtime's profiler is on for this session.</summary>
    public bool Profiling { get; private set; }
    /// <summary>Time of the first <see cref="Run"/>, ms (0 until it has run).</summary>
    public double FirstInferenceMs { get; private set; }
    /// <summary>Output → input pairs copied after every run.</summary>
    public int CarriedCount => _carryFrom.Length;

    /// <summary>
    /// Loads a model with one float input to prepare and binds it. The input named
    /// <paramref name="inputName"/> must be a float tensor whose shape, with a dynamic batch taken
    /// as 1, equals <paramref name="expectedInputShape"/> when that is given; otherwise the error
    /// names the file, the tensor and both shapes. Any other inputs are bound too (zeros).
    /// </summary>
    public static OnnxInferenceEngine Load(string path, string inputName, long[]? expectedInputShape, OnnxSessionSettings? settings = null) =>
        Load(path, new OnnxBinding { PrimaryInput = inputName, ExpectedPrimaryShape = expectedInputShape }, settings);

    /// <summary>
    /// Loads a model and binds every input and output. Every problem is an
    /// <see cref="InvalidDataException"/> (or <see cref="ModelShapeException"/>) naming the file and the tensor.
    /// </summary>
    public static OnnxInferenceEngine Load(string path, OnnxBinding binding, OnnxSessionSettings? settings = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {path}", path);
        settings ??= new OnnxSessionSettings();
        // A saved optimized model is found by the model's hash: hashed before ONNX Runtime is waited
        // for, so that it overlaps the runtime's start instead of following it.
        long t0 = MonotonicClock.NowNs();
        string? modelSha256 = settings.OptimizedModelCacheDir is null ? null : settings.ModelSha256 ?? ModelFile.Sha256(path);
        long waitNs = MonotonicClock.NowNs();
        // The first ORT call of a process loads libonnxruntime and creates its environment: timed apart, it is most of a small model's load.
        try
        {
            OrtEnv.Instance();
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new OnnxRuntimeUnavailableException(ex);
        }
        double runtimeInitMs = (MonotonicClock.NowNs() - waitNs) / 1e6;
        string sessionPath = path;
        bool optimized = false;
        if (settings.OptimizedModelCacheDir is not null)
        {
            // A saved optimized model loads with graph optimizations off: that work was done once, when it was saved.
            sessionPath = OptimizedModelCache.Ensure(path, settings.OptimizedModelCacheDir, settings.OptimizedModelFormat, settings, modelSha256);
            optimized = true;
        }
        using var options = settings.CreateSessionOptions();
        if (optimized) options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;

        InferenceSession session;
        try
        {
            session = new InferenceSession(sessionPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load the model: {ex.Message}", ex);
        }
        try
        {
            if (binding.PrimaryInput is { } primary)
            {
                if (!session.InputMetadata.TryGetValue(primary, out var meta))
                    throw new InvalidDataException($"{path}: the model has no input '{primary}' (it has: {string.Join(", ", session.InputMetadata.Keys)})");
                if (meta.ElementDataType != TensorElementType.Float)
                    throw new InvalidDataException($"{path}: input '{primary}' is {meta.ElementDataType}, not float");
            }
            var engine = new OnnxInferenceEngine(path, session, binding) { Settings = settings, InputBinding = binding };
            if (binding.ExpectedPrimaryShape is { } expected && !ShapesEqual(engine.InputShape, expected))
            {
                var ex = new ModelShapeException(path, engine.InputName, engine.InputShape, expected);
                engine.Dispose();
                throw ex;
            }
            engine.ModelLoadMs = (MonotonicClock.NowNs() - t0) / 1e6;
            engine.LoadedFrom = sessionPath;
            engine.RuntimeInitMs = runtimeInitMs;
            engine.Profiling = settings.ProfilePathPrefix is not null;
            return engine;
        }
        catch (ModelShapeException)
        {
            throw; // the engine that owned the session is disposed
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Span<float> Input => _primary < 0 ? Span<float>.Empty : MemoryMarshal.Cast<byte, float>(_inputs[_primary].AsSpan(0, _inputLengths[_primary]));

    /// <summary>Index of the input named <paramref name="name"/>, or -1.</summary>
    public int InputIndex(string name) => Array.IndexOf(_inputNames, name);

    /// <summary>The bound float input named <paramref name="name"/>; an <see cref="ArgumentException"/> when there is none.</summary>
    public Span<float> InputBuffer(string name) => MemoryMarshal.Cast<byte, float>(TypedInput(name, TensorElementType.Float));

    /// <summary>The bound int64 input named <paramref name="name"/> (a scalar has one element); an <see cref="ArgumentException"/> when there is none.</summary>
    public Span<long> Int64Input(string name) => MemoryMarshal.Cast<byte, long>(TypedInput(name, TensorElementType.Int64));

    /// <summary>The raw bytes of input <paramref name="index"/> (any element type): what the model reads, wherever it is bound.</summary>
    public unsafe Span<byte> InputBytes(int index) =>
        _external[index] != IntPtr.Zero ? new Span<byte>((void*)_external[index], _inputLengths[index]) : _inputs[index].AsSpan(0, _inputLengths[index]);

    /// <summary>Element types of the outputs, in <see cref="OutputNames"/> order.</summary>
    public IReadOnlyList<TensorElementType> OutputTypes => _outputTypes;

    /// <summary>The bound output <paramref name="index"/>, writable (a graph exposes it as its node's output payload; the model overwrites it every run).</summary>
    internal Span<byte> OutputMemory(int index) => _outputs[index].AsSpan(0, _outputLengths[index]);

    /// <summary>
    /// Binds input <paramref name="index"/> once over <paramref name="length"/> bytes at
    /// <paramref name="address"/>, memory the caller keeps pinned for the engine's life (a graph's
    /// upstream tensor, so the preprocessor writes straight into what the model reads). The length
    /// must be the input's; a carried input (a recurrent state) is the engine's own and cannot move.
    /// </summary>
    internal void BindInputTo(int index, IntPtr address, int length)
    {
        if (address == IntPtr.Zero) throw new ArgumentException("no memory to bind", nameof(address));
        if (length != _inputLengths[index])
            throw new ArgumentException($"{ModelPath}: input '{_inputNames[index]}' takes {_inputLengths[index]} bytes, the memory bound to it holds {length}", nameof(length));
        if (Array.IndexOf(_carryTo, index) >= 0) throw new InvalidOperationException($"{ModelPath}: input '{_inputNames[index]}' carries the model's state and stays the engine's own");
        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, InputTypes[index], InputShapes[index], address, length);
        _values.Add(value);
        _binding.BindInput(_inputNames[index], value);
        _external[index] = address;
    }

    /// <summary>
    /// Binds output <paramref name="index"/> once over <paramref name="length"/> bytes at
    /// <paramref name="address"/>, memory the caller keeps pinned for the engine's life (another
    /// engine's output: the rungs of a model ladder all write where the decoder reads). A carried
    /// output (a recurrent state) is refused. <see cref="OutputBytes"/> still names the engine's own array.
    /// </summary>
    internal void BindOutputTo(int index, IntPtr address, int length)
    {
        if (address == IntPtr.Zero) throw new ArgumentException("no memory to bind", nameof(address));
        if (length != _outputLengths[index])
            throw new ArgumentException($"{ModelPath}: output '{_outputNames[index]}' takes {_outputLengths[index]} bytes, the memory bound to it holds {length}", nameof(length));
        if (Array.IndexOf(_carryFrom, index) >= 0) throw new InvalidOperationException($"{ModelPath}: output '{_outputNames[index]}' carries the model's state and stays the engine's own");
        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, _outputTypes[index], OutputShapes[index], address, length);
        _values.Add(value);
        _binding.BindOutput(_outputNames[index], value);
    }

    /// <summary>Runs the model once on its bindings without counting the run in <see cref="Runs"/> (a ladder timing its rungs before the loop).</summary>
    internal void RunUncounted()
    {
        if (FirstInferenceMs == 0) RunFirst();
        else _session.RunWithBinding(_runOptions, _binding);
    }

    /// <summary>The raw bytes of output <paramref name="index"/> (any element type).</summary>
    public ReadOnlySpan<byte> OutputBytes(int index) => _outputs[index].AsSpan(0, _outputLengths[index]);

    /// <summary>The bound output at <paramref name="index"/> as floats; empty when it is not a float tensor.</summary>
    public ReadOnlySpan<float> Output(int index) =>
        _outputTypes[index] == TensorElementType.Float ? MemoryMarshal.Cast<byte, float>(OutputBytes(index)) : ReadOnlySpan<float>.Empty;

    /// <inheritdoc/>
    public int OutputIndex(string name) => Array.IndexOf(_outputNames, name);

    /// <inheritdoc/>
    public bool CarriesState => _carryFrom.Length > 0;

    /// <summary>
    /// The key under which an <see cref="InvalidDataException"/> for an input with a dynamic
    /// dimension and no shape given carries the shape to give (<c>input=1xN</c>) in its <see cref="Exception.Data"/>,
    /// so a caller can say how its own users give it.
    /// </summary>
    public const string ShapeHintKey = "shape-hint";

    private static InvalidDataException DynamicShape(string path, string name, int[] dims, int dimension)
    {
        string hint = $"{name}=" + string.Join("x", Placeholder(dims));
        var ex = new InvalidDataException($"{path}: input '{name}' has shape [{string.Join(",", dims)}] with dynamic dimension {dimension}: give its shape ({hint})");
        ex.Data[ShapeHintKey] = hint;
        return ex;
    }

    /// <summary>How many times the model ran (<see cref="Run"/> calls that returned): whoever counts a period's inferences reads it.</summary>
    public long Runs => Volatile.Read(ref _runs);

    /// <summary>Zeros every carried input: the recurrent state of a fresh stream.</summary>
    public void ResetCarriedState()
    {
        for (int c = 0; c < _carryTo.Length; c++) InputBytes(_carryTo[c]).Clear();
    }

    private Realtime.Linux.InferenceArbiter? _arbiter;
    private Realtime.Linux.ArbiterClient? _arbiterClient;

    /// <summary>
    /// Makes every <see cref="Run"/> take a slot of <paramref name="arbiter"/> as <paramref name="client"/> first and give it
    /// back after (loops that share a core or an accelerator); before the loop starts.
    /// </summary>
    public void ShareThrough(Realtime.Linux.InferenceArbiter arbiter, Realtime.Linux.ArbiterClient client)
    {
        ArgumentNullException.ThrowIfNull(arbiter);
        ArgumentNullException.ThrowIfNull(client);
        _arbiter = arbiter;
        _arbiterClient = client;
    }

    /// <summary>Runs the model on the bound inputs into the bound outputs, then copies each carried output into its input. Allocates nothing.</summary>
    public void Run()
    {
        var arbiter = _arbiter;
        if (arbiter is null) RunBound();
        else
        {
            arbiter.Acquire(_arbiterClient!);
            try { RunBound(); }
            finally { arbiter.Release(_arbiterClient!); }
        }
    }

    private void RunBound()
    {
        if (FirstInferenceMs == 0) RunFirst();
        else _session.RunWithBinding(_runOptions, _binding);
        // One writer (the loop's thread); read by the host after the run.
        Volatile.Write(ref _runs, _runs + 1);
        for (int c = 0; c < _carryFrom.Length; c++) OutputBytes(_carryFrom[c]).CopyTo(InputBytes(_carryTo[c]));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunFirst()
    {
        long t0 = MonotonicClock.NowNs();
        _session.RunWithBinding(_runOptions, _binding);
        FirstInferenceMs = Math.Max(1e-6, (MonotonicClock.NowNs() - t0) / 1e6);
    }

    /// <summary>
    /// Stops ONNX Runtime's profiler and returns the path of the Chrome-trace JSON it wrote (one
    /// event per operator per run). Only for a session loaded with a profile prefix.
    /// </summary>
    public string EndProfiling()
    {
        if (!Profiling) throw new InvalidOperationException($"{ModelPath}: profiling was not enabled for this session (set OnnxSessionSettings.ProfilePathPrefix)");
        Profiling = false;
        return _session.EndProfiling();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding.Dispose();
        foreach (var v in _values) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private Span<byte> TypedInput(string name, TensorElementType type)
    {
        int i = Array.IndexOf(_inputNames, name);
        if (i < 0) throw new ArgumentException($"{ModelPath}: the model has no input '{name}' (it has: {string.Join(", ", _inputNames)})", nameof(name));
        if (InputTypes[i] != type) throw new ArgumentException($"{ModelPath}: input '{name}' is {InputTypes[i]}, not {type}", nameof(name));
        return InputBytes(i);
    }

    private void SetScalar(string path, int index, double value)
    {
        Span<byte> bytes = InputBytes(index);
        TensorElementType type = InputTypes[index];
        switch (type)
        {
            case TensorElementType.Float: MemoryMarshal.Cast<byte, float>(bytes).Fill((float)value); return;
            case TensorElementType.Float16: MemoryMarshal.Cast<byte, Half>(bytes).Fill((Half)value); return;
            case TensorElementType.Double: MemoryMarshal.Cast<byte, double>(bytes).Fill(value); return;
        }
        (double min, double max) = type switch
        {
            TensorElementType.Int64 => (-9.007199254740992e15, 9.007199254740992e15), // whole numbers a double holds exactly
            TensorElementType.Int32 => (int.MinValue, int.MaxValue),
            TensorElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorElementType.UInt8 => (byte.MinValue, byte.MaxValue),
            _ => (double.NaN, double.NaN),
        };
        if (double.IsNaN(min))
            throw Binding(ScalarsField, $"{path}: input '{_inputNames[index]}' is {type}; a constant is set on a float, float16, double, int64, int32, int8 or uint8 input");
        if (value != Math.Floor(value) || value < min || value > max)
            throw Binding(ScalarsField, $"{path}: input '{_inputNames[index]}' is {type}: its constant must be a whole number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
        switch (type)
        {
            case TensorElementType.Int64: MemoryMarshal.Cast<byte, long>(bytes).Fill((long)value); break;
            case TensorElementType.Int32: MemoryMarshal.Cast<byte, int>(bytes).Fill((int)value); break;
            case TensorElementType.Int8: MemoryMarshal.Cast<byte, sbyte>(bytes).Fill((sbyte)value); break;
            default: bytes.Fill((byte)value); break;
        }
    }

    /// <summary>
    /// The key under which an <see cref="InvalidDataException"/> about the carried state or a constant
    /// input carries which part of the <see cref="OnnxBinding"/> it is about (<see cref="CarriedField"/>,
    /// <see cref="ScalarsField"/>), so a caller names its own field for it.
    /// </summary>
    public const string BindingFieldKey = "binding-field";
    /// <summary><see cref="BindingFieldKey"/>'s value for <see cref="OnnxBinding.Carried"/>.</summary>
    public const string CarriedField = "carried";
    /// <summary><see cref="BindingFieldKey"/>'s value for <see cref="OnnxBinding.Scalars"/>.</summary>
    public const string ScalarsField = "scalars";

    private static InvalidDataException Binding(string field, string message)
    {
        var ex = new InvalidDataException(message);
        ex.Data[BindingFieldKey] = field;
        return ex;
    }

    private static int ByteLength(long[] shape, TensorElementType type) => checked((int)(Product(shape) * ElementSize(type)));

    private long[][] ProbeOutputShapes(string path, OrtValue[] inputValues)
    {
        try
        {
            using var results = _session.Run(_runOptions, _inputNames, inputValues, _outputNames);
            var shapes = new long[_outputNames.Length][];
            int i = 0;
            foreach (var v in results) shapes[i++] = v.GetTensorTypeAndShape().Shape;
            return shapes;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{path}: the model's output shapes are dynamic and a trial run on the bound inputs failed: {ex.Message}", ex);
        }
    }

    private static long[] BoundShape(string path, string name, NodeMetadata meta, IReadOnlyDictionary<string, long[]>? shapes, int batch)
    {
        int[] dims = meta.Dimensions;
        if (shapes is not null && shapes.TryGetValue(name, out long[]? given))
        {
            bool fits = given.Length == dims.Length;
            for (int i = 0; fits && i < dims.Length; i++) if (dims[i] > 0 && dims[i] != given[i]) fits = false;
            if (!fits) throw new InvalidDataException($"{path}: the shape {string.Join("x", given)} given for input '{name}' does not fit its shape [{string.Join(",", dims)}] (-1 is dynamic)");
            return given;
        }
        var shape = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > 0) shape[i] = dims[i];
            else if (i == 0) shape[i] = Math.Max(1, batch); // a dynamic batch is bound as one frame, or the fixed micro-batch
            else throw DynamicShape(path, name, dims, i);
        }
        return shape;
    }

    private static string[] Placeholder(int[] dims)
    {
        var s = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++) s[i] = dims[i] > 0 ? dims[i].ToString(CultureInfo.InvariantCulture) : i == 0 ? "1" : "N";
        return s;
    }

    private static long[] StaticShape(int[] dims)
    {
        var shape = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++) shape[i] = dims[i] > 0 ? dims[i] : 1;
        return shape;
    }

    private static int ElementSize(TensorElementType t) => t switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => 0,
    };

    private static byte[] Allocate(string path, string kind, string name, TensorElementType type, long[] shape)
    {
        int size = ElementSize(type);
        if (size == 0) throw new InvalidDataException($"{path}: {kind} '{name}' has element type {type}, which this engine cannot bind");
        // At least 8 bytes, so even an empty tensor has an address.
        return GC.AllocateArray<byte>(checked((int)Math.Max(8, Product(shape) * size)), pinned: true);
    }

    private unsafe OrtValue Wrap(byte[] pinned, TensorElementType type, long[] shape)
    {
        IntPtr address = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, address, Product(shape) * ElementSize(type));
        _values.Add(value);
        return value;
    }

    // Checked: shapes a caller gives may multiply past a long; an overflow must not wrap to a small buffer.
    private static long Product(long[] shape)
    {
        long p = 1;
        foreach (long d in shape) p = checked(p * d);
        return p;
    }

    private static bool ShapesEqual(long[] a, long[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
        return true;
    }
}

/// <summary>The model's input does not have the shape the profile prepares.</summary>
public sealed class ModelShapeException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModelShapeException(string path, string input, long[] actual, long[] expected)
        : base($"{path}: input '{input}' has shape [{string.Join(",", actual)}] but the profile prepares [{string.Join(",", expected)}]")
    {
        Actual = actual;
        Expected = expected;
    }

    /// <summary>The model's shape.</summary>
    public long[] Actual { get; }
    /// <summary>The profile's shape.</summary>
    public long[] Expected { get; }
}
