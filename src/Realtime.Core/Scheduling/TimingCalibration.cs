using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Core.Scheduling;

/// <summary>Turns a calibration run's frame records into a loop's entry in a timing file.</summary>
public static class TimingCalibration
{
    /// <summary>The per-frame exceedance probability pWCETs are stated at: once in a billion frames (about 9 years at 30 Hz).</summary>
    public const double PerFrameExceedance = 1e-9;

    /// <summary><see cref="StageTiming.PwcetMethod"/> of a pWCET from <see cref="Pwcet"/> (a Gumbel over block maxima).</summary>
    public const string BlockMaxima = "block-maxima";

    /// <summary><see cref="StageTiming.PwcetMethod"/> of a pWCET from <see cref="PeaksOverThreshold"/> (a generalized Pareto over the excesses).</summary>
    public const string PeaksOverThresholdMethod = "peaks-over-threshold";

    /// <summary>
    /// The times of <paramref name="records"/>' counted frames (warm-up and source-fault frames left out),
    /// a frame's from its release to actuation and each stage's, with a pWCET where there are enough.
    /// </summary>
    public static LoopTiming Measure(string name, ReadOnlySpan<FrameRecord> records, double rateHz, long deadlineUs)
    {
        var frame = new List<long>(records.Length);
        var stages = new List<long>[ProfileLoader.StageNames.Length];
        for (int s = 0; s < stages.Length; s++) stages[s] = new List<long>(records.Length);
        foreach (ref readonly var r in records)
        {
            if ((r.Flags & (FrameFlags.Warmup | FrameFlags.SourceFault)) != 0) continue;
            frame.Add(r.ActuateEndNs - r.StartNs);
            for (int s = 0; s < stages.Length; s++)
                if (!r.StageSkipped(s)) stages[s].Add(r.StageNs(s)); // a stage a gate skipped has no time
        }
        var loop = new LoopTiming { Name = name, RateHz = rateHz, DeadlineUs = deadlineUs, Frame = Summarise("frame", frame, rateHz) };
        for (int s = 0; s < stages.Length; s++) loop.Stages.Add(Summarise(ProfileLoader.StageNames[s], stages[s], rateHz));
        return loop;
    }

    /// <summary>Percentiles, maximum and pWCET of <paramref name="ns"/> (in run order).</summary>
    public static StageTiming Summarise(string name, List<long> ns, double rateHz)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var t = new StageTiming { Name = name, Samples = ns.Count };
        if (ns.Count == 0) return t;
        var sorted = ns.ToArray();
        Array.Sort(sorted);
        t.P50Us = Percentiles.NearestRank(sorted, 50) / 1000.0;
        t.P99Us = Percentiles.NearestRank(sorted, 99) / 1000.0;
        t.P999Us = Percentiles.NearestRank(sorted, 99.9) / 1000.0;
        t.MaxUs = sorted[^1] / 1000.0;
        var us = new double[ns.Count];
        for (int i = 0; i < us.Length; i++) us[i] = ns[i] / 1000.0;
        // Both branches of extreme-value theory; admission takes the larger (the safe side: block maxima
        // assume an exponential tail, which a heavy one, a fitted shape above 0, outgrows).
        if (Pwcet.Estimate(us, PerFrameExceedance, rateHz) is { } e)
        {
            t.PwcetUs = t.BlockMaximaPwcetUs = Math.Round(e.ValueNs, 3);
            t.PwcetMethod = BlockMaxima;
            t.PwcetPerFrameExceedance = e.PerFrameExceedance;
            t.PwcetPerHourExceedance = e.PerHourExceedance;
            t.BlockSize = e.BlockSize;
            t.Blocks = e.Blocks;
            t.GumbelLocationUs = Math.Round(e.Fit.Location, 3);
            t.GumbelScaleUs = Math.Round(e.Fit.Scale, 3);
        }
        if (PeaksOverThreshold.Estimate(us, PerFrameExceedance, rateHz) is { } pot)
        {
            // A shape of 1/2 or more (an infinite variance) is outside the moments fit's range: its shape is
            // kept, to be seen, its figure is not a pWCET.
            if (pot.Fit.Shape < PeaksOverThreshold.MaxShape) t.PotPwcetUs = Math.Round(pot.ValueNs, 3);
            t.PotThresholdUs = Math.Round(pot.ThresholdNs, 3);
            t.PotExceedances = pot.Exceedances;
            t.PotShape = Math.Round(pot.Fit.Shape, 4);
            t.PotScaleUs = Math.Round(pot.Fit.Scale, 3);
            if (t.PotPwcetUs is double potUs && (t.PwcetUs is not double bm || potUs > bm))
            {
                t.PwcetUs = t.PotPwcetUs;
                t.PwcetMethod = PeaksOverThresholdMethod;
                t.PwcetPerFrameExceedance = pot.PerFrameExceedance;
                t.PwcetPerHourExceedance = pot.PerHourExceedance;
            }
        }
        return t;
    }
}
