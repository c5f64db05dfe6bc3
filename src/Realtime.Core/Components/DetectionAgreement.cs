using System;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Components;

/// <summary>
/// <c>detection-agreement</c>: the accuracy a gate or cascade costs, measured in the run: its
/// <c>detections</c> (the gated or cascaded result, held or cheap on some frames) against
/// <c>reference</c> (the full model on every frame, an unguarded branch of the same graph), frame
/// by frame, in the variant table's terms: the best box of each, <c>both_found</c>,
/// <c>only_reference</c> (missed), <c>only_detections</c> (a false or stale one), <c>neither</c>,
/// <c>presence_agreement_pct</c>, and over the frames both found something the IoU p50 and mean
/// and <c>iou_at_least_half</c>. An audit: it costs the full model every frame, so a production
/// graph leaves the reference branch out. Counts every frame run, warm-up included.
/// </summary>
public sealed class DetectionAgreement : Node, IApplicationMetrics
{
    private const int Bins = 1000;
    // IoU histogram (0.001 wide): the median without keeping every frame's value.
    private readonly int[] _iouBins = new int[Bins + 1];
    private long _frames, _both, _onlyReference, _onlyDetections, _neither, _atLeastHalf;
    private double _iouSum;

    /// <summary>A comparison of two detection streams.</summary>
    public DetectionAgreement(string name) : base(name, NodeRole.Transform, Stage.Decode)
    {
        Detections = Input<DetectionsPayload>("detections", PayloadType.Detections());
        Reference = Input<DetectionsPayload>("reference", PayloadType.Detections());
    }

    /// <summary>The result under test.</summary>
    public InputPort<DetectionsPayload> Detections { get; }
    /// <summary>The full model's, every frame.</summary>
    public InputPort<DetectionsPayload> Reference { get; }

    /// <summary>The registry's factory (no settings).</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context) => new DetectionAgreement(name);

    /// <inheritdoc/>
    public override void Process()
    {
        _frames++;
        bool d = Best(Detections.Payload.Current, out FaceBox db), r = Best(Reference.Payload.Current, out FaceBox rb);
        if (d && r)
        {
            _both++;
            float iou = rb.IoU(in db);
            _iouSum += iou;
            _iouBins[(int)(Math.Clamp(iou, 0, 1) * Bins)]++;
            if (iou >= 0.5f) _atLeastHalf++;
        }
        else if (r) _onlyReference++;
        else if (d) _onlyDetections++;
        else _neither++;
    }

    private static bool Best(ReadOnlySpan<Detection> all, out FaceBox box)
    {
        box = default;
        int best = -1;
        for (int i = 0; i < all.Length; i++) if (best < 0 || all[i].Score > all[best].Score) best = i;
        if (best < 0) return false;
        box = new FaceBox { CenterX = all[best].CenterX, CenterY = all[best].CenterY, Width = all[best].Width, Height = all[best].Height, Score = all[best].Score };
        return true;
    }

    /// <summary>The median IoU over the frames both found something (NaN when none).</summary>
    public double IouP50
    {
        get
        {
            if (_both == 0) return double.NaN;
            long half = (_both + 1) / 2, seen = 0;
            for (int b = 0; b <= Bins; b++)
                if ((seen += _iouBins[b]) >= half) return (double)b / Bins;
            return 1;
        }
    }

    /// <summary>Frames both found something.</summary>
    public long BothFound => _both;
    /// <summary>Frames only the reference found something (a miss).</summary>
    public long OnlyReference => _onlyReference;
    /// <summary>Frames only the result under test did (a false or stale detection).</summary>
    public long OnlyDetections => _onlyDetections;
    /// <summary>Frames neither did.</summary>
    public long Neither => _neither;
    /// <summary>Frames both found something and the best boxes overlap by IoU ≥ 0.5.</summary>
    public long IouAtLeastHalf => _atLeastHalf;

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("frames", _frames);
        report.Add("both_found", _both);
        report.Add("only_reference", _onlyReference);
        report.Add("only_detections", _onlyDetections);
        report.Add("neither", _neither);
        report.Add("iou_at_least_half", _atLeastHalf);
        if (_frames > 0) report.Add("presence_agreement_pct", Math.Round(100.0 * (_both + _neither) / _frames, 2));
        if (_both > 0)
        {
            report.Add("iou_p50", IouP50);
            report.Add("iou_mean", Math.Round(_iouSum / _both, 4));
        }
    }

    /// <inheritdoc/>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_frames == 0) return;
        metrics.AddSummaryLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Agreement '{Name}' with the full model every frame: presence {100.0 * (_both + _neither) / _frames:0.#}% of {_frames} frames ({_onlyReference} missed, {_onlyDetections} extra), {(_both > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"IoU p50 {IouP50:0.000} over {_both} frames, {_atLeastHalf} at IoU ≥ 0.5") : "no frame where both found one, so no IoU")}"));
    }
}
