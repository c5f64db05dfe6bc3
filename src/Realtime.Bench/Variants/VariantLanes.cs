using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Bench.Variants;

/// <summary>
/// The lanes of a variant ladder: each variant is the same application built from the profile with
/// its override list (<see cref="VariantSpec.SetsFor"/>), an <see cref="ApplicationTarget"/> like every
/// other bench lane; the lanes run single-stream, two taking turns block by block so they share the
/// machine's moods, and the figures come from what each graph computed, frame by frame.
/// </summary>
public static class VariantLanes
{
    /// <summary>Runs every lane's warm-up and counted frames (two: in turns of <see cref="BenchDriver.BlockFrames"/> frames; otherwise one after the other).</summary>
    public static BenchRun[] Run(IReadOnlyList<ApplicationTarget> lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 2)
        {
            var (first, second) = new BenchDriver().RunPair(lanes[0].Application.Loop, lanes[1].Application.Loop);
            return new[] { first, second };
        }
        var runs = new BenchRun[lanes.Count];
        for (int i = 0; i < lanes.Count; i++) runs[i] = lanes[i].Run(BenchScenario.SingleStream, 0);
        return runs;
    }

    /// <summary>The counted frames of a lane's run; a lane that faulted or ended early is an error naming the variant.</summary>
    public static ReadOnlySpan<FrameRecord> Counted(VariantSpec spec, BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Fault is not null) throw new InvalidOperationException($"variant {spec.Name}: the loop faulted: {run.Fault.Message}", run.Fault);
        if (run.CountedFrames != run.Options.Frames)
            throw new InvalidOperationException($"variant {spec.Name}: ran {run.CountedFrames} of its {run.Options.Frames} frames ({run.Outcome})");
        return run.Records.AsSpan(run.WarmupFrames, run.CountedFrames);
    }

    /// <summary>A lane's row: its model and the stages' latencies from the loop's own stamps over the counted frames.</summary>
    public static VariantResult Row(VariantSpec spec, ApplicationTarget lane, BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(lane);
        var records = Counted(spec, run);
        var pp = new long[records.Length];
        var inf = new long[records.Length];
        var dec = new long[records.Length];
        var total = new long[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            pp[i] = r.PreprocessEndNs - r.CaptureEndNs;
            inf[i] = r.InferEndNs - r.PreprocessEndNs;
            dec[i] = r.DecodeEndNs - r.InferEndNs;
            total[i] = pp[i] + inf[i] + dec[i];
        }
        return new VariantResult
        {
            Name = spec.Name,
            Description = spec.Description,
            Model = Path.GetFileName(lane.Model.Path),
            ModelBytes = new FileInfo(lane.Model.Path).Length,
            InputSize = spec.InputSize,
            ModelLoadMs = Math.Round(lane.ModelLoadMs - lane.RuntimeInitMs, 2),
            Preprocess = Percentiles.Summarize(pp),
            Infer = Percentiles.Summarize(inf),
            Decode = Percentiles.Summarize(dec),
            Total = Percentiles.Summarize(total),
        };
    }
}
