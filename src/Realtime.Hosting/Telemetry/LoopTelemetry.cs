using System;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// A loop's live figures, kept in constant memory for a run that does not end: a
/// <see cref="LatencyHistogram"/> per stage, end to end, period jitter and the floor, and counters of
/// frames, misses, drops, source faults, held commands and safe-state entries. Attached to the loop
/// only when metrics are asked for; its hook runs on the pipeline thread and allocates nothing, and
/// <see cref="Render"/> reads it from the telemetry thread through snapshots made once.
/// Warm-up frames are not counted.
/// </summary>
public sealed class LoopTelemetry : LoopInstrument
{
    private readonly LatencyHistogram[] _stages = new LatencyHistogram[6];
    private readonly string[] _stageLabels = new string[6];
    private string? _stageLabelsFor;
    private readonly LatencyHistogram _endToEnd = new(), _jitter = new(), _floor = new();
    private readonly HistogramSnapshot _snapshot = new();
    private readonly long _periodNs, _deadlineNs;
    private long _frames, _misses, _dropped, _sourceFaults, _held, _fallbacks, _safeEntries, _lastStartNs;
    private bool _wasSafe;

    /// <summary>Figures for a loop with period <paramref name="periodNs"/> (0: not paced, no jitter) and deadline <paramref name="deadlineNs"/>.</summary>
    public LoopTelemetry(long periodNs, long deadlineNs)
    {
        _periodNs = periodNs;
        _deadlineNs = deadlineNs;
        for (int i = 0; i < _stages.Length; i++) _stages[i] = new LatencyHistogram();
    }

    /// <summary>Counted frames so far.</summary>
    public long Frames => Volatile.Read(ref _frames);
    /// <summary>Counted frames that missed their deadline.</summary>
    public long DeadlineMisses => Volatile.Read(ref _misses);
    /// <summary>End to end latency so far.</summary>
    public LatencyHistogram EndToEnd => _endToEnd;
    /// <summary>Stage <paramref name="stage"/>'s latency so far (by <see cref="Stage"/>).</summary>
    public LatencyHistogram StageLatency(int stage) => _stages[stage];
    /// <summary>|start-to-start − period| so far (empty when not paced).</summary>
    public LatencyHistogram Jitter => _jitter;
    /// <summary>The model-alone floor so far (empty unless asked for).</summary>
    public LatencyHistogram Floor => _floor;
    /// <summary>Frames the source produced that the loop never took, after warm-up.</summary>
    public long DroppedFrames => Volatile.Read(ref _dropped);
    /// <summary>Counted frames that were source faults.</summary>
    public long SourceFaultFrames => Volatile.Read(ref _sourceFaults);
    /// <summary>Counted frames whose command was not applied.</summary>
    public long HeldFrames => Volatile.Read(ref _held);
    /// <summary>Counted frames whose fallback controller's command was applied.</summary>
    public long FallbackFrames => Volatile.Read(ref _fallbacks);

    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        FrameFlags flags = record.Flags;
        if ((flags & FrameFlags.Warmup) != 0) return;
        bool safe = (flags & FrameFlags.SafeState) != 0;
        if (safe && !_wasSafe) Volatile.Write(ref _safeEntries, _safeEntries + 1);
        _wasSafe = safe;
        if (record.DroppedBefore > 0) Volatile.Write(ref _dropped, _dropped + record.DroppedBefore);
        if ((flags & FrameFlags.DeadlineMiss) != 0) Volatile.Write(ref _misses, _misses + 1);
        if ((flags & FrameFlags.Held) != 0) Volatile.Write(ref _held, _held + 1);
        if ((flags & FrameFlags.Fallback) != 0) Volatile.Write(ref _fallbacks, _fallbacks + 1);
        if (_periodNs > 0 && _lastStartNs > 0) _jitter.Record(Math.Abs(record.StartNs - _lastStartNs - _periodNs * (1 + record.DroppedBefore)));
        _lastStartNs = record.StartNs;
        if ((flags & FrameFlags.SourceFault) != 0) Volatile.Write(ref _sourceFaults, _sourceFaults + 1);
        else
        {
            _stages[0].Record(record.CaptureStageNs);
            // A stage a gate skipped has no time to record (its 0 µs is not a measurement).
            for (int s = 1; s <= 4; s++)
                if (!record.StageSkipped(s)) _stages[s].Record(record.StageNs(s));
            _stages[5].Record(record.ActuateEndNs - record.ControlEndNs);
            _endToEnd.Record(record.EndToEndNs);
        }
        Volatile.Write(ref _frames, _frames + 1);
    }

    /// <inheritdoc/>
    public override bool AfterFrame(int frame, ref FrameRecord record)
    {
        // The floor runs after the frame's end: its figure is in the record only now.
        if (record.FloorNs > 0 && (record.Flags & FrameFlags.Warmup) == 0) _floor.Record(record.FloorNs);
        return true;
    }

    /// <summary>
    /// Writes the loop's families with <paramref name="labels"/> (e.g. <c>application="face-tracker"</c>) on the
    /// telemetry thread; one caller at a time (it reuses one snapshot).
    /// </summary>
    public void Render(PrometheusText text, string labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _self[0] = this;
        _selfLabels[0] = labels;
        RenderAll(text, _self, _selfLabels, 1);
    }

    private readonly LoopTelemetry[] _self = new LoopTelemetry[1];
    private readonly string[] _selfLabels = new string[1];

    /// <summary>
    /// Writes the first <paramref name="count"/> loops' families, each loop with its own labels: every family's
    /// samples together (the text format asks that), one loop after another inside it. Allocates nothing once
    /// each loop's stage labels are made (its first scrape).
    /// </summary>
    public static void RenderAll(PrometheusText text, LoopTelemetry[] loops, string[] labels, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(loops);
        ArgumentNullException.ThrowIfNull(labels);
        for (int i = 0; i < count; i++) text.Gauge("rtapp_deadline_seconds", "The loop's end-to-end deadline.", loops[i]._deadlineNs / 1e9, labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_frames_total", "Frames run after warm-up.", loops[i].Frames, labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_deadline_misses_total", "Frames whose end-to-end latency passed the deadline.", loops[i].DeadlineMisses, labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_dropped_frames_total", "Frames the source produced that the loop never took (it fell behind).", Volatile.Read(ref loops[i]._dropped), labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_source_faults_total", "Frames the source failed, or delivered stale or flat.", Volatile.Read(ref loops[i]._sourceFaults), labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_held_commands_total", "Frames whose command was not applied (skipped or the last one held).", Volatile.Read(ref loops[i]._held), labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_fallback_commands_total", "Frames whose fallback controller's command was applied.", Volatile.Read(ref loops[i]._fallbacks), labels[i]);
        for (int i = 0; i < count; i++) text.Counter("rtapp_safe_state_entries_total", "Times the outputs went to their safe state.", Volatile.Read(ref loops[i]._safeEntries), labels[i]);
        for (int i = 0; i < count; i++)
        {
            var t = loops[i];
            t._endToEnd.CopyTo(t._snapshot);
            text.Histogram("rtapp_end_to_end_latency_seconds", "Capture to actuation, per frame.", t._snapshot, labels[i]);
        }
        for (int i = 0; i < count; i++)
        {
            var t = loops[i];
            t.MakeStageLabels(labels[i]);
            for (int s = 0; s < t._stages.Length; s++)
            {
                t._stages[s].CopyTo(t._snapshot);
                text.Histogram("rtapp_stage_latency_seconds", "One stage of a frame.", t._snapshot, t._stageLabels[s]);
            }
        }
        for (int i = 0; i < count; i++)
        {
            var t = loops[i];
            t._jitter.CopyTo(t._snapshot);
            text.Histogram("rtapp_period_jitter_seconds", "How far a frame's start was from one period after the last one's.", t._snapshot, labels[i]);
        }
        for (int i = 0; i < count; i++)
        {
            var t = loops[i];
            t._floor.CopyTo(t._snapshot);
            if (t._snapshot.Count > 0) text.Histogram("rtapp_model_floor_seconds", "The model alone, run after a frame (only when the floor is asked for).", t._snapshot, labels[i]);
        }
    }

    // Made once per label set (the first scrape): later scrapes only copy them.
    private void MakeStageLabels(string labels)
    {
        if (ReferenceEquals(labels, _stageLabelsFor)) return;
        string sep = labels.Length > 0 ? "," : "";
        for (int i = 0; i < _stages.Length; i++) _stageLabels[i] = labels + sep + "stage=\"" + Realtime.Core.Profiles.ProfileLoader.StageNames[i] + "\"";
        _stageLabelsFor = labels;
    }
}
