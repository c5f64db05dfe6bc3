using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Onnx;

namespace Realtime.Bench.BareModel;

/// <summary>
/// Any ONNX model bound once for a bench, the way <see cref="OnnxInferenceEngine"/> binds the
/// demos' models: every input and every output gets a pinned buffer and an <see cref="OrtValue"/>
/// made once, bound with <see cref="OrtIoBinding"/>, so <see cref="Run"/> allocates nothing. Unlike
/// the demos' engine it takes models with several inputs of any tensor type and dynamic
/// dimensions (given with <c>--shape</c>, a dynamic batch is 1). Float inputs are filled once
/// with fixed pseudo-random values in [-1, 1); an integer scalar named <c>sr</c> gets 16000
/// (Silero VAD's sample rate); other inputs are zeros. <see cref="Input"/> is the first float input.
/// </summary>
public sealed class BareModelEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly List<IDisposable> _values = new();
    private readonly byte[][] _inputs;
    private readonly byte[][] _outputs;
    private readonly TensorElementType[] _outputTypes;
    private readonly string[] _outputNames;
    private readonly int _floatInput = -1;
    private bool _disposed;

    private BareModelEngine(string path, InferenceSession session, IReadOnlyDictionary<string, long[]>? shapes)
    {
        ModelPath = path;
        _session = session;
        _binding = session.CreateIoBinding();
        var inputNames = new List<string>(session.InputNames);
        InputNames = inputNames;
        _inputs = new byte[inputNames.Count][];
        InputShapes = new long[inputNames.Count][];
        InputTypes = new TensorElementType[inputNames.Count];
        var inputValues = new OrtValue[inputNames.Count];
        for (int i = 0; i < inputNames.Count; i++)
        {
            string name = inputNames[i];
            var meta = session.InputMetadata[name];
            if (!meta.IsTensor) throw new InvalidDataException($"{path}: input '{name}' is not a tensor; a bench binds tensors only");
            long[] shape = Resolve(path, "input", name, meta, shapes);
            InputShapes[i] = shape;
            InputTypes[i] = meta.ElementDataType;
            _inputs[i] = Allocate(path, name, meta.ElementDataType, shape);
            Fill(_inputs[i], meta.ElementDataType, name, shape, seed: (uint)(i + 1));
            inputValues[i] = Wrap(_inputs[i], meta.ElementDataType, shape);
            _binding.BindInput(name, inputValues[i]);
            if (_floatInput < 0 && meta.ElementDataType == TensorElementType.Float) _floatInput = i;
        }
        if (shapes is not null)
            foreach (string key in shapes.Keys)
                if (!inputNames.Contains(key))
                    throw new InvalidDataException($"{path}: --shape names '{key}', which is not an input of the model (it has: {string.Join(", ", inputNames)})");

        _outputNames = new List<string>(session.OutputNames).ToArray();
        _outputs = new byte[_outputNames.Length][];
        _outputTypes = new TensorElementType[_outputNames.Length];
        OutputShapes = new long[_outputNames.Length][];
        // Dynamic output shapes are learnt from one run through ORT's convenience API (set-up, not the loop).
        bool dynamicOutputs = false;
        foreach (string name in _outputNames)
            foreach (int d in session.OutputMetadata[name].Dimensions) if (d < 0) dynamicOutputs = true;
        long[][]? probed = dynamicOutputs ? ProbeOutputShapes(inputNames, inputValues) : null;
        for (int i = 0; i < _outputNames.Length; i++)
        {
            var meta = session.OutputMetadata[_outputNames[i]];
            if (!meta.IsTensor) throw new InvalidDataException($"{path}: output '{_outputNames[i]}' is not a tensor; a bench binds tensors only");
            long[] shape = probed?[i] ?? Concrete(meta.Dimensions);
            OutputShapes[i] = shape;
            _outputTypes[i] = meta.ElementDataType;
            _outputs[i] = Allocate(path, _outputNames[i], meta.ElementDataType, shape);
            _binding.BindOutput(_outputNames[i], Wrap(_outputs[i], meta.ElementDataType, shape));
        }
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }
    /// <summary>Input names in binding order.</summary>
    public IReadOnlyList<string> InputNames { get; }
    /// <summary>Input shapes as bound.</summary>
    public long[][] InputShapes { get; }
    /// <summary>Input element types.</summary>
    public TensorElementType[] InputTypes { get; }
    /// <summary>Output names in binding order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;
    /// <summary>Output shapes as bound.</summary>
    public long[][] OutputShapes { get; }
    /// <summary>Session creation and binding, ms.</summary>
    public double ModelLoadMs { get; private set; }
    /// <summary>The first <see cref="Run"/>, ms (0 until it has run).</summary>
    public double FirstInferenceMs { get; private set; }
    /// <summary>Of <see cref="ModelLoadMs"/>, ONNX Runtime's library load and environment (first load of a process only).</summary>
    public double RuntimeInitMs { get; private set; }
    /// <summary>The file the session was created from: the model, or its saved optimized form.</summary>
    public string LoadedFrom { get; private set; } = "";
    /// <summary>Whether ONNX Runtime's profiler is on.</summary>
    public bool Profiling { get; private set; }

    /// <summary>Loads and binds <paramref name="path"/>; every problem is an <see cref="InvalidDataException"/> naming the file and the tensor.</summary>
    /// <param name="path">The ONNX (or ORT-format) file.</param>
    /// <param name="shapes">Shapes for inputs with dynamic dimensions, by input name.</param>
    /// <param name="settings">Session settings (threads, profiling, saved optimized model).</param>
    public static BareModelEngine Load(string path, IReadOnlyDictionary<string, long[]>? shapes, OnnxSessionSettings? settings = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {path}", path);
        settings ??= new OnnxSessionSettings();
        long t0 = MonotonicClock.NowNs();
        OrtEnv.Instance();
        double runtimeInitMs = (MonotonicClock.NowNs() - t0) / 1e6;
        string sessionPath = settings.OptimizedModelCacheDir is null ? path : OptimizedModelCache.Ensure(path, settings.OptimizedModelCacheDir, settings.OptimizedModelFormat, settings);
        using var options = settings.CreateSessionOptions();
        if (!ReferenceEquals(sessionPath, path)) options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
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
            var engine = new BareModelEngine(path, session, shapes);
            engine.ModelLoadMs = (MonotonicClock.NowNs() - t0) / 1e6;
            engine.Profiling = settings.ProfilePathPrefix is not null;
            engine.LoadedFrom = sessionPath;
            engine.RuntimeInitMs = runtimeInitMs;
            return engine;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Parses <c>name=1x512,other=2x1x128</c> into shapes; null with a message on a mistake.</summary>
    public static Dictionary<string, long[]>? ParseShapes(string text, out string? error)
    {
        error = null;
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = item.LastIndexOf('=');
            if (eq <= 0) { error = $"'{item}' is not NAME=DIMxDIM…"; return null; }
            string[] dims = item[(eq + 1)..].Split('x');
            var shape = new long[dims.Length];
            for (int i = 0; i < dims.Length; i++)
                if (!long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                { error = $"'{item}': dimension '{dims[i]}' is not a positive whole number"; return null; }
            result[item[..eq]] = shape;
        }
        return result;
    }

    /// <inheritdoc/>
    public Span<float> Input => _floatInput < 0 ? Span<float>.Empty : MemoryMarshal.Cast<byte, float>(_inputs[_floatInput].AsSpan());

    /// <summary>The raw bytes of input <paramref name="index"/> (to write non-float inputs or state).</summary>
    public Span<byte> InputBytes(int index) => _inputs[index];

    /// <summary>The raw bytes of output <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> OutputBytes(int index) => _outputs[index];

    /// <inheritdoc/>
    public ReadOnlySpan<float> Output(int index) =>
        _outputTypes[index] == TensorElementType.Float ? MemoryMarshal.Cast<byte, float>(_outputs[index].AsSpan()) : ReadOnlySpan<float>.Empty;

    /// <inheritdoc/>
    public int OutputIndex(string name) => Array.IndexOf(_outputNames, name);

    /// <inheritdoc/>
    public void Run()
    {
        if (FirstInferenceMs == 0)
        {
            RunFirst();
            return;
        }
        _session.RunWithBinding(_runOptions, _binding);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunFirst()
    {
        long t0 = MonotonicClock.NowNs();
        _session.RunWithBinding(_runOptions, _binding);
        FirstInferenceMs = Math.Max(1e-6, (MonotonicClock.NowNs() - t0) / 1e6);
    }

    /// <summary>Stops ONNX Runtime's profiler and returns the trace file's path.</summary>
    public string EndProfiling()
    {
        if (!Profiling) throw new InvalidOperationException($"{ModelPath}: profiling was not enabled for this session");
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

    private long[][] ProbeOutputShapes(List<string> inputNames, OrtValue[] inputValues)
    {
        using var results = _session.Run(_runOptions, inputNames, inputValues, _outputNames);
        var shapes = new long[_outputNames.Length][];
        int i = 0;
        foreach (var v in results) shapes[i++] = v.GetTensorTypeAndShape().Shape;
        return shapes;
    }

    private static long[] Resolve(string path, string kind, string name, NodeMetadata meta, IReadOnlyDictionary<string, long[]>? shapes)
    {
        int[] dims = meta.Dimensions;
        if (shapes is not null && shapes.TryGetValue(name, out long[]? given))
        {
            bool fits = given.Length == dims.Length;
            for (int i = 0; fits && i < dims.Length; i++) if (dims[i] > 0 && dims[i] != given[i]) fits = false;
            if (!fits) throw new InvalidDataException($"{path}: --shape {name}={string.Join("x", given)} does not fit the {kind}'s shape [{string.Join(",", dims)}] (-1 is dynamic)");
            return given;
        }
        var shape = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > 0) shape[i] = dims[i];
            else if (i == 0) shape[i] = 1; // a dynamic batch is one frame
            else throw new InvalidDataException($"{path}: {kind} '{name}' has shape [{string.Join(",", dims)}] with dynamic dimension {i}: give it with --shape {name}=" + string.Join("x", Placeholder(dims)));
        }
        return shape;
    }

    private static string[] Placeholder(int[] dims)
    {
        var s = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++) s[i] = dims[i] > 0 ? dims[i].ToString(CultureInfo.InvariantCulture) : i == 0 ? "1" : "N";
        return s;
    }

    private static long[] Concrete(int[] dims)
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

    private static byte[] Allocate(string path, string name, TensorElementType type, long[] shape)
    {
        int size = ElementSize(type);
        if (size == 0) throw new InvalidDataException($"{path}: tensor '{name}' has element type {type}, which a bench cannot bind");
        long n = 1;
        foreach (long d in shape) n *= d;
        // At least 8 bytes, so even an empty tensor has an address.
        return GC.AllocateArray<byte>(checked((int)Math.Max(8, n * size)), pinned: true);
    }

    private unsafe OrtValue Wrap(byte[] pinned, TensorElementType type, long[] shape)
    {
        long n = 1;
        foreach (long d in shape) n *= d;
        IntPtr address = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, address, n * ElementSize(type));
        _values.Add(value);
        return value;
    }

    private static void Fill(byte[] buffer, TensorElementType type, string name, long[] shape, uint seed)
    {
        uint state = 2463534242u * seed;
        switch (type)
        {
            case TensorElementType.Float:
            {
                var f = MemoryMarshal.Cast<byte, float>(buffer.AsSpan());
                for (int i = 0; i < f.Length; i++) f[i] = NextUnit(ref state);
                break;
            }
            case TensorElementType.Float16:
            {
                var h = MemoryMarshal.Cast<byte, Half>(buffer.AsSpan());
                for (int i = 0; i < h.Length; i++) h[i] = (Half)NextUnit(ref state);
                break;
            }
            case TensorElementType.Int64 when shape.Length == 0 && name == "sr":
                MemoryMarshal.Cast<byte, long>(buffer.AsSpan())[0] = 16000;
                break;
            case TensorElementType.Int32 when shape.Length == 0 && name == "sr":
                MemoryMarshal.Cast<byte, int>(buffer.AsSpan())[0] = 16000;
                break;
        }
    }

    // xorshift32 → [-1, 1): the same values every run, no allocation.
    private static float NextUnit(ref uint s)
    {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return (s >> 8) * (2f / (1 << 24)) - 1f;
    }
}
