using System;
using System.Numerics;
using System.Runtime.InteropServices;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Components;

/// <summary>
/// <c>change-gate</c>: between the preprocessing and the model, skips the nodes it guards (the
/// model, its decoder…) on a frame that has not changed: the mean absolute difference of its
/// float <c>tensor</c> input against the tensor of the last frame that ran (vectorised; with
/// <c>stride</c> N, one vector of every N is compared) below <c>threshold</c> holds the last
/// result. At most <c>max_skips</c> frames in a row are skipped (K): then the guarded nodes run
/// whatever the difference. The first frame always runs. Config: <c>guards</c> (node names),
/// <c>threshold</c> (in the tensor's units: [-1, 1] inputs differ by at most 2), <c>max_skips</c>
/// (1..10000), <c>stride</c> (1..64, default 1). Its figures count the frames run (warm-up
/// included) by path: <c>ran_changed</c>, <c>ran_at_max_skips</c>, <c>skipped</c>.
/// </summary>
public sealed class ChangeGate : GateNode, IApplicationMetrics
{
    private readonly float _threshold;
    private readonly int _maxSkips;
    private readonly int _stride;
    private float[] _reference = Array.Empty<float>();
    private bool _primed;
    private int _skipsInRow;
    private long _ranChanged, _ranForced, _skipped;

    /// <summary>A gate over <paramref name="guards"/>: skip when the difference is below <paramref name="threshold"/>, at most <paramref name="maxSkips"/> frames in a row.</summary>
    public ChangeGate(string name, string[] guards, float threshold, int maxSkips, int stride = 1) : base(name, Stage.Preprocess, guards)
    {
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), "a difference is at least 0");
        if (maxSkips < 1) throw new ArgumentOutOfRangeException(nameof(maxSkips), "at least 1 (0 would never skip)");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), "at least 1");
        _threshold = threshold;
        _maxSkips = maxSkips;
        _stride = stride;
        Tensor = Input<TensorPayload>("tensor", PayloadType.Tensor(TensorElement.Float32, null));
    }

    /// <summary>The preprocessed tensor the model reads.</summary>
    public InputPort<TensorPayload> Tensor { get; }
    /// <summary>The last frame's mean absolute difference (0 on the first frame).</summary>
    public float LastDifference { get; private set; }
    /// <summary>Frames the guarded nodes ran because the tensor changed (the first frame included).</summary>
    public long RanChanged => _ranChanged;
    /// <summary>Frames they ran because <c>max_skips</c> frames in a row had been skipped.</summary>
    public long RanAtMaxSkips => _ranForced;
    /// <summary>Frames they were skipped.</summary>
    public long Skipped => _skipped;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        string[] guards = config.Texts("guards");
        double threshold = config.Number("threshold", 0, 1000);
        int maxSkips = config.Integer("max_skips", 1, 10_000);
        int stride = config.Integer("stride", 1, 64, 1);
        if (config.Problems.Count > 0) return null!;
        return new ChangeGate(name, guards, (float)threshold, maxSkips, stride);
    }

    /// <inheritdoc/>
    public override void Start()
    {
        int n = Tensor.Payload.Floats.Length, w = Vector<float>.Count;
        int blocks = n / w;
        // The compared vectors, one of every stride, then the tail past the last whole vector.
        _reference = new float[(blocks + _stride - 1) / _stride * w + n % w];
    }

    /// <inheritdoc/>
    public override void Process()
    {
        ReadOnlySpan<float> x = Tensor.Payload.Floats;
        bool open;
        if (!_primed)
        {
            _primed = open = true;
            LastDifference = 0;
            _ranChanged++;
        }
        else
        {
            LastDifference = MeanAbsoluteDifference(x, _reference, _stride);
            if (LastDifference >= _threshold) { open = true; _ranChanged++; }
            else if (_skipsInRow >= _maxSkips) { open = true; _ranForced++; }
            else open = false;
        }
        IsOpen = open;
        if (open)
        {
            _skipsInRow = 0;
            Keep(x, _reference, _stride);
        }
        else
        {
            _skipsInRow++;
            _skipped++;
        }
    }

    /// <summary>Mean |x − reference| over the compared elements: one vector of every <paramref name="stride"/>, then the tail.</summary>
    public static float MeanAbsoluteDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, int stride)
    {
        int w = Vector<float>.Count, blocks = x.Length / w, r = 0;
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x[..(blocks * w)]);
        Vector<float> acc = Vector<float>.Zero;
        for (int b = 0; b < blocks; b += stride, r += w)
            acc += Vector.Abs(xv[b] - new Vector<float>(reference.Slice(r, w)));
        float sum = Vector.Sum(acc);
        for (int i = blocks * w; i < x.Length; i++, r++) sum += MathF.Abs(x[i] - reference[r]);
        return r == 0 ? 0 : sum / r;
    }

    private static void Keep(ReadOnlySpan<float> x, Span<float> reference, int stride)
    {
        int w = Vector<float>.Count, blocks = x.Length / w, r = 0;
        for (int b = 0; b < blocks; b += stride, r += w) x.Slice(b * w, w).CopyTo(reference.Slice(r, w));
        x[(blocks * w)..].CopyTo(reference[r..]);
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("ran_changed", _ranChanged);
        report.Add("ran_at_max_skips", _ranForced);
        report.Add("skipped", _skipped);
        long all = _ranChanged + _ranForced + _skipped;
        if (all > 0) report.Add("skip_ratio", Math.Round((double)_skipped / all, 4));
    }

    /// <inheritdoc/>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        long all = _ranChanged + _ranForced + _skipped;
        if (all == 0) return;
        metrics.AddSummaryLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Change gate '{Name}': skipped {_skipped} of {all} frames ({100.0 * _skipped / all:0.#}%), ran {_ranChanged} on a change and {_ranForced} at max_skips {_maxSkips}"));
    }
}
