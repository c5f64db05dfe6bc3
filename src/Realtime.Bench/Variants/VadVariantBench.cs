using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Audio;

namespace Realtime.Bench.Variants;

/// <summary>Agreement of a voice-activity variant with the reference, chunk by chunk, and of each with the recording's known speech.</summary>
public sealed class VadAgreement
{
    /// <summary>Chunks compared.</summary>
    public int Chunks { get; set; }
    /// <summary>Both say speech.</summary>
    public int BothSpeech { get; set; }
    /// <summary>Only the reference says speech.</summary>
    public int OnlyReference { get; set; }
    /// <summary>Only this variant says speech.</summary>
    public int OnlyVariant { get; set; }
    /// <summary>Neither says speech.</summary>
    public int Neither { get; set; }
    /// <summary>Chunks with the same decision, per cent.</summary>
    public double DecisionAgreementPct { get; set; }
    /// <summary>Mean |p − p_ref| of the speech probability.</summary>
    public double ProbabilityMeanAbsDiff { get; set; }
    /// <summary>Largest |p − p_ref|.</summary>
    public double ProbabilityMaxAbsDiff { get; set; }
}

/// <summary>A voice-activity variant against the recording's known speech.</summary>
public sealed class VadTruth
{
    /// <summary>Chunks of known speech called speech, per cent.</summary>
    public double SpeechRecallPct { get; set; }
    /// <summary>Chunks of the laid-in silence called speech, per cent.</summary>
    public double SilenceFalseAlarmPct { get; set; }
    /// <summary>Chunks decided correctly, per cent (chunks inside utterances but quiet are left out).</summary>
    public double AccuracyPct { get; set; }
}

/// <summary>
/// Silero VAD variants on a real speech recording, each an override list of the board's graph that
/// runs the fp32 model (its model node's config): the graph cuts the recording into 32 ms chunks
/// (512 samples at 16 kHz, with the 64 samples before them as context, the v5 models' window) and
/// its model node carries the recurrent state; the speech probability of every chunk is what the
/// graph's decoder (its vad-probability node) computed, the chunk's place in the recording is its
/// number (the wav-source's), and decisions are probability ≥ 0.5. The microphone's recording is an
/// open loop already: the relay moves nothing the source hears.
/// </summary>
public static class VadVariantBench
{
    /// <summary>New samples per chunk.</summary>
    public const int Chunk = 512;
    /// <summary>Samples of context before them.</summary>
    public const int Context = 64;
    /// <summary>The model the voice relay's graph runs (its onnx-model node's path): the graph the ladder runs over.</summary>
    public const string GraphModel = Fp32;
    /// <summary>The component type whose recording the graph's chunks come from (its <c>path</c>: the speech and its phrase times).</summary>
    public const string SourceType = "wav-source";

    private const string Fp32 = "models/silero_vad.onnx", Fp16 = "models/silero_vad_half.onnx";

    /// <summary>The Silero variants, by name, each as overrides of the graph's model node.</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("silero-fp32", "silero", Resolve(assetsDir, Fp32), Chunk + Context, "Silero VAD v5, fp32 weights (input, state, sr)",
            new[] { $"model:config.path={Fp32}" }),
        // fp16 has no sr input, so the node sets no constant; the profile's sha256 is the fp32 file's.
        new VariantSpec("silero-fp16", "silero", Resolve(assetsDir, Fp16), Chunk + Context, "Silero VAD v5, fp16 weights (input, state; no sr)",
            new[] { $"model:config.path={Fp16}", "model:config.sha256=null", "model:config.scalars=null" }),
    };

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>Chunks in one pass through <paramref name="speech"/>, as the graph's source counts them.</summary>
    public static int ChunksPerPass(SpeechRecording speech) => speech.Samples.Length / Chunk;

    /// <summary>
    /// The ladder's report from the lanes' runs (<see cref="VariantLanes.Run"/>): per chunk, each lane's
    /// probability (its decoder's value) against the reference's and against the recording's known speech.
    /// </summary>
    public static VariantReport Report(IReadOnlyList<VariantLane> lanes, IReadOnlyList<BenchRun> runs, SpeechRecording speech, int warmup)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(speech);
        if (lanes.Count < 1 || runs.Count != lanes.Count) throw new ArgumentException("one run per lane");
        int perPass = ChunksPerPass(speech);
        var p = new float[lanes.Count][];
        sbyte[] truth = Array.Empty<sbyte>();
        for (int k = 0; k < lanes.Count; k++)
        {
            VariantLanes.Counted(lanes[k].Spec, runs[k]);
            p[k] = VariantLanes.Counted(lanes[k].Tap.Values, runs[k]);
            if (p[k].Length != p[0].Length || runs[k].WarmupFrames != runs[0].WarmupFrames) throw new InvalidOperationException($"variant {lanes[k].Spec.Name}: ran other chunks than {lanes[0].Spec.Name}");
            if (k > 0) continue;
            // Loop frame f of the run is chunk f of the source (warm-up and re-warm frames included), at (f mod the pass) × 512.
            truth = new sbyte[p[k].Length];
            for (int i = 0; i < truth.Length; i++)
            {
                int start = (int)((long)runs[k].LoopFrame(runs[k].WarmupFrames + i) % perPass) * Chunk;
                truth[i] = speech.IsSpeech(start, Chunk) ? (sbyte)1 : speech.InPhrase(start + Chunk / 2) ? (sbyte)-1 : (sbyte)0;
            }
        }
        var report = new VariantReport
        {
            Data = speech.Source,
            Frames = p[0].Length,
            WarmupRuns = warmup,
            Reference = lanes[0].Spec.Name,
        };
        for (int k = 0; k < lanes.Count; k++)
        {
            var row = VariantLanes.Row(lanes[k], runs[k]);
            int speechChunks = 0;
            foreach (float x in p[k]) if (x >= 0.5f) speechChunks++;
            row.ChunksWithSpeech = speechChunks;
            row.Vad = k == 0 ? null : Compare(p[0], p[k]);
            row.VadTruth = Against(p[k], truth);
            report.Variants.Add(row);
        }
        return report;
    }

    /// <summary>Decision agreement of two probability series at 0.5.</summary>
    public static VadAgreement Compare(ReadOnlySpan<float> reference, ReadOnlySpan<float> variant)
    {
        if (reference.Length != variant.Length) throw new ArgumentException("the two series differ in length");
        var a = new VadAgreement { Chunks = reference.Length };
        double diff = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            bool r = reference[i] >= 0.5f, v = variant[i] >= 0.5f;
            if (r && v) a.BothSpeech++;
            else if (r) a.OnlyReference++;
            else if (v) a.OnlyVariant++;
            else a.Neither++;
            double d = Math.Abs(reference[i] - variant[i]);
            diff += d;
            a.ProbabilityMaxAbsDiff = Math.Max(a.ProbabilityMaxAbsDiff, d);
        }
        a.DecisionAgreementPct = a.Chunks > 0 ? Math.Round(100.0 * (a.BothSpeech + a.Neither) / a.Chunks, 2) : 0;
        a.ProbabilityMeanAbsDiff = a.Chunks > 0 ? Math.Round(diff / a.Chunks, 5) : 0;
        a.ProbabilityMaxAbsDiff = Math.Round(a.ProbabilityMaxAbsDiff, 5);
        return a;
    }

    /// <summary>Decisions against known speech (1), laid-in silence (0); quiet chunks inside utterances (-1) are left out.</summary>
    public static VadTruth Against(ReadOnlySpan<float> probability, ReadOnlySpan<sbyte> truth)
    {
        int speech = 0, hit = 0, silence = 0, alarm = 0;
        for (int i = 0; i < probability.Length; i++)
        {
            bool said = probability[i] >= 0.5f;
            if (truth[i] == 1) { speech++; if (said) hit++; }
            else if (truth[i] == 0) { silence++; if (said) alarm++; }
        }
        return new VadTruth
        {
            SpeechRecallPct = speech > 0 ? Math.Round(100.0 * hit / speech, 2) : 0,
            SilenceFalseAlarmPct = silence > 0 ? Math.Round(100.0 * alarm / silence, 2) : 0,
            AccuracyPct = speech + silence > 0 ? Math.Round(100.0 * (hit + silence - alarm) / (speech + silence), 2) : 0,
        };
    }
}
