using System;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>top-k</c>: a classifier's scores (float32 of the configured <c>shape</c>, flattened: one per
/// class) into the <c>k</c> best classes, best first, as <see cref="DetectionsPayload"/> entries
/// whose box is the whole image and whose <see cref="Detection.Class"/> is the class index. Config:
/// <c>shape</c> (required), <c>k</c> (1..64; default 5), <c>activation</c> (<c>none</c>: the scores
/// as they are; <c>softmax</c> over all classes; <c>sigmoid</c> per class; default none),
/// <c>min_score</c> (after the activation; default: none). A score that is not a number is skipped.
/// </summary>
public sealed class TopK : Node
{
    /// <summary>How scores become probabilities.</summary>
    public enum Activation
    {
        /// <summary>Scores as they are.</summary>
        None,
        /// <summary>Softmax over all classes.</summary>
        Softmax,
        /// <summary>Sigmoid per class.</summary>
        Sigmoid,
    }

    private readonly int _k;
    private readonly Activation _activation;
    private readonly float _minScore;
    private readonly int _classes;
    private long _frames, _empty;

    /// <summary>The <paramref name="k"/> best of a float32 tensor of <paramref name="shape"/>.</summary>
    public TopK(string name, int[] shape, int k, Activation activation = Activation.None, float minScore = float.NegativeInfinity)
        : base(name, NodeRole.Transform, Pipeline.Stage.Decode)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long classes = 1;
        foreach (int d in shape) classes *= d;
        if (classes > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(shape), "too many classes");
        if (k < 1 || k > classes) throw new ArgumentOutOfRangeException(nameof(k), $"k must be 1 to the {classes} classes");
        _k = k;
        _classes = (int)classes;
        _activation = activation;
        _minScore = minScore;
        Scores = Input<TensorPayload>("scores", PayloadType.Tensor(TensorElement.Float32, shape));
        Classes = Output("classes", new DetectionsPayload(k));
    }

    /// <summary>The classifier's output.</summary>
    public InputPort<TensorPayload> Scores { get; }
    /// <summary>The best classes.</summary>
    public OutputPort<DetectionsPayload> Classes { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int[] shape = config.Integers("shape", 1, 1 << 24, 8);
        int k = config.Integer("k", 1, 64, 5);
        string act = config.Text("activation", "none", "none", "softmax", "sigmoid");
        float min = config.Has("min_score") ? (float)config.Number("min_score", -1e9, 1e9) : float.NegativeInfinity;
        if (config.Problems.Count > 0) return null!;
        long classes = 1;
        foreach (int d in shape) classes *= d;
        if (classes > 1 << 24) { config.Problem("shape", $"holds {classes} classes; at most {1 << 24}"); return null!; }
        if (k > classes) { config.Problem("k", $"must be at most the {classes} classes, got {k}"); return null!; }
        var a = act switch { "softmax" => Activation.Softmax, "sigmoid" => Activation.Sigmoid, _ => Activation.None };
        return new TopK(name, shape, k, a, min);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        ReadOnlySpan<float> s = Scores.Payload.Floats[.._classes];
        DetectionsPayload outp = Classes.Payload;
        Span<Detection> best = outp.Items;
        int n = 0;
        // Keeps the k highest raw scores (the activations are monotonic), best first.
        for (int c = 0; c < s.Length; c++)
        {
            float v = s[c];
            if (float.IsNaN(v)) continue;
            if (n == _k && v <= best[n - 1].Score) continue;
            int at = n < _k ? n++ : n - 1;
            while (at > 0 && best[at - 1].Score < v)
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = new Detection { CenterX = 0.5f, CenterY = 0.5f, Width = 1f, Height = 1f, Score = v, Class = c };
        }
        if (_activation == Activation.Softmax && n > 0)
        {
            float max = best[0].Score;
            double sum = 0;
            for (int c = 0; c < s.Length; c++)
                if (!float.IsNaN(s[c])) sum += Math.Exp(s[c] - max);
            for (int i = 0; i < n; i++) best[i].Score = (float)(Math.Exp(best[i].Score - max) / sum);
        }
        else if (_activation == Activation.Sigmoid)
        {
            for (int i = 0; i < n; i++) best[i].Score = 1f / (1f + MathF.Exp(-best[i].Score));
        }
        while (n > 0 && !(best[n - 1].Score >= _minScore)) n--;
        outp.Count = n;
        outp.CaptureNs = Scores.Payload.CaptureNs;
        _frames++;
        if (n == 0) _empty++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames", _frames);
        report.Add("frames_without_class", _empty);
    }
}
