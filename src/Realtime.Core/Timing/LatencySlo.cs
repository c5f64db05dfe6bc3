using System;
using System.Globalization;

namespace Realtime.Core.Timing;

/// <summary>
/// A latency objective such as <c>p99.9&lt;=15ms</c>: a nearest-rank percentile (p followed by a
/// number between 0 and 100) or <c>max</c>, <c>&lt;=</c> or <c>&lt;</c>, and a limit in us (µs), ms or s.
/// A percentile passes when the run meets it and LoadGen's early-stopping rule
/// (<see cref="EarlyStopping"/>) says the run has frames enough to claim it; <c>max</c> is a fact of
/// the run and needs no sample size.
/// </summary>
public sealed class LatencySlo
{
    private LatencySlo(string text, double? percentile, bool strict, long limitNs)
    {
        Text = text;
        Percentile = percentile;
        Strict = strict;
        LimitNs = limitNs;
    }

    /// <summary>The objective as written (spaces removed).</summary>
    public string Text { get; }
    /// <summary>The percentile (0..100), or null for the maximum.</summary>
    public double? Percentile { get; }
    /// <summary>Whether the limit itself is over (<c>&lt;</c>) rather than allowed (<c>&lt;=</c>).</summary>
    public bool Strict { get; }
    /// <summary>The limit, ns.</summary>
    public long LimitNs { get; }

    /// <summary>Parses <paramref name="text"/>; null with <paramref name="error"/> saying what is wrong.</summary>
    public static LatencySlo? Parse(string? text, out string? error)
    {
        const string Form = "an objective such as p99.9<=15ms, p99<2.5ms or max<20ms (p0-p100 or max; <= or <; us, ms or s)";
        string s = (text ?? "").Replace(" ", "", StringComparison.Ordinal);
        int op = s.IndexOf('<');
        if (op <= 0) { error = $"{Form}; got '{text}'"; return null; }
        string left = s[..op];
        bool strict = !(op + 1 < s.Length && s[op + 1] == '=');
        string right = s[(op + (strict ? 1 : 2))..];
        double? percentile;
        if (left.Equals("max", StringComparison.OrdinalIgnoreCase)) percentile = null;
        else if (left.Length > 1 && (left[0] == 'p' || left[0] == 'P')
            && double.TryParse(left[1..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double p))
        {
            if (!(p > 0 && p < 100)) { error = $"the percentile must be between 0 and 100 (p99.9, not p999); got '{left}'"; return null; }
            percentile = p;
        }
        else { error = $"{Form}; '{left}' is neither p<number> nor max"; return null; }

        int unitAt = right.Length;
        while (unitAt > 0 && char.IsLetter(right[unitAt - 1])) unitAt--;   // µ is a letter too
        string number = right[..unitAt], unit = right[unitAt..];
        double scale = unit switch { "us" or "µs" => 1e3, "ms" => 1e6, "s" => 1e9, _ => 0 };
        if (scale == 0) { error = $"{Form}; the limit '{right}' needs a unit: us, ms or s"; return null; }
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !(value > 0) || value * scale > 1e15)
        {
            error = $"{Form}; the limit '{right}' is not a positive time";
            return null;
        }
        error = null;
        return new LatencySlo(s, percentile, strict, (long)Math.Round(value * scale));
    }

    /// <summary>Whether a latency is over the limit.</summary>
    public bool IsOver(long valueNs) => Strict ? valueNs >= LimitNs : valueNs > LimitNs;

    /// <summary>Judges the run's latencies (ns, any order; not modified).</summary>
    public SloVerdict Evaluate(ReadOnlySpan<long> samplesNs)
    {
        long n = samplesNs.Length, over = 0;
        foreach (long v in samplesNs) if (IsOver(v)) over++;
        var verdict = new SloVerdict { Objective = Text, Frames = n, OverLimit = over, LimitUs = LimitNs / 1000.0 };
        if (n == 0)
        {
            verdict.Outcome = SloOutcome.TooFew;
            verdict.FramesNeeded = Percentile is double p0 ? EarlyStopping.FramesNeeded(0, p0) : 1;
            verdict.Explanation = "no frame was measured";
            return verdict;
        }
        var sorted = samplesNs.ToArray();
        Array.Sort(sorted);
        if (Percentile is not double p)
        {
            verdict.ObservedUs = sorted[^1] / 1000.0;
            verdict.Outcome = over == 0 ? SloOutcome.Met : SloOutcome.Missed;
            verdict.Explanation = over == 0 ? "no frame over the limit" : $"{over} of {n} frames over the limit";
            return verdict;
        }
        verdict.ObservedUs = Percentiles.NearestRank(sorted, p) / 1000.0;
        if (IsOver(Percentiles.NearestRank(sorted, p)))
        {
            verdict.Outcome = SloOutcome.Missed;
            verdict.Explanation = $"{over} of {n} frames over the limit: more than the {(100 - p).ToString("0.###", CultureInfo.InvariantCulture)}% p{p.ToString(CultureInfo.InvariantCulture)} allows";
            return verdict;
        }
        verdict.FramesNeeded = EarlyStopping.FramesNeeded(over, p);
        if (EarlyStopping.Established(n, over, p))
        {
            verdict.Outcome = SloOutcome.Met;
            verdict.Explanation = $"{over} of {n} frames over the limit; LoadGen's early-stopping rule establishes it at 99% confidence (it needs {verdict.FramesNeeded} frames with {over} over)";
        }
        else
        {
            verdict.Outcome = SloOutcome.TooFew;
            verdict.Explanation = $"{over} of {n} frames over the limit, but {n} frames are too few to claim p{p.ToString(CultureInfo.InvariantCulture)} at 99% confidence (LoadGen's early-stopping rule): " +
                $"at least {verdict.FramesNeeded} frames are needed with {over} over";
        }
        return verdict;
    }
}

/// <summary>What an objective's judgement came to.</summary>
public enum SloOutcome
{
    /// <summary>Met, with frames enough to claim it.</summary>
    Met,
    /// <summary>The run did not meet it.</summary>
    Missed,
    /// <summary>The run met it, with too few frames to claim the percentile.</summary>
    TooFew,
}

/// <summary>An objective's judgement of a run (the report's <c>slo</c> object).</summary>
public sealed class SloVerdict
{
    /// <summary>The objective, as written.</summary>
    public string Objective { get; set; } = "";
    /// <summary>The limit, µs.</summary>
    public double LimitUs { get; set; }
    /// <summary>met, missed or too-few.</summary>
    public string Result => Outcome switch { SloOutcome.Met => "met", SloOutcome.Missed => "missed", _ => "too-few" };
    /// <summary>The outcome.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SloOutcome Outcome { get; set; }
    /// <summary>The run's figure (the percentile, or the maximum), µs.</summary>
    public double ObservedUs { get; set; }
    /// <summary>Frames judged.</summary>
    public long Frames { get; set; }
    /// <summary>Frames over the limit.</summary>
    public long OverLimit { get; set; }
    /// <summary>Frames the early-stopping rule needs with this many over (null for max, or when missed).</summary>
    public long? FramesNeeded { get; set; }
    /// <summary>The judgement, in words.</summary>
    public string Explanation { get; set; } = "";
}
