using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Bench;

/// <summary>Sizes a bench run that is asked for by duration rather than frame count.</summary>
public static class BenchPlanner
{
    /// <summary>Most frame records one run holds (about 90 MB of records).</summary>
    public const int MaxFrames = 1_000_000;

    /// <summary>
    /// Frames to allocate records for so that a run of <paramref name="durationS"/> seconds fits: the
    /// periodic scenario takes one frame per period; the others cannot run faster than the model
    /// alone, so the duration over <paramref name="modelAloneNs"/> (one inference, measured) bounds them.
    /// </summary>
    public static int FramesFor(double durationS, BenchScenario scenario, double rateHz, double modelAloneNs)
    {
        if (!(durationS > 0)) throw new ArgumentOutOfRangeException(nameof(durationS), "a duration must be positive");
        double frames = scenario == BenchScenario.Periodic
            ? Math.Ceiling(durationS * rateHz)
            : Math.Ceiling(durationS * 1e9 / Math.Max(1000, modelAloneNs));
        return (int)Math.Clamp(frames, 1, MaxFrames);
    }

    /// <summary>Mean time of <paramref name="runs"/> inferences after one warm-up run, ns (set-up only: not on the hot path).</summary>
    public static double ProbeNs(IInferenceEngine engine, int runs = 20)
    {
        engine.Run();
        long t0 = MonotonicClock.NowNs();
        for (int i = 0; i < runs; i++) engine.Run();
        return (MonotonicClock.NowNs() - t0) / (double)runs;
    }

    /// <summary>Parses a duration: seconds, or a number with s, m or ms; null when it is not one.</summary>
    public static double? ParseDuration(string text)
    {
        text = text.Trim();
        double scale = 1;
        if (text.EndsWith("ms", StringComparison.Ordinal)) { scale = 1e-3; text = text[..^2]; }
        else if (text.EndsWith('s')) text = text[..^1];
        else if (text.EndsWith('m')) { scale = 60; text = text[..^1]; }
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) || !(v > 0) || double.IsInfinity(v))
            return null;
        return v * scale;
    }
}
