using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Components;

/// <summary>
/// <c>threshold</c>: a signal to an on/off command with hysteresis. The signal is the best
/// detection's score (<c>signal: max-score</c>, 0 with none) or the number of detections
/// (<c>count</c>) of its <c>detections</c> input, or (<c>input: value</c>) a float value such as
/// <c>vad-probability</c>'s on its <c>value</c> input, or (<c>input: tensor</c>) element 0 of a float
/// tensor on its <c>value</c> input. The command turns on once the signal has been at or above
/// <c>on</c> for <c>on_frames</c> frames in a row, and off once it has been below <c>off</c> (at most
/// <c>on</c>) for <c>off_frames</c> frames in a row (a hangover: the voice relay's 200 ms at 32 ms
/// chunks is 7). It starts from what is on the output (<see cref="CommandPayload.Applied"/>), so a
/// safe state the watchdog wrote is where it goes on from.
/// </summary>
public sealed class ThresholdControllerNode : Node
{
    private readonly double _on, _off;
    private readonly int _onFrames, _offFrames;
    private readonly bool _count;
    private readonly InputPort<DetectionsPayload>? _detections;
    private readonly InputPort<TensorPayload>? _tensor;
    private readonly InputPort<ValuePayload<float>>? _value;
    private int _run;
    private long _switches;
    private long _framesOn;

    /// <summary>The node from its configuration.</summary>
    public ThresholdControllerNode(string name, NodeConfig config) : base(name, NodeRole.Controller, Stage.Control)
    {
        ArgumentNullException.ThrowIfNull(config);
        string input = config.Text("input", "detections", "detections", "value", "tensor");
        bool detections = input == "detections";
        _count = detections && config.Text("signal", "max-score", "max-score", "count") == "count";
        int before = config.Problems.Count;
        _on = config.Number("on", -1e9, 1e9);
        _off = config.Number("off", -1e9, 1e9, _on);
        // Compared only when both were read: a bad 'on' is one problem, not a second about 'off'.
        if (config.Problems.Count == before && _off > _on) config.Problem("off", $"must be at most on ({_on}), got {_off}: the command would chatter");
        _onFrames = config.Integer("on_frames", 1, 10_000, 1);
        _offFrames = config.Integer("off_frames", 1, 10_000, 1);
        if (input == "tensor") _tensor = Input<TensorPayload>("value", PayloadType.Tensor(TensorElement.Float32, null));
        else if (input == "value") _value = Input<ValuePayload<float>>("value", PayloadType.Value<float>());
        else _detections = Input<DetectionsPayload>("detections", PayloadType.Detections());
        Command = Output("command", new CommandPayload(1));
    }

    /// <summary>The command: channel 0 is 1 (on) or 0 (off).</summary>
    public OutputPort<CommandPayload> Command { get; }
    /// <summary>Times the command changed.</summary>
    public long Switches => _switches;

    /// <inheritdoc/>
    public override void Process()
    {
        double signal;
        if (_value is not null) signal = _value.Payload.Value;
        else if (_tensor is not null) signal = _tensor.Payload.Floats[0];
        else
        {
            ReadOnlySpan<Detection> d = _detections!.Payload.Current;
            if (_count) signal = d.Length;
            else
            {
                float best = 0;
                for (int i = 0; i < d.Length; i++) if (d[i].Score > best) best = d[i].Score;
                signal = best;
            }
        }
        CommandPayload c = Command.Payload;
        bool on = c.Applied.Count > 0 && c.Applied.Values[0] >= 0.5f;
        bool wantsOther = on ? signal < _off : signal >= _on;
        _run = wantsOther ? _run + 1 : 0;
        if (_run >= (on ? _offFrames : _onFrames))
        {
            on = !on;
            _run = 0;
            _switches++;
        }
        if (on) _framesOn++;
        c.Next.Count = 1;
        c.Next.Values[0] = on ? 1f : 0f;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("switches", _switches);
        report.Add("frames_on", _framesOn);
    }
}
