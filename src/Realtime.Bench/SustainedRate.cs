using System;
using System.Collections.Generic;

namespace Realtime.Bench;

/// <summary>One periodic run of the rate search.</summary>
public sealed class RateStep
{
    /// <summary>The loop's rate, Hz.</summary>
    public double RateHz { get; set; }
    /// <summary>The deadline used: the profile's, or the period when that is shorter, µs.</summary>
    public long DeadlineUs { get; set; }
    /// <summary>Counted frames.</summary>
    public int Frames { get; set; }
    /// <summary>Frames over the deadline.</summary>
    public int DeadlineMisses { get; set; }
    /// <summary>Periods skipped because the loop fell behind.</summary>
    public long DroppedFrames { get; set; }
    /// <summary>End-to-end p99, µs.</summary>
    public double EndToEndP99Us { get; set; }
    /// <summary>End-to-end p50, µs.</summary>
    public double EndToEndP50Us { get; set; }
    /// <summary>A pipelined loop's stage groups in this run: each thread as the kernel reported it, its frames, bytes and drops; null on one thread.</summary>
    public List<Realtime.Core.Reporting.PipelineGroupReport>? Pipeline { get; set; }
    /// <summary>Whether the loop kept the rate: every counted frame ran and none missed its deadline.</summary>
    public bool Sustained { get; set; }
}

/// <summary>What <c>rtapp bench --sustained-rate</c> found.</summary>
public sealed class SustainedRateReport
{
    /// <summary>The board.</summary>
    public string Board { get; set; } = "";
    /// <summary>The demo.</summary>
    public string Demo { get; set; } = "";
    /// <summary>The highest rate tried that the loop sustained (0: none).</summary>
    public double SustainedRateHz { get; set; }
    /// <summary>The lowest rate tried that it did not (0: every rate tried was sustained).</summary>
    public double FailedRateHz { get; set; }
    /// <summary>The upper bound the search started from: the model alone, back to back, Hz.</summary>
    public double ModelAloneRateHz { get; set; }
    /// <summary>The rule a step passes by, in words.</summary>
    public string Rule { get; set; } = "";
    /// <summary>Every run, in the order tried.</summary>
    public List<RateStep> Steps { get; set; } = new();
    /// <summary>Stage groups on threads of their own (<c>app.pipeline</c>); 1: the loop on one thread.</summary>
    public int PipelineGroups { get; set; } = 1;
    /// <summary>End-to-end p50 at the sustained rate, µs (0: none sustained).</summary>
    public double EndToEndP50Us { get; set; }
    /// <summary>
    /// A pipelined profile's same search with the loop on one thread, run first in the same
    /// invocation (same machine, same load) for the ratios below; null for a loop on one thread.
    /// </summary>
    public SustainedRateReport? SingleThread { get; set; }
    /// <summary>Sustained rate pipelined over sustained rate on one thread.</summary>
    public double? RateRatio { get; set; }
    /// <summary>End-to-end p50 pipelined (at its sustained rate) over one thread's (at its own).</summary>
    public double? EndToEndP50Ratio { get; set; }
    /// <summary>The machine's 1-minute load average at the start and the end of the search (/proc/loadavg).</summary>
    public double[] LoadAverage1m { get; set; } = System.Array.Empty<double>();
}

/// <summary>
/// Finds the highest rate at which a periodic loop keeps every deadline: the profile's rate is tried
/// first, then the interval between the best rate sustained and the lowest one failed (or the
/// model-alone bound) is halved geometrically until the two are within <c>resolution</c> or the
/// steps run out. Each step is a fresh periodic run, so each answer is measured, not inferred.
/// </summary>
public static class SustainedRateSearch
{
    /// <summary>Runs the search; <paramref name="runAt"/> runs the loop periodically at a rate and reports the step.</summary>
    /// <param name="startHz">The first rate to try (the profile's).</param>
    /// <param name="upperBoundHz">A rate the loop cannot exceed (the model alone back to back).</param>
    /// <param name="maxSteps">Runs at most.</param>
    /// <param name="resolution">Stop when failed / sustained is below 1 + this (0.05: within 5 %).</param>
    /// <param name="runAt">One periodic run.</param>
    public static (double Sustained, double Failed, List<RateStep> Steps) Search(double startHz, double upperBoundHz, int maxSteps, double resolution, Func<double, RateStep> runAt)
    {
        if (!(startHz > 0) || !(upperBoundHz > 0)) throw new ArgumentOutOfRangeException(nameof(startHz), "rates must be positive");
        var steps = new List<RateStep>();
        double lo = 0, hi = 0;
        double rate = Math.Min(startHz, upperBoundHz);
        for (int i = 0; i < maxSteps; i++)
        {
            var step = runAt(rate);
            steps.Add(step);
            if (step.Sustained) lo = Math.Max(lo, rate);
            else hi = hi == 0 ? rate : Math.Min(hi, rate);
            double top = hi > 0 ? hi : upperBoundHz;
            if (lo > 0 && top / lo < 1 + resolution) break;
            if (lo == 0) rate /= 2;                          // nothing kept yet: halve
            else rate = Math.Sqrt(lo * top);                 // between the best kept and the first lost (or the bound)
        }
        return (lo, hi, steps);
    }
}
