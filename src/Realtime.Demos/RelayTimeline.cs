using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Realtime.Core.Audio;
using Realtime.Core.Reporting;

namespace Realtime.Demos;

/// <summary>
/// The relay's state chunk by chunk, recorded by the pipeline thread into arrays sized at start-up
/// (no allocation per frame), and read afterwards against the recording's known phrases: per
/// phrase, frames from its first chunk to the relay closing (onset) and from its last chunk to the
/// relay opening (offset); closures that touched no phrase are false closures.
/// </summary>
public sealed class RelayTimeline
{
    private readonly long[] _chunk;
    private readonly bool[] _closed;
    private int _count;

    /// <summary>Room for <paramref name="capacity"/> frames.</summary>
    public RelayTimeline(int capacity)
    {
        _chunk = new long[Math.Max(1, capacity)];
        _closed = new bool[_chunk.Length];
    }

    /// <summary>Frames recorded.</summary>
    public int Count => _count;

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _count = 0;

    /// <summary>Records one frame: its chunk and the relay's state after the frame's write (the speech probability is the frame record's demo metric). Allocation-free; frames past the capacity are not kept.</summary>
    public void Record(long chunk, bool closed)
    {
        int i = _count;
        if (i >= _chunk.Length) return;
        _chunk[i] = chunk;
        _closed[i] = closed;
        _count = i + 1;
    }

    /// <summary>
    /// Fills the voice-relay figures of <paramref name="metrics"/> from what was recorded, against
    /// <paramref name="phrases"/> (sample times in a recording of <paramref name="chunksPerPass"/>
    /// whole chunks of <paramref name="chunk"/> samples, repeated when the source loops).
    /// </summary>
    public void Fill(ApplicationMetrics metrics, IReadOnlyList<SpeechPhrase> phrases, int chunk, int chunksPerPass, int sampleRate)
    {
        double chunkMs = 1000.0 * chunk / sampleRate;
        metrics.Add("chunk_ms", Math.Round(chunkMs, 3));
        if (_count == 0)
        {
            metrics.Add("phrases", 0L);
            metrics.Add("phrases_closed", 0L);
            return;
        }
        long first = _chunk[0], last = _chunk[_count - 1];
        int span = checked((int)(last - first + 1));
        // Relay state per chunk; a chunk no frame saw (a dropped or faulted frame) keeps the state before it.
        var state = new bool[span];
        var seen = new bool[span];
        for (int i = 0; i < _count; i++)
        {
            long k = _chunk[i] - first;
            if (k < 0 || k >= span) continue;
            state[k] = _closed[i];
            seen[k] = true;
        }
        for (int k = 1; k < span; k++) if (!seen[k]) state[k] = state[k - 1];

        // Every phrase instance the run covered, in chunk numbers.
        var instances = new List<(int Phrase, int Pass, long Onset, long End)>();
        for (long pass = first / chunksPerPass; pass <= last / chunksPerPass; pass++)
            for (int p = 0; p < phrases.Count; p++)
            {
                long onset = pass * chunksPerPass + phrases[p].StartSample / chunk;
                long end = pass * chunksPerPass + (phrases[p].EndSample - 1) / chunk;
                if ((phrases[p].EndSample - 1) / chunk >= chunksPerPass) continue; // in the partial chunk the source leaves out
                instances.Add((p, (int)pass, onset, end));
            }

        var onsets = new List<double>();
        var offsets = new List<double>();
        var perPhrase = new List<RelayPhraseReport>();
        int closedPhrases = 0;
        for (int n = 0; n < instances.Count; n++)
        {
            var (p, pass, onset, end) = instances[n];
            // Only phrases the run saw whole, with a chunk before them to tell a bridged pause.
            if (onset - 1 < first || end > last) continue;
            long next = n + 1 < instances.Count ? instances[n + 1].Onset : last + 1;
            bool bridged = state[onset - 1 - first];
            long closedAt = -1;
            for (long c = onset; c < next && c <= last; c++) if (state[c - first]) { closedAt = c; break; }
            long releasedAt = -1;
            for (long c = end + 1; c < next && c <= last; c++) if (!state[c - first]) { releasedAt = c; break; }
            var r = new RelayPhraseReport
            {
                Phrase = p,
                Pass = pass,
                StartS = Math.Round(phrases[p].StartSample / (double)sampleRate, 3),
                EndS = Math.Round(phrases[p].EndSample / (double)sampleRate, 3),
                GapAfterS = Math.Round(((p + 1 < phrases.Count ? phrases[p + 1].StartSample : chunksPerPass * chunk) - phrases[p].EndSample) / (double)sampleRate, 3),
                Closed = closedAt >= 0 && closedAt <= end || bridged,
                Bridged = bridged,
            };
            if (closedAt >= 0 && !bridged)
            {
                r.Closed = true;
                r.OnsetFrames = (int)(closedAt - onset);
                r.OnsetMs = Math.Round(r.OnsetFrames.Value * chunkMs, 1);
                onsets.Add(r.OnsetFrames.Value);
            }
            if (releasedAt >= 0)
            {
                r.OffsetFrames = (int)(releasedAt - end);
                r.OffsetMs = Math.Round(r.OffsetFrames.Value * chunkMs, 1);
                offsets.Add(r.OffsetFrames.Value);
            }
            if (r.Closed) closedPhrases++;
            perPhrase.Add(r);
        }

        // Closures (runs of closed chunks) that overlap no phrase are false.
        int falseClosures = 0, falseChunks = 0;
        for (long c = 0; c < span; c++)
        {
            if (!state[c]) continue;
            long a = c;
            while (c + 1 < span && state[c + 1]) c++;
            long from = a + first, to = c + first;
            bool touches = false;
            foreach (var i in instances) if (i.Onset <= to && i.End >= from) { touches = true; break; }
            if (!touches)
            {
                falseClosures++;
                falseChunks += (int)(to - from + 1);
            }
        }

        metrics.Add("phrases", (long)perPhrase.Count);
        metrics.Add("phrases_closed", (long)closedPhrases);
        ValueSummary? onsetSummary = onsets.Count > 0 ? ReportBuilder.SummarizeValues(onsets) : null;
        ValueSummary? offsetSummary = offsets.Count > 0 ? ReportBuilder.SummarizeValues(offsets) : null;
        metrics.Add("onset_latency_frames", onsetSummary);
        metrics.Add("offset_latency_frames", offsetSummary);
        metrics.Add("false_closure_chunks", (long)falseChunks);
        metrics.Add("false_closures", (long)falseClosures);
        metrics.Add("relay_phrases", JsonSerializer.SerializeToNode(perPhrase, RelayJsonContext.Default.ListRelayPhraseReport));
        Describe(metrics, perPhrase, onsetSummary, offsetSummary, closedPhrases, falseClosures, falseChunks, chunkMs);
    }

    /// <summary>The lines a person reads about the relay.</summary>
    private static void Describe(ApplicationMetrics metrics, List<RelayPhraseReport> phrases, ValueSummary? on, ValueSummary? off,
        int closedPhrases, int falseClosures, int falseChunks, double chunkMs)
    {
        var c = CultureInfo.InvariantCulture;
        metrics.AddSummaryLine(string.Create(c, $"Relay: closed on {closedPhrases} of {phrases.Count} phrases; false closures {falseClosures} ({falseChunks} chunks closed in silence); chunk {Math.Round(chunkMs, 3):0.#} ms"));
        if (on is not null)
            metrics.AddSummaryLine(string.Create(c, $"  onset → close: p50 {on.P50:0.#} frames, max {on.Max:0.#} frames ({on.Max * chunkMs:0} ms)"));
        if (off is not null)
            metrics.AddSummaryLine(string.Create(c, $"  offset → release: p50 {off.P50:0.#} frames, max {off.Max:0.#} frames ({off.Max * chunkMs:0} ms)"));
        foreach (var ph in phrases)
            metrics.AddSummaryLine(string.Create(c, $"  phrase {ph.Phrase} (pass {ph.Pass}) {ph.StartS:0.00}-{ph.EndS:0.00} s, gap after {ph.GapAfterS:0.0} s: {(ph.Bridged ? "bridged" : ph.OnsetFrames is int onsetFrames ? $"closed +{onsetFrames} frames ({ph.OnsetMs:0} ms)" : "never closed")}, {(ph.OffsetFrames is int f ? $"released +{f} frames ({ph.OffsetMs:0} ms)" : "held")}"));
    }
}
