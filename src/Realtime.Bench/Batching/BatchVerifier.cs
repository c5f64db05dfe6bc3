using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Timing;
using Realtime.Onnx;

namespace Realtime.Bench.Batching;

/// <summary>One output of the batch-N model against the batch-1 model's on the same frames.</summary>
/// <param name="Output">The output's name.</param>
/// <param name="MaxDifference">The largest absolute difference over every stream's slice.</param>
/// <param name="Scale">The largest absolute value of the batch-1 model's output (the difference is judged against it).</param>
/// <param name="Stream">The stream whose slice differed most.</param>
/// <param name="Equal">Whether every slice is within <see cref="BatchVerifier.RelativeTolerance"/> of the batch-1 output.</param>
public sealed record SliceCheck(string Output, double MaxDifference, double Scale, int Stream, bool Equal);

/// <summary>
/// The proof a batch-N model is the batch-1 model N times: frame k of N different frames goes in
/// slice k of one batch-N run and alone through the batch-1 model; every output's slice k must equal
/// the batch-1 output within <see cref="RelativeTolerance"/> of its scale (a batched kernel may sum in
/// another order, so bit equality is not asked).
/// </summary>
public static class BatchVerifier
{
    /// <summary>The largest difference allowed, relative to the output's largest magnitude (at least 1).</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Runs both engines (one input each, the same one) on <paramref name="frames"/> (as many as the batch) and compares every output.</summary>
    public static List<SliceCheck> Verify(OnnxInferenceEngine single, OnnxInferenceEngine batched, IReadOnlyList<float[]> frames)
    {
        ArgumentNullException.ThrowIfNull(single);
        ArgumentNullException.ThrowIfNull(batched);
        ArgumentNullException.ThrowIfNull(frames);
        int n = frames.Count;
        Span<float> input = MemoryMarshal.Cast<byte, float>(batched.InputBytes(0));
        int slice = single.InputBytes(0).Length / sizeof(float);
        if (input.Length != slice * n) throw new ArgumentException($"the batched input holds {input.Length} floats, not {n} frames of {slice}", nameof(frames));
        for (int k = 0; k < n; k++) frames[k].AsSpan(0, slice).CopyTo(input.Slice(k * slice, slice));
        batched.Run();

        var checks = new List<SliceCheck>(single.OutputNames.Count);
        var diff = new double[single.OutputNames.Count];
        var scale = new double[diff.Length];
        var worst = new int[diff.Length];
        for (int k = 0; k < n; k++)
        {
            frames[k].AsSpan(0, slice).CopyTo(MemoryMarshal.Cast<byte, float>(single.InputBytes(0)));
            single.Run();
            for (int o = 0; o < diff.Length; o++)
            {
                int j = batched.OutputIndex(single.OutputNames[o]);
                if (j < 0) throw new ArgumentException($"the batched model has no output '{single.OutputNames[o]}'", nameof(batched));
                ReadOnlySpan<byte> one = single.OutputBytes(o), all = batched.OutputBytes(j);
                if (all.Length != one.Length * n) throw new ArgumentException($"output '{single.OutputNames[o]}' holds {all.Length} bytes in the batch, not {n} × {one.Length}", nameof(batched));
                double d = Difference(single.OutputTypes[o], one, all.Slice(k * one.Length, one.Length), ref scale[o]);
                if (d > diff[o]) { diff[o] = d; worst[o] = k; }
            }
        }
        for (int o = 0; o < diff.Length; o++)
            checks.Add(new SliceCheck(single.OutputNames[o], diff[o], scale[o], worst[o], diff[o] <= RelativeTolerance * Math.Max(1, scale[o])));
        return checks;
    }

    // Float outputs by value (NaN against a number is a difference), any other type byte for byte.
    private static double Difference(TensorElementType type, ReadOnlySpan<byte> reference, ReadOnlySpan<byte> batched, ref double scale)
    {
        if (type != TensorElementType.Float) return reference.SequenceEqual(batched) ? 0 : double.PositiveInfinity;
        ReadOnlySpan<float> a = MemoryMarshal.Cast<byte, float>(reference), b = MemoryMarshal.Cast<byte, float>(batched);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs((double)a[i]));
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d)) d = float.IsNaN(a[i]) && float.IsNaN(b[i]) ? 0 : double.PositiveInfinity;
            if (d > max) max = d;
        }
        return max;
    }
}

/// <summary>
/// N streams' inference per period two ways, measured in the same run, rounds alternating which goes
/// first: N batch-1 calls one after another, against one batch-N call. A stream's frame is ready when
/// its call returns: in the N calls, stream k waits for k+1 of them; in the batch, every stream for the one.
/// </summary>
public sealed class BatchTiming
{
    /// <summary>The batch.</summary>
    public int Batch { get; init; }
    /// <summary>Counted rounds (periods) of each way.</summary>
    public int Rounds { get; init; }
    /// <summary>One batch-1 call (the first stream's frame latency).</summary>
    public required LatencySummary SingleCall { get; init; }
    /// <summary>N batch-1 calls: a period's inference, and the last stream's frame latency.</summary>
    public required LatencySummary SinglePeriod { get; init; }
    /// <summary>One batch-N call: a period's inference, and every stream's frame latency.</summary>
    public required LatencySummary BatchCall { get; init; }

    /// <summary>Frames per second of inference at the p50, N batch-1 calls.</summary>
    public double SingleFramesPerSecond => Batch / (SinglePeriod.P50Us / 1e6);
    /// <summary>Frames per second of inference at the p50, one batch-N call.</summary>
    public double BatchFramesPerSecond => Batch / (BatchCall.P50Us / 1e6);
    /// <summary>Throughput of the batch against the N calls (p50).</summary>
    public double ThroughputGain => SinglePeriod.P50Us / BatchCall.P50Us;
    /// <summary>A frame's inference latency batched against alone (p50): the cost a stream pays for the batch.</summary>
    public double LatencyCost => BatchCall.P50Us / SingleCall.P50Us;
    /// <summary>The last stream's frame latency batched against its place at the end of N calls (p50).</summary>
    public double LastStreamLatency => BatchCall.P50Us / SinglePeriod.P50Us;

    /// <summary>
    /// Times both ways, <paramref name="warmup"/> uncounted then <paramref name="rounds"/> counted rounds, on
    /// the frames already in the engines' inputs (the verification's). Allocates only the sample arrays, before the runs.
    /// </summary>
    public static BatchTiming Measure(OnnxInferenceEngine single, OnnxInferenceEngine batched, int batch, int rounds, int warmup)
    {
        ArgumentNullException.ThrowIfNull(single);
        ArgumentNullException.ThrowIfNull(batched);
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one round");
        var call = new long[rounds];
        var period = new long[rounds];
        var batchCall = new long[rounds];
        for (int r = -warmup; r < rounds; r++)
        {
            bool batchFirst = (r & 1) != 0;
            long b = 0;
            if (batchFirst) b = Time(batched);
            long first = 0, total = 0;
            for (int k = 0; k < batch; k++)
            {
                long t = Time(single);
                if (k == 0) first = t;
                total += t;
            }
            if (!batchFirst) b = Time(batched);
            if (r < 0) continue;
            call[r] = first;
            period[r] = total;
            batchCall[r] = b;
        }
        return new BatchTiming
        {
            Batch = batch, Rounds = rounds,
            SingleCall = Percentiles.Summarize(call), SinglePeriod = Percentiles.Summarize(period), BatchCall = Percentiles.Summarize(batchCall),
        };
    }

    private static long Time(OnnxInferenceEngine engine)
    {
        long t0 = MonotonicClock.NowNs();
        engine.Run();
        return MonotonicClock.NowNs() - t0;
    }
}
