using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Components;

/// <summary>
/// <c>cascade</c>: a cheap model runs first, and the nodes this gate guards (the expensive model,
/// its preprocessing and decoder) run only when the cheap one is unsure or on every Nth frame.
/// The cheap model's score is its decoder's best detection score on the <c>cheap</c> input (0
/// with no detection; the cheap decoder's <c>score_threshold</c> must be at most <c>low</c>, or a
/// score in the band would read as none). Unsure: the score in [<c>low</c>, <c>high</c>]. With
/// <c>every</c> N (0: never) every Nth frame runs the expensive path whatever the score. A
/// <c>select</c> node downstream takes the expensive result on frames it ran and the cheap one
/// otherwise. Its figures count the frames run (warm-up included) by path: <c>cheap_sure_found</c>
/// (above the band), <c>cheap_sure_none</c> (below), <c>expensive_unsure</c>, <c>expensive_every</c>.
/// </summary>
public sealed class Cascade : GateNode, IApplicationMetrics
{
    private readonly float _low, _high;
    private readonly int _every;
    private readonly (string Source, string Field)? _configuredAt;
    private long _frame, _sureFound, _sureNone, _unsure, _forced;

    /// <summary>A cascade guarding <paramref name="guards"/>: unsure in [<paramref name="low"/>, <paramref name="high"/>], forced every <paramref name="every"/> frames (0: never).</summary>
    public Cascade(string name, string[] guards, float low, float high, int every, (string Source, string Field)? configuredAt = null) : base(name, Stage.Decode, guards)
    {
        if (!(low >= 0 && low <= high && high <= 1)) throw new ArgumentOutOfRangeException(nameof(low), "0 ≤ low ≤ high ≤ 1");
        if (every < 0) throw new ArgumentOutOfRangeException(nameof(every), "0 (never) or more");
        _low = low;
        _high = high;
        _every = every;
        _configuredAt = configuredAt;
        Cheap = Input<DetectionsPayload>("cheap", PayloadType.Detections());
    }

    /// <summary>The cheap model's decoded detections.</summary>
    public InputPort<DetectionsPayload> Cheap { get; }
    /// <summary>The last frame's cheap score (the best detection's, 0 with none).</summary>
    public float LastScore { get; private set; }
    /// <summary>Frames the cheap model was sure there was something (score above the band).</summary>
    public long CheapSureFound => _sureFound;
    /// <summary>Frames the cheap model was sure there was nothing (score below the band).</summary>
    public long CheapSureNone => _sureNone;
    /// <summary>Frames the expensive path ran because the cheap one was unsure.</summary>
    public long ExpensiveUnsure => _unsure;
    /// <summary>Frames the expensive path ran because it was the Nth frame.</summary>
    public long ExpensiveEvery => _forced;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        string[] guards = config.Texts("guards");
        int before = config.Problems.Count;
        double low = config.Number("low", 0, 1);
        double high = config.Number("high", 0, 1);
        if (config.Problems.Count == before && low > high) config.Problem("low", $"must be at most high ({high}), got {low}: the band would be empty");
        int every = config.Integer("every", 0, 100_000, 0);
        if (config.Problems.Count > 0) return null!;
        return new Cascade(name, guards, (float)low, (float)high, every, (context.Source, config.Field));
    }

    /// <inheritdoc/>
    public override void Start()
    {
        // A cheap decoder that drops scores above low would read an unsure frame as a sure "none".
        if (Cheap.Source?.Node is SsdAnchorDecoderNode d && d.ScoreThreshold > _low)
        {
            string why = $"is {_low}, below the score_threshold {d.ScoreThreshold} of the cheap decoder '{d.Name}' (scores under it read as no detection, so the band would never be seen); lower that threshold to at most low";
            if (_configuredAt is { } at) throw new Profiles.ProfileException(at.Source, [$"{at.Field}.low: {why}"]);
            throw new InvalidOperationException($"node '{Name}': low {why}");
        }
    }

    /// <inheritdoc/>
    public override void Process()
    {
        ReadOnlySpan<Detection> d = Cheap.Payload.Current;
        float best = 0;
        for (int i = 0; i < d.Length; i++) if (d[i].Score > best) best = d[i].Score;
        LastScore = best;
        bool open;
        if (best >= _low && best <= _high) { open = true; _unsure++; }
        else if (_every > 0 && _frame % _every == 0) { open = true; _forced++; }
        else
        {
            open = false;
            if (best > _high) _sureFound++;
            else _sureNone++;
        }
        _frame++;
        IsOpen = open;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("cheap_sure_found", _sureFound);
        report.Add("cheap_sure_none", _sureNone);
        report.Add("expensive_unsure", _unsure);
        report.Add("expensive_every", _forced);
        if (_frame > 0) report.Add("expensive_ratio", Math.Round((double)(_unsure + _forced) / _frame, 4));
    }

    /// <inheritdoc/>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_frame == 0) return;
        long expensive = _unsure + _forced;
        metrics.AddSummaryLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Cascade '{Name}': the expensive path ran {expensive} of {_frame} frames ({100.0 * expensive / _frame:0.#}%: {_unsure} unsure in [{_low}, {_high}], {_forced} every {_every}); the cheap one sufficed {_sureFound} found, {_sureNone} none"));
    }
}
