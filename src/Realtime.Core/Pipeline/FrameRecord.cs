using System;

namespace Realtime.Core.Pipeline;

/// <summary>What happened to one frame, beyond its stamps.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>Nothing unusual.</summary>
    None = 0,
    /// <summary>End-to-end latency exceeded the deadline.</summary>
    DeadlineMiss = 1,
    /// <summary>The frame's command was not applied (skipped, or the last one held).</summary>
    Held = 2,
    /// <summary>The outputs were in their safe state after this frame.</summary>
    SafeState = 4,
    /// <summary>A warm-up frame, reported apart.</summary>
    Warmup = 8,
    /// <summary>The source failed or delivered a stale or flat frame; the frame was not processed.</summary>
    SourceFault = 16,
    /// <summary>The fallback controller's command was applied.</summary>
    Fallback = 32,
}

/// <summary>
/// The monotonic stamps of one frame through the loop (ns). Stage latency is the difference of
/// consecutive stamps; end-to-end latency is <see cref="ActuateEndNs"/> − <see cref="CaptureNs"/>.
/// </summary>
public struct FrameRecord
{
    /// <summary>The loop's start of this frame (period tick, or previous frame's end when unpaced).</summary>
    public long StartNs;
    /// <summary>When the sensor latched the frame.</summary>
    public long CaptureNs;
    /// <summary>When the frame was in its slot.</summary>
    public long CaptureEndNs;
    /// <summary>When the input tensor was ready.</summary>
    public long PreprocessEndNs;
    /// <summary>When the model's outputs were ready.</summary>
    public long InferEndNs;
    /// <summary>When the outputs were decoded.</summary>
    public long DecodeEndNs;
    /// <summary>When the command was computed.</summary>
    public long ControlEndNs;
    /// <summary>When the command reached the outputs (the actuation timestamp).</summary>
    public long ActuateEndNs;
    /// <summary>Duration of the model-alone floor run that followed this frame, or 0.</summary>
    public long FloorNs;
    /// <summary>Frames the source produced that the loop never took before this one (newest wins).</summary>
    public int DroppedBefore;
    /// <summary>The demo's metric for this frame, NaN when none.</summary>
    public float DemoMetric;
    /// <summary>What happened.</summary>
    public FrameFlags Flags;
    /// <summary>The model ladder's rung this frame ran (0 is the most accurate; the loop's first ladder), -1 when none ran or the loop has no ladder.</summary>
    public sbyte Variant;
    /// <summary>A bit per stage (1 &lt;&lt; stage index, <see cref="StageNs"/>'s order) whose every node a gate skipped this frame: its time is not a measurement.</summary>
    public byte SkippedStages;

    /// <summary>Whether stage <paramref name="stage"/> (0..5) was skipped by a gate this frame.</summary>
    public readonly bool StageSkipped(int stage) => (SkippedStages & (1 << stage)) != 0;

    /// <summary>Capture stage: from asking the source to the frame in its slot.</summary>
    public readonly long CaptureStageNs => CaptureEndNs - StartNs;
    /// <summary>End-to-end: capture to actuation.</summary>
    public readonly long EndToEndNs => ActuateEndNs - CaptureNs;

    /// <summary>The time of stage <paramref name="stage"/> (ProfileLoader.StageNames' order: capture, preprocess, infer, decode, control, actuate).</summary>
    public readonly long StageNs(int stage) => stage switch
    {
        0 => CaptureStageNs,
        1 => PreprocessEndNs - CaptureEndNs,
        2 => InferEndNs - PreprocessEndNs,
        3 => DecodeEndNs - InferEndNs,
        4 => ControlEndNs - DecodeEndNs,
        5 => ActuateEndNs - ControlEndNs,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "stages are 0..5"),
    };
}
