using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Onnx;

/// <summary>
/// The one wrapper around an ONNX Runtime session. It owns every native handle. At load it
/// allocates pinned float arrays for the input and every output (sized from the model's
/// metadata), creates one <see cref="OrtValue"/> over each, and binds them once with
/// <see cref="OrtIoBinding"/>; <see cref="Run"/> is then <c>RunWithBinding</c>, which allocates
/// nothing (ORT's convenience <c>Run</c> overloads build arrays on every call). The arrays stay
/// pinned for the engine's life, so preprocessing writes straight into the bound input.
/// </summary>
public sealed class OnnxInferenceEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;
    private readonly float[] _input;
    private readonly OrtValue _inputValue;
    private readonly float[][] _outputs;
    private readonly OrtValue[] _outputValues;
    private readonly string[] _outputNames;
    private bool _disposed;

    private OnnxInferenceEngine(string path, InferenceSession session, string inputName, long[] inputShape, double loadMs)
    {
        ModelPath = path;
        _session = session;
        InputName = inputName;
        InputShape = inputShape;
        ModelLoadMs = loadMs;
        _runOptions = new RunOptions();
        _binding = session.CreateIoBinding();

        _input = GC.AllocateArray<float>(checked((int)Product(inputShape)), pinned: true);
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inputShape);
        _binding.BindInput(inputName, _inputValue);

        var names = new List<string>(session.OutputNames);
        _outputNames = names.ToArray();
        _outputs = new float[_outputNames.Length][];
        _outputValues = new OrtValue[_outputNames.Length];
        OutputShapes = new long[_outputNames.Length][];
        for (int i = 0; i < _outputNames.Length; i++)
        {
            var meta = session.OutputMetadata[_outputNames[i]];
            if (meta.ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"{path}: output '{_outputNames[i]}' is {meta.ElementDataType}; only float outputs are supported");
            long[] shape = ConcreteShape(meta.Dimensions, $"{path}: output '{_outputNames[i]}'");
            OutputShapes[i] = shape;
            _outputs[i] = GC.AllocateArray<float>(checked((int)Product(shape)), pinned: true);
            _outputValues[i] = OrtValue.CreateTensorValueFromMemory(_outputs[i], shape);
            _binding.BindOutput(_outputNames[i], _outputValues[i]);
        }
    }

    /// <summary>The model file.</summary>
    public string ModelPath { get; }
    /// <summary>The bound input's name.</summary>
    public string InputName { get; }
    /// <summary>The bound input's shape.</summary>
    public long[] InputShape { get; }
    /// <summary>Output names in binding order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;
    /// <summary>Output shapes in binding order.</summary>
    public long[][] OutputShapes { get; }
    /// <summary>Session creation and binding time, ms.</summary>
    public double ModelLoadMs { get; }
    /// <summary>Of <see cref="ModelLoadMs"/>, the time ONNX Runtime's library load and environment took (the first load of a process only; 0 after).</summary>
    public double RuntimeInitMs { get; private set; }
    /// <summary>The file the session was created from: the model, or its saved optimized form.</summary>
    public string LoadedFrom { get; private set; } = "";
    /// <summary>Whether ONNX Runtime's profiler is on for this session.</summary>
    public bool Profiling { get; private set; }
    /// <summary>Time of the first <see cref="Run"/>, ms (0 until it has run).</summary>
    public double FirstInferenceMs { get; private set; }

    /// <summary>
    /// Loads a model and binds it. The input named <paramref name="inputName"/> must be a float
    /// tensor whose shape, with a dynamic batch taken as 1, equals <paramref name="expectedInputShape"/>
    /// when that is given; otherwise the error names the file, the tensor and both shapes.
    /// </summary>
    public static OnnxInferenceEngine Load(string path, string inputName, long[]? expectedInputShape, OnnxSessionSettings? settings = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {path}", path);
        settings ??= new OnnxSessionSettings();
        long t0 = MonotonicClock.NowNs();
        // The first ORT call of a process loads libonnxruntime and creates its environment: timed apart, it is most of a small model's load.
        OrtEnv.Instance();
        double runtimeInitMs = (MonotonicClock.NowNs() - t0) / 1e6;
        string sessionPath = path;
        string? optimizedFrom = null;
        if (settings.OptimizedModelCacheDir is not null)
        {
            // A saved optimized model loads with graph optimizations off: that work was done once, when it was saved.
            sessionPath = OptimizedModelCache.Ensure(path, settings.OptimizedModelCacheDir, settings.OptimizedModelFormat, settings);
            optimizedFrom = path;
        }
        using var options = settings.CreateSessionOptions();
        if (optimizedFrom is not null) options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;

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
            if (!session.InputMetadata.TryGetValue(inputName, out var meta))
                throw new InvalidDataException($"{path}: the model has no input '{inputName}' (it has: {string.Join(", ", session.InputMetadata.Keys)})");
            if (session.InputMetadata.Count != 1)
                throw new InvalidDataException($"{path}: the model has {session.InputMetadata.Count} inputs; this engine binds exactly one");
            if (meta.ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"{path}: input '{inputName}' is {meta.ElementDataType}, not float");
            long[] shape = ConcreteShape(meta.Dimensions, $"{path}: input '{inputName}'");
            if (expectedInputShape is not null && !ShapesEqual(shape, expectedInputShape))
                throw new ModelShapeException(path, inputName, shape, expectedInputShape);
            var engine = new OnnxInferenceEngine(path, session, inputName, shape, (MonotonicClock.NowNs() - t0) / 1e6);
            engine.LoadedFrom = sessionPath;
            engine.RuntimeInitMs = runtimeInitMs;
            engine.Profiling = settings.ProfilePathPrefix is not null;
            return engine;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Span<float> Input => _input;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Output(int index) => _outputs[index];

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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
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
        _inputValue.Dispose();
        foreach (var v in _outputValues) v?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static long[] ConcreteShape(int[] dims, string what)
    {
        var shape = new long[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > 0) shape[i] = dims[i];
            else if (i == 0) shape[i] = 1; // a dynamic batch is bound as one frame
            else throw new InvalidDataException($"{what} has a dynamic dimension {i}; this engine needs static shapes");
        }
        return shape;
    }

    private static long Product(long[] shape)
    {
        long p = 1;
        foreach (long d in shape) p *= d;
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
