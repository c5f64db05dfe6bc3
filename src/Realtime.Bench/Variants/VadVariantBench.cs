using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Realtime.Bench.BareModel;
using Realtime.Core.Timing;
using Realtime.Onnx;

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
/// Silero VAD variants on a real speech recording: each runs the recording in 32 ms chunks
/// (512 samples at 16 kHz, with the 64 samples before them as context, the v5 models' window),
/// carrying its recurrent state from chunk to chunk; decisions are probability ≥ 0.5. Variants are
/// interleaved chunk by chunk, each stage timed.
/// </summary>
public static class VadVariantBench
{
    /// <summary>New samples per chunk.</summary>
    public const int Chunk = 512;
    /// <summary>Samples of context before them.</summary>
    public const int Context = 64;

    /// <summary>The Silero variants, by name.</summary>
    public static IReadOnlyList<VariantSpec> Known(string? assetsDir) => new[]
    {
        new VariantSpec("silero-fp32", "silero", Resolve(assetsDir, "models/silero_vad.onnx"), "input", Chunk + Context, 0, "Silero VAD v5, fp32 weights (input, state, sr)"),
        new VariantSpec("silero-fp16", "silero", Resolve(assetsDir, "models/silero_vad_half.onnx"), "input", Chunk + Context, 0, "Silero VAD v5, fp16 weights (input, state; no sr)"),
    };

    private static string Resolve(string? assets, string relative) => assets is null ? relative : Path.Combine(assets, relative);

    /// <summary>Runs the variants over <paramref name="speech"/>, <paramref name="passes"/> times through it.</summary>
    public static VariantReport Run(IReadOnlyList<VariantSpec> variants, Realtime.Demos.SpeechRecording speech, int passes, int warmup, OnnxSessionSettings settings)
    {
        int chunksPerPass = (speech.Samples.Length - Context) / Chunk;
        int chunks = chunksPerPass * Math.Max(1, passes);
        var lanes = new List<Lane>();
        try
        {
            // A throwaway load takes the first session's one-time costs, so load times compare.
            using (new Lane(variants[0], settings, 1)) { }
            foreach (var v in variants) lanes.Add(new Lane(v, settings, chunks));
            foreach (var lane in lanes) lane.Warm(warmup);
            var truth = new sbyte[chunks];
            for (int c = 0; c < chunks; c++)
            {
                int start = Context + (c % chunksPerPass) * Chunk;
                if (c % chunksPerPass == 0) foreach (var lane in lanes) lane.Reset();
                truth[c] = speech.IsSpeech(start, Chunk) ? (sbyte)1 : speech.InPhrase(start + Chunk / 2) ? (sbyte)-1 : (sbyte)0;
                var window = speech.Samples.AsSpan(start - Context, Chunk + Context);
                for (int k = 0; k < lanes.Count; k++) lanes[(c + k) % lanes.Count].Step(window, c);
            }
            var report = new VariantReport
            {
                Data = speech.Source,
                Frames = chunks,
                WarmupRuns = warmup,
                Reference = variants[0].Name,
            };
            foreach (var lane in lanes) report.Variants.Add(lane.Result(lanes[0], truth));
            return report;
        }
        finally
        {
            foreach (var lane in lanes) lane.Dispose();
        }
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

    private sealed class Lane : IDisposable
    {
        private readonly VariantSpec _spec;
        private readonly OnnxInferenceEngine _engine;
        private readonly int _state, _stateOut, _prob;
        private readonly long[] _pp, _inf, _dec;
        private readonly float[] _p;

        public Lane(VariantSpec spec, OnnxSessionSettings settings, int chunks)
        {
            _spec = spec;
            if (!File.Exists(spec.ModelPath)) throw new FileNotFoundException($"variant {spec.Name}: model file not found: {spec.ModelPath} (./scripts/fetch-assets.sh fetches it)", spec.ModelPath);
            var shapes = new Dictionary<string, long[]> { ["input"] = new long[] { 1, Chunk + Context }, ["state"] = new long[] { 2, 1, 128 } };
            _engine = BareModelBinding.Load(spec.ModelPath, shapes, settings);
            _state = _engine.InputIndex("state");
            _stateOut = _engine.OutputIndex("stateN");
            _prob = _engine.OutputIndex("output");
            if (_engine.InputNames[0] != "input" || _state < 0 || _stateOut < 0 || _prob < 0)
                throw new InvalidDataException($"{spec.ModelPath}: not a Silero VAD v5 model (inputs input, state[, sr]; outputs output, stateN)");
            _pp = new long[chunks];
            _inf = new long[chunks];
            _dec = new long[chunks];
            _p = new float[chunks];
        }

        public void Reset() => _engine.InputBytes(_state).Clear();

        public void Warm(int runs)
        {
            for (int i = 0; i < runs; i++) _engine.Run();
            Reset();
        }

        public void Step(ReadOnlySpan<float> window, int c)
        {
            long t0 = MonotonicClock.NowNs();
            window.CopyTo(_engine.Input);
            long t1 = MonotonicClock.NowNs();
            _engine.Run();
            long t2 = MonotonicClock.NowNs();
            _p[c] = _engine.Output(_prob)[0];
            // The recurrent state goes back in for the next chunk.
            _engine.OutputBytes(_stateOut).Slice(0, _engine.InputBytes(_state).Length).CopyTo(_engine.InputBytes(_state));
            long t3 = MonotonicClock.NowNs();
            _pp[c] = t1 - t0;
            _inf[c] = t2 - t1;
            _dec[c] = t3 - t2;
        }

        public VariantResult Result(Lane reference, sbyte[] truth)
        {
            var total = new long[_pp.Length];
            int speech = 0;
            for (int i = 0; i < total.Length; i++)
            {
                total[i] = _pp[i] + _inf[i] + _dec[i];
                if (_p[i] >= 0.5f) speech++;
            }
            return new VariantResult
            {
                Name = _spec.Name,
                Description = _spec.Description,
                Model = Path.GetFileName(_spec.ModelPath),
                ModelBytes = new FileInfo(_spec.ModelPath).Length,
                InputSize = _spec.InputSize,
                ModelLoadMs = Math.Round(_engine.ModelLoadMs - _engine.RuntimeInitMs, 2),
                Preprocess = Percentiles.Summarize(_pp),
                Infer = Percentiles.Summarize(_inf),
                Decode = Percentiles.Summarize(_dec),
                Total = Percentiles.Summarize(total),
                FramesWithFace = 0,
                ChunksWithSpeech = speech,
                Vad = ReferenceEquals(reference, this) ? null : Compare(reference._p, _p),
                VadTruth = Against(_p, truth),
            };
        }

        public void Dispose() => _engine.Dispose();
    }
}
