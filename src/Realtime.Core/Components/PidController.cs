using System;
using Realtime.Core.Control;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>pid</c>: one channel driven by the project's <see cref="Pid"/> (clamped integral, derivative
/// on the error) toward a set point. What it measures (<c>measure</c>): <c>value</c> (a float
/// <see cref="ValuePayload{T}"/> on input <c>value</c>), or <c>detection_x</c> / <c>detection_y</c>
/// (the best detection's centre, 0..1, on input <c>detections</c>; with none, the command is held
/// and the PID's history forgotten). The error is set point − measurement. <c>incremental</c>
/// (default true) adds the output to what is on the channel (a servo stepping toward a target, as
/// the face tracker does); otherwise the output is the command. The command is clamped to
/// [<c>min</c>, <c>max</c>]. The time step is the measurement's capture interval (within 1 s), else
/// <c>dt_s</c>. Config: <c>measure</c>, <c>setpoint</c> (default 0; 0.5 for a detection),
/// <c>kp</c>, <c>ki</c>, <c>kd</c>, <c>integral_limit</c>, <c>output_limit</c>, <c>incremental</c>,
/// <c>min</c>, <c>max</c>, <c>dt_s</c>, <c>detections</c> (capacity accepted; default 0: any).
/// </summary>
public sealed class PidController : Node
{
    private readonly PidGains _gains;
    private readonly float _setpoint, _min, _max;
    private readonly bool _incremental, _fromDetections, _axisY;
    private readonly double _dt;
    private Pid _pid;
    private long _lastNs, _updates, _lost;

    /// <summary>Settings of a <see cref="PidController"/>.</summary>
    public readonly record struct Settings(PidGains Gains, float Setpoint, bool Incremental, float Min, float Max, double DtS);

    /// <summary>A PID on a value (<paramref name="measure"/> <c>value</c>) or a detection's centre (<c>detection_x</c>, <c>detection_y</c>).</summary>
    public PidController(string name, string measure, Settings settings, int detectionsCapacity = 0) : base(name, NodeRole.Controller)
    {
        if (measure is not ("value" or "detection_x" or "detection_y")) throw new ArgumentException($"measure '{measure}': value, detection_x or detection_y", nameof(measure));
        if (!(settings.Min <= settings.Max)) throw new ArgumentException("min must not exceed max", nameof(settings));
        if (!(settings.DtS > 0)) throw new ArgumentOutOfRangeException(nameof(settings), "dt must be positive");
        _gains = settings.Gains;
        _pid = new Pid(_gains);
        _setpoint = settings.Setpoint;
        _incremental = settings.Incremental;
        _min = settings.Min;
        _max = settings.Max;
        _dt = settings.DtS;
        _fromDetections = measure != "value";
        _axisY = measure == "detection_y";
        if (_fromDetections) Detections = Input<DetectionsPayload>("detections", PayloadType.Detections(detectionsCapacity));
        else Value = Input<ValuePayload<float>>("value", PayloadType.Value<float>());
        Command = Output("command", new CommandPayload(1));
    }

    /// <summary>The measured value (measure <c>value</c>), else null.</summary>
    public InputPort<ValuePayload<float>>? Value { get; }
    /// <summary>The detections (measure <c>detection_x</c>/<c>detection_y</c>), else null.</summary>
    public InputPort<DetectionsPayload>? Detections { get; }
    /// <summary>The channel's command.</summary>
    public OutputPort<CommandPayload> Command { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        string measure = config.Text("measure", "value", "value", "detection_x", "detection_y");
        const double Big = 1e9;
        double setpoint = config.Number("setpoint", -Big, Big, measure == "value" ? 0 : 0.5);
        double kp = config.Number("kp", -Big, Big), ki = config.Number("ki", -Big, Big, 0), kd = config.Number("kd", -Big, Big, 0);
        double iLimit = config.Number("integral_limit", 0, Big, 1e3), oLimit = config.Number("output_limit", 0, Big, 1e3);
        bool incremental = config.Flag("incremental", true);
        double min = config.Number("min", -Big, Big, -90), max = config.Number("max", -Big, Big, 90);
        double dt = config.Number("dt_s", 1e-5, 10, 1.0 / 30);
        int capacity = config.Integer("detections", 0, 4096, 0);
        if (min > max) config.Problem("min", $"must not exceed max ({max}), got {min}");
        if (config.Problems.Count > 0) return null!;
        return new PidController(name, measure, new Settings(new PidGains(kp, ki, kd, iLimit, oLimit), (float)setpoint, incremental, (float)min, (float)max, dt), capacity);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        CommandPayload c = Command.Payload;
        float measured;
        long ns;
        if (_fromDetections)
        {
            DetectionsPayload d = Detections!.Payload;
            ns = d.CaptureNs;
            int best = -1;
            ReadOnlySpan<Detection> items = d.Current;
            for (int i = 0; i < items.Length; i++)
                if (best < 0 || items[i].Score > items[best].Score) best = i;
            if (best < 0 || !float.IsFinite(_axisY ? items[best].CenterY : items[best].CenterX))
            {
                // Nothing to follow: hold what is on the channel and start afresh when it is seen again.
                c.Next.Values[0] = c.Applied.Values[0];
                _pid.Reset();
                _lastNs = 0;
                _lost++;
                return;
            }
            measured = _axisY ? items[best].CenterY : items[best].CenterX;
        }
        else
        {
            ValuePayload<float> v = Value!.Payload;
            ns = v.CaptureNs;
            measured = v.Value;
            if (!float.IsFinite(measured))
            {
                c.Next.Values[0] = c.Applied.Values[0];
                _lost++;
                return;
            }
        }
        double dt = _lastNs != 0 && ns > _lastNs && ns - _lastNs < 1_000_000_000 ? (ns - _lastNs) * 1e-9 : _dt;
        _lastNs = ns;
        double u = _pid.Update(_setpoint - measured, dt);
        double next = _incremental ? c.Applied.Values[0] + u : u;
        c.Next.Values[0] = (float)Math.Clamp(next, _min, _max);
        _updates++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("updates", _updates);
        report.Add("frames_without_measurement", _lost);
    }
}
