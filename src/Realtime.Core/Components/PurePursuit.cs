using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>pure-pursuit</c>: follows a line on the floor with the line follower's pure pursuit
/// (<see cref="LineSteering"/>): line segments in the camera's image (a
/// <see cref="ValuePayload{T}"/> of <see cref="LineSegments"/>, as <c>mlsd-segments</c> gives)
/// become two wheel commands in [-1, 1] (channel 0 left, 1 right); a lost line holds the last arc
/// at half speed for <c>hold_frames</c>, then stops. Config: the camera looking straight down
/// (<c>image_width</c>, <c>image_height</c> px, <c>view_width_cm</c>, <c>near_cm</c>) and the drive
/// (<c>cruise_cm_s</c>, <c>max_wheel_cm_s</c>, <c>wheel_base_cm</c>, <c>lookahead_cm</c>,
/// <c>gate_cm</c>, <c>merge_cm</c>, <c>hold_frames</c>), with the line follower's defaults.
/// </summary>
public sealed class PurePursuit : Node
{
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
        double cruise = config.Number("cruise_cm_s", 0, 10_000, 20), maxWheel = config.Number("max_wheel_cm_s", 0.1, 10_000, 40);
        double wheelBase = config.Number("wheel_base_cm", 0.1, 1_000, 12), lookahead = config.Number("lookahead_cm", 0.1, 10_000, 24);
        double gate = config.Number("gate_cm", 0, 10_000, 8), merge = config.Number("merge_cm", 0, 10_000, 4);
        int hold = config.Integer("hold_frames", 0, 100_000, 5);
        if (config.Problems.Count > 0) return null!;
        return new PurePursuit(name, new FloorView(w, h, viewW, near), new LineSteeringSettings(cruise, maxWheel, wheelBase, lookahead, gate, merge, hold));
    }

    /// <inheritdoc/>
    public override void Process()
    {
        CommandPayload c = Command.Payload;
        _steering.Update(in Segments.Payload.Value, in c.Applied, ref c.Next);
        if (_steering.Last.Found) _found++;
        else _lost++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames_line_found", _found);
        report.Add("frames_line_lost", _lost);
    }
}
