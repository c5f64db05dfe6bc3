using System;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>vad-probability</c>: a voice-activity model's speech probability (Silero VAD: <c>output</c>
/// float32 [1,1]) as a <see cref="ValuePayload{T}"/> of float in [0, 1]; a value that is not a
/// number in that range is clamped, and counted. Config: <c>shape</c> (the output's shape; default
/// [1, 1]), <c>index</c> (which element; default 0), <c>threshold</c> (only for the report's count of
/// speech chunks; default 0.5). The probability is the frame's figure (<see cref="IFrameMetric"/>: the report's per-frame demo metric).
/// </summary>
public sealed class VadProbability : Node, IFrameMetric
{
    private readonly int _index;
    private readonly float _threshold;
    private long _frames, _speech, _invalid;
    private double _sum;
    private float _max;

    /// <summary>A decoder of element <paramref name="index"/> of a float32 tensor of <paramref name="shape"/>.</summary>
    public VadProbability(string name, int[] shape, int index = 0, float threshold = 0.5f) : base(name, NodeRole.Transform, Pipeline.Stage.Decode)
    {
        long elements = 1;
        foreach (int d in shape) elements *= d;
        if (index < 0 || index >= elements) throw new ArgumentOutOfRangeException(nameof(index), $"element {index} is outside a tensor of {elements}");
        _index = index;
        _threshold = threshold;
        Scores = Input<TensorPayload>("tensor", PayloadType.Tensor(TensorElement.Float32, shape));
        Probability = Output("probability", new ValuePayload<float>());
    }

    /// <summary>The model's output.</summary>
    public InputPort<TensorPayload> Scores { get; }
    /// <summary>The speech probability.</summary>
    public OutputPort<ValuePayload<float>> Probability { get; }
    /// <summary>This frame's speech probability.</summary>
    public float FrameMetric => Probability.Payload.Value;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int[] shape = config.Has("shape") ? config.Integers("shape", 1, 1 << 20, 8) : [1, 1];
        int index = config.Integer("index", 0, int.MaxValue, 0);
        float threshold = (float)config.Number("threshold", 0, 1, 0.5);
        if (config.Problems.Count > 0) return null!;
        long elements = 1;
        foreach (int d in shape) elements *= d;
        if (index >= elements) { config.Problem("index", $"must be below the tensor's {elements} elements, got {index}"); return null!; }
        return new VadProbability(name, shape, index, threshold);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        TensorPayload t = Scores.Payload;
        float p = t.Floats[_index];
        if (!(p >= 0f && p <= 1f))
        {
            _invalid++;
            p = p > 1f ? 1f : 0f; // NaN and negatives read as silence
        }
        Probability.Payload.Value = p;
        Probability.Payload.CaptureNs = t.CaptureNs;
        _frames++;
        _sum += p;
        if (p > _max) _max = p;
        if (p >= _threshold) _speech++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("chunks", _frames);
        report.Add("speech_chunks", _speech);
        report.Add("mean_probability", _frames > 0 ? _sum / _frames : 0);
        report.Add("max_probability", _max);
        report.Add("invalid_values", _invalid);
    }
}
