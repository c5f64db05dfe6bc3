using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using Onnx;
using Realtime.Bench.Batching;
using Realtime.Bench.Quantization;
using Realtime.Bench.Sessions;
using Realtime.Core.Profiles;
using Realtime.Hosting;
using Realtime.Linux;
using Realtime.Onnx;

namespace Realtime.Bench.Commands;

/// <summary>
/// <c>rtapp batch MODEL.onnx --size N --out FILE.onnx</c>: a fixed-batch-N variant of a batch-1
/// model (<see cref="ModelBatcher"/>), verified on N different frames of the application's own
/// source against the batch-1 model (<see cref="BatchVerifier"/>; refused, exit 2, when a slice
/// differs), then N batch-1 calls timed against one batch-N call in the same run (<see cref="BatchTiming"/>).
/// An <c>onnx-model</c> node with <c>batch: N</c> runs the variant for N streams.
/// </summary>
internal sealed class BatchCommand : HostCommand
{
    /// <summary>Counted rounds of the timing when --runs is not given.</summary>
    public const int DefaultRuns = 200;

    /// <summary>Frames of the application run between two frames the verification takes, so they differ.</summary>
    private const int FrameStride = 5;

    /// <inheritdoc/>
    public override string Name => "batch";

    /// <inheritdoc/>
    public override string Description => "Make a fixed-batch-N variant of a batch-1 ONNX model, verify it slice by slice on the application's frames, and time it against N batch-1 calls.";

    /// <inheritdoc/>
    public override string? Notes => """
        The graph's inputs and outputs get a first dimension of N, each Reshape whose constant shape leads with 1
        leads with 0 (copy the batch), each ConstantOfShape whose constant shape leads with 1 leads with N. The variant is kept only when, for N different frames of the application of
        --board/--demo (its preprocessing writes them), every output's slice k equals the batch-1 model's output on
        frame k (within 1e-4 of the output's scale); otherwise it is deleted and the command exits 2 naming the output.
        An onnx-model node with "batch": N then takes N streams (ports PORT-0 .. PORT-(N-1)) in one run per period.
        Never a dynamic batch: the size is fixed when the variant is made.
        """;

    private readonly Argument<string> _modelArg = new("model") { Description = "The batch-1 ONNX model.", HelpName = "MODEL.onnx" };
    private readonly Option<int?> _size = HostOptions.Number("--size", 2, Realtime.Onnx.Components.OnnxModelNode.MaxBatch, "N", "The fixed batch (required).");
    private readonly Option<string> _out = HostOptions.Text("--out", "FILE.onnx", "Where the batch-N model goes (required).");
    private readonly Option<string> _board = HostOptions.Board("--board", "The board profile whose application gives the frames (default: sim).");
    private readonly Option<string> _demo = HostOptions.Text("--demo", "NAME", "The application whose frames verify the variant (default: the profile's); its model must take MODEL's input.");
    private readonly Option<string[]> _set = HostOptions.Repeated("--set", "key=value", "Override one profile field (repeatable).");
    private readonly Option<int?> _runs = HostOptions.Number("--runs", 1, 100_000, "N", $"Counted rounds of the timing (default: {DefaultRuns}).");
    private readonly Option<string> _assets = HostOptions.Text("--assets", "DIR", "The folder of models and videos.");
    private readonly Option<bool> _quiet = HostOptions.Flag("--quiet", "Print only the results.");

    /// <inheritdoc/>
    public override IReadOnlyList<Option> Options => new Option[] { _size, _out, _board, _demo, _set, _runs, _assets, _quiet };

    /// <inheritdoc/>
    public override IReadOnlyList<Argument> Arguments => new Argument[] { _modelArg };

    /// <inheritdoc/>
    public override int Execute(RealtimeHost host, ParseResult cl, long mainNs)
    {
        string modelPath = cl.GetValue(_modelArg)!;
        int size = cl.GetValue(_size) ?? throw new UsageException("--size N: the fixed batch");
        string outPath = cl.GetValue(_out) ?? throw new UsageException("--out FILE.onnx: where the batch-N model goes");
        BenchCommand.CheckReportPath("out", outPath);
        if (Path.GetFullPath(outPath) == Path.GetFullPath(modelPath)) throw new UsageException("--out: the batch-N model would overwrite the batch-1 one");
        int runs = cl.GetValue(_runs) ?? DefaultRuns;
        bool quiet = cl.GetValue(_quiet);
        string? assets = AssetLocator.Find(cl.GetValue(_assets));

        // The model is read and rewritten before any frame is read: a model that has no batch of 1 is one line, exit 2.
        BatchedModel batched;
        try { batched = ModelBatcher.Rewrite(OnnxModelFile.Read(modelPath), modelPath, size); }
        catch (InvalidDataException ex) { throw new ProfileException(modelPath, new[] { ProfileException.WithoutSource(ex.Message, modelPath) }); }

        var (p, source) = ProfileCatalog.Load(cl.GetValue(_board) ?? "sim", cl.GetValue(_set) ?? [], cl.GetValue(_demo), host);
        var application = host.ApplicationFor(p, source, cl.GetValue(_demo));
        var setup = new BenchCommand.Setup
        {
            Profile = p, ProfileSource = source, Assets = assets, Application = application, Board = cl.GetValue(_board) ?? "sim",
            Sets = cl.GetValue(_set) ?? [], DemoArg = cl.GetValue(_demo), Host = host, Quiet = quiet,
        };
        List<float[]> run;
        string appInput, demo;
        using (var app = (ApplicationTarget)BenchCommand.Build(setup, BenchScenario.SingleStream, size * FrameStride, 0, measureFloor: false))
        {
            demo = app.Demo;
            try { run = SessionBench.Tensors(app, size * FrameStride, out appInput); }
            catch (UsageException ex) { throw new UsageException($"--demo {ex.Message}"); }
        }
        var frames = new List<float[]>(size);
        for (int k = 0; k < size; k++) frames.Add(run[k * FrameStride]);
        for (int k = 1; k < size; k++)
            for (int j = 0; j < k; j++)
                if (frames[k].AsSpan().SequenceEqual(frames[j]))
                    throw new UsageException($"--demo: application '{demo}' gave the same frame twice (frames {j * FrameStride} and {k * FrameStride}); the batch is verified on different frames: choose an application whose source moves");

        using var single = Load(modelPath, 1);
        if (single.InputNames.Count != 1 || single.InputTypes[0] != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
            throw new ProfileException(modelPath, new[] { $"the batch is verified on models of one float32 input; this one has {single.InputNames.Count}: {string.Join(", ", single.InputNames)}" });
        if (single.InputNames[0] != appInput || single.InputBytes(0).Length != frames[0].Length * sizeof(float))
            throw new ProfileException(modelPath, new[] { $"input '{single.InputNames[0]}' {ModelBatcher.Shape(single.InputShapes[0])} is not what application '{demo}' feeds ('{appInput}', {frames[0].Length} floats): verify with the application that runs this model" });

        OnnxModelFile.Write(batched.Model, outPath);
        List<SliceCheck> checks;
        BatchTiming timing;
        try
        {
            using var engine = Load(outPath, size);
            checks = BatchVerifier.Verify(single, engine, frames);
            foreach (var c in checks)
                if (!c.Equal)
                {
                    File.Delete(outPath);
                    throw new ProfileException(modelPath, new[] { string.Create(CultureInfo.InvariantCulture,
                        $"the batch-{size} variant differs from the batch-1 model: output '{c.Output}' of stream {c.Stream} is off by {c.MaxDifference:G4} (scale {c.Scale:G4}, allowed {BatchVerifier.RelativeTolerance * Math.Max(1, c.Scale):G4}); an operator bakes the batch in (not a Reshape to [1,...]), so no variant was written") });
                }
            string? load = MachineFacts.LoadAverage();
            timing = BatchTiming.Measure(single, engine, size, runs, warmup: Math.Min(20, runs));
            Print(host, modelPath, outPath, batched, checks, timing, demo, load, quiet);
        }
        catch (InvalidDataException ex)
        {
            File.Delete(outPath);
            throw new ProfileException(modelPath, new[] { $"ONNX Runtime does not take the batch-{size} variant: {ProfileException.WithoutSource(ex.Message, outPath)}" });
        }
        return ExitCodes.Ok;
    }

    private static OnnxInferenceEngine Load(string path, int batch)
    {
        try { return OnnxInferenceEngine.Load(path, new OnnxBinding { Batch = batch }, new OnnxSessionSettings()); }
        catch (InvalidDataException ex) when (batch == 1) { throw new ProfileException(path, new[] { ProfileException.WithoutSource(ex.Message, path) }); }
    }

    private static void Print(RealtimeHost host, string modelPath, string outPath, BatchedModel batched, List<SliceCheck> checks, BatchTiming t, string demo, string? load, bool quiet)
    {
        var c = CultureInfo.InvariantCulture;
        int n = t.Batch;
        if (!quiet) Console.WriteLine($"rtapp {host.Version} batch: {Path.GetFileName(modelPath)} at a fixed batch of {n}");
        Console.WriteLine(string.Create(c, $"Rewrote: {batched.Inputs} input(s) and {batched.Outputs} output(s) to a first dimension of {n}; {batched.Reshapes} Reshape(s) led by the batch now copy it; {batched.Filled} ConstantOfShape(s) led by 1 now make {n}"));
        Console.WriteLine($"Verified on {n} different frames of '{demo}' (every {FrameStride}th), each slice against the batch-1 model:");
        foreach (var s in checks)
            Console.WriteLine(string.Create(c, $"  {s.Output}: max difference {s.MaxDifference:G3} (scale {s.Scale:G3}): equal"));
        Console.WriteLine(string.Create(c, $"Timing, {t.Rounds} rounds, one intra-op thread, load average {load ?? "unknown"} (same run, rounds alternating which goes first):"));
        Console.WriteLine("| per period | inference p50 ms | p99 ms | frames/s (p50) | a frame's latency p50 ms: first stream | last stream |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        Console.WriteLine(string.Create(c, $"| {n} batch-1 calls | {t.SinglePeriod.P50Us / 1e3:0.###} | {t.SinglePeriod.P99Us / 1e3:0.###} | {t.SingleFramesPerSecond:0} | {t.SingleCall.P50Us / 1e3:0.###} | {t.SinglePeriod.P50Us / 1e3:0.###} |"));
        Console.WriteLine(string.Create(c, $"| 1 batch-{n} call | {t.BatchCall.P50Us / 1e3:0.###} | {t.BatchCall.P99Us / 1e3:0.###} | {t.BatchFramesPerSecond:0} | {t.BatchCall.P50Us / 1e3:0.###} | {t.BatchCall.P50Us / 1e3:0.###} |"));
        Console.WriteLine(string.Create(c, $"| batch / calls | {1 / t.ThroughputGain:0.00}× | {t.BatchCall.P99Us / t.SinglePeriod.P99Us:0.00}× | {t.ThroughputGain:0.00}× | {t.LatencyCost:0.00}× | {t.LastStreamLatency:0.00}× |"));
        Console.WriteLine(string.Create(c, $"Throughput gain {t.ThroughputGain:0.00}×; per-frame latency cost {t.LatencyCost:0.00}× a batch-1 call (a stream's frame waits for the whole batch)"));
        Console.WriteLine($"Wrote {outPath}: run it for {n} streams with an onnx-model node's \"batch\": {n}");
    }
}
