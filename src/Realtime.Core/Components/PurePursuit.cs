using System;
using System.Globalization;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Core.Components;

/// <summary>
/// <c>pure-pursuit</c>: follows a line on the floor with the line follower's pure pursuit
/// (<see cref="LineSteering"/>): line segments in the camera's image (a
/// <see cref="ValuePayload{T}"/> of <see cref="LineSegments"/>, as <c>mlsd-segments</c> gives)
/// become two wheel commands in [-1, 1] (channel 0 left, 1 right); a lost line holds the last arc
/// at half speed for <c>hold_frames</c>, then stops. Config: the camera looking straight down
/// (<c>image_width</c>, <c>image_height</c> px, <c>view_width_cm</c>, <c>near_cm</c>) and the drive
/// (<c>cruise_cm_s</c>, <c>max_wheel_cm_s</c>, <c>wheel_base_cm</c>, <c>lookahead_cm</c>,
/// <c>gate_cm</c>, <c>merge_cm</c>, <c>hold_frames</c>), with the line follower's defaults. The
/// report's <c>frames_with_target</c> counts the counted frames (after warm-up) it found the line in.
/// </summary>
public sealed class PurePursuit : Node, IApplicationMetrics
{
    /// <summary>The drive the config's defaults describe: 20 cm/s cruise, 40 cm/s wheels, 12 cm wheel base, 24 cm lookahead, 8 cm gate, 4 cm merge, 5 frames held.</summary>
    public static readonly LineSteeringSettings Defaults = new(20, 40, 12, 24, 8, 4, 5);

    // Found or not for the first runs (one bit each), so the report can leave the warm-up's runs out
    // without knowing the warm-up's length during the run; far more than any warm-up.
    private const int EarlyRuns = 4096;
    private readonly ulong[] _early = new ulong[EarlyRuns / 64];
    private readonly LineSteering _steering;
    private long _found, _lost;

    /// <summary>A controller for a camera of <paramref name="view"/>.</summary>
    public PurePursuit(string name, FloorView view, LineSteeringSettings settings) : base(name, NodeRole.Controller)
    {
        _steering = new LineSteering(view, settings);
        Segments = Input<ValuePayload<LineSegments>>("segments", PayloadType.Value<LineSegments>());
        Command = Output("command", new CommandPayload(2));
    }

    /// <summary>The line's segments in the image.</summary>
    public InputPort<ValuePayload<LineSegments>> Segments { get; }
    /// <summary>Left and right wheel commands.</summary>
    public OutputPort<CommandPayload> Command { get; }
    /// <summary>The last frame's estimate.</summary>
    public LineEstimate Last => _steering.Last;

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int w = config.Integer("image_width", 8, 16_384, 320), h = config.Integer("image_height", 8, 16_384, 320);
        double viewW = config.Number("view_width_cm", 0.1, 10_000, 40), near = config.Number("near_cm", 0, 10_000, 6);
        LineSteeringSettings d = Defaults;
        double cruise = config.Number("cruise_cm_s", 0, 10_000, d.CruiseCmPerS), maxWheel = config.Number("max_wheel_cm_s", 0.1, 10_000, d.MaxWheelCmPerS);
        double wheelBase = config.Number("wheel_base_cm", 0.1, 1_000, d.WheelBaseCm), lookahead = config.Number("lookahead_cm", 0.1, 10_000, d.LookaheadCm);
        double gate = config.Number("gate_cm", 0, 10_000, d.GateCm), merge = config.Number("merge_cm", 0, 10_000, d.MergeCm);
        int hold = config.Integer("hold_frames", 0, 100_000, d.HoldFrames);
        if (config.Problems.Count == 0 && cruise > maxWheel) config.Problem("cruise_cm_s", $"must be 0..max_wheel_cm_s ({maxWheel.ToString(CultureInfo.InvariantCulture)}), got {cruise.ToString(CultureInfo.InvariantCulture)}");
        if (config.Problems.Count > 0) return null!;
        return new PurePursuit(name, new FloorView(w, h, viewW, near), new LineSteeringSettings(cruise, maxWheel, wheelBase, lookahead, gate, merge, hold));
    }

    /// <inheritdoc/>
    public override void Process()
    {
        CommandPayload c = Command.Payload;
        _steering.Update(in Segments.Payload.Value, in c.Applied, ref c.Next);
        long run = _found + _lost;
        if (_steering.Last.Found)
        {
            _found++;
            if (run < EarlyRuns) _early[run >> 6] |= 1UL << (int)(run & 63);
        }
        else _lost++;
    }

    /// <summary>
    /// <c>frames_with_target</c>: the counted frames (after warm-up, sources delivered) it found the
    /// line in, and the line a person reads. It runs once in each frame whose sources delivered.
    /// </summary>
    public void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        int warm = 0, warmRuns = 0;
        for (; warm < records.Length && (records[warm].Flags & FrameFlags.Warmup) != 0; warm++)
            if ((records[warm].Flags & FrameFlags.SourceFault) == 0) warmRuns++;
        long foundInWarmup = 0;
        for (int i = 0; i < Math.Min(warmRuns, EarlyRuns); i++)
            if ((_early[i >> 6] & (1UL << (i & 63))) != 0) foundInWarmup++;
        long found = _found - foundInWarmup;
        metrics.Add("frames_with_target", found);
        metrics.AddSummaryLine(string.Create(CultureInfo.InvariantCulture, $"Line: found in {found} of {records.Length - warm} frames"));
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames_line_found", _found);
        report.Add("frames_line_lost", _lost);
    }
}
