using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace FaceFollower;

/// <summary>
/// A controller of this application's own: keeps the best detection at the image centre with a
/// pan/tilt mount (channel 0 pan, channel 1 tilt, in degrees). Each axis steps the command now on
/// the outputs by <c>gain_deg</c> × the detection's offset from the centre (in image widths and
/// heights), at most <c>max_step_deg</c> a frame and within the mount's limits, but only when the
/// offset is outside <c>dead_band</c>: close enough, the servos rest instead of hunting. With no
/// detection scoring <c>min_score</c> the command is held.
/// </summary>
public sealed class DeadBandFollower : Node
{
    /// <summary>The type name a profile's <c>app.nodes[].type</c> uses.</summary>
    public const string TypeName = "dead-band-follower";
    /// <summary>What the type is, in words (the registry keeps it beside the factory).</summary>
    public const string Description = "pan/tilt steps toward the best detection, resting inside a dead band";

    private readonly InputPort<DetectionsPayload> _detections;
    private readonly OutputPort<CommandPayload> _command;
    private readonly float _gain, _deadBand, _minScore, _maxStep, _panLimit, _tiltLimit;
    private long _withTarget, _withoutTarget, _resting, _atLimit;

    /// <summary>A follower with its settings (the factory, <see cref="Create"/>, reads them from the profile).</summary>
    public DeadBandFollower(string name, double gainDeg, double deadBand, double minScore, double maxStepDeg, double panLimitDeg, double tiltLimitDeg)
        : base(name, NodeRole.Controller)
    {
        _gain = (float)gainDeg;
        _deadBand = (float)deadBand;
        _minScore = (float)minScore;
        _maxStep = (float)maxStepDeg;
        _panLimit = (float)panLimitDeg;
        _tiltLimit = (float)tiltLimitDeg;
        _detections = Input<DetectionsPayload>("detections", PayloadType.Detections());
        _command = Output("command", new CommandPayload(2));
    }

    /// <summary>Creates the node from its <c>config</c> section; every value is checked, and a bad one names its field.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context) => new DeadBandFollower(name,
        config.Number("gain_deg", 0, 180, 25),
        config.Number("dead_band", 0, 0.5, 0.05),
        config.Number("min_score", 0, 1, 0.5),
        config.Number("max_step_deg", 0.1, 90, 10),
        config.Number("pan_limit_deg", 1, 90, 45),
        config.Number("tilt_limit_deg", 1, 90, 30));

    /// <inheritdoc/>
    public override void Process()
    {
        CommandPayload command = _command.Payload;
        ActuatorCommand next = command.Applied;
        next.Count = 2;
        ReadOnlySpan<Detection> found = _detections.Payload.Current;
        int best = -1;
        for (int i = 0; i < found.Length; i++)
            if (found[i].Score >= _minScore && (best < 0 || found[i].Score > found[best].Score)) best = i;
        if (best < 0)
        {
            _withoutTarget++;
            command.Next = next;
            return;
        }
        _withTarget++;
        float dx = found[best].CenterX - 0.5f, dy = found[best].CenterY - 0.5f;
        if (MathF.Abs(dx) <= _deadBand && MathF.Abs(dy) <= _deadBand) _resting++;
        bool limited = Step(ref next.Values[0], dx, _panLimit) | Step(ref next.Values[1], dy, _tiltLimit);
        if (limited) _atLimit++;
        command.Next = next;
    }

    // One axis; true when the mount's limit stopped it.
    private bool Step(ref float angle, float offset, float limit)
    {
        if (MathF.Abs(offset) <= _deadBand) return false;
        float wanted = angle + Math.Clamp(_gain * offset, -_maxStep, _maxStep);
        angle = Math.Clamp(wanted, -limit, limit);
        return angle != wanted;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames_with_target", _withTarget);
        report.Add("frames_without_target", _withoutTarget);
        report.Add("frames_resting", _resting);
        report.Add("frames_at_limit", _atLimit);
    }
}
