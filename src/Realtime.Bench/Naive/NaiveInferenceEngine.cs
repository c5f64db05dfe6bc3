using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Pipeline;
using Realtime.Onnx;

namespace Realtime.Bench.Naive;

/// <summary>
/// The inference a newcomer writes, kept on purpose for comparison (<c>rtapp bench --compare naive</c>):
/// every frame copies the input into a new <see cref="DenseTensor{T}"/>, wraps it in a
/// <see cref="NamedOnnxValue"/> in a new list, calls the convenience <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/>
/// and copies each output into a new array. The session has the same settings as the optimized
/// engine's (threads, no spinning), so what differs is only how the model is called.
/// </summary>
public sealed class NaiveInferenceEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly int[] _dims;
    private readonly float[] _input;
    private readonly string[] _outputNames;
    private float[][] _outputs;

    /// <summary>A session over <paramref name="modelPath"/> with the input and outputs <paramref name="like"/> binds.</summary>
    public NaiveInferenceEngine(string modelPath, OnnxInferenceEngine like, OnnxSessionSettings settings)
    {
        using var options = settings.CreateSessionOptions();
        _session = new InferenceSession(modelPath, options);
        _inputName = like.InputName;
        _dims = Array.ConvertAll(like.InputShape, d => (int)d);
        _input = new float[like.Input.Length];
        _outputNames = new string[like.OutputNames.Count];
        for (int i = 0; i < _outputNames.Length; i++) _outputNames[i] = like.OutputNames[i];
        _outputs = new float[_outputNames.Length][];
        for (int i = 0; i < _outputs.Length; i++) _outputs[i] = new float[like.Output(i).Length];
    }

    /// <inheritdoc/>
    public Span<float> Input => _input;

    /// <inheritdoc/>
    public void Run()
    {
        var tensor = new DenseTensor<float>(_input.ToArray(), _dims);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(_inputName, tensor) };
        using var results = _session.Run(inputs);
        var outputs = new float[_outputNames.Length][];
        foreach (var r in results)
        {
            int i = Array.IndexOf(_outputNames, r.Name);
            if (i >= 0) outputs[i] = r.AsTensor<float>().ToArray();
        }
        _outputs = outputs;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Output(int index) => _outputs[index];

    /// <inheritdoc/>
    public int OutputIndex(string name) => Array.IndexOf(_outputNames, name);

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}

/// <summary>Preprocessing as a newcomer writes it: into a new array every frame, then copied where it goes.</summary>
public sealed class NaivePreprocessor : IPreprocessor
{
    private readonly IPreprocessor _inner;

    /// <summary>Wraps the real pass (the same arithmetic, so the comparison is about memory, not maths).</summary>
    public NaivePreprocessor(IPreprocessor inner) => _inner = inner;

    /// <inheritdoc/>
    public void Process(FrameBuffer frame, Span<float> tensor)
    {
        var fresh = new float[tensor.Length];
        _inner.Process(frame, fresh);
        fresh.CopyTo(tensor);
    }
}
