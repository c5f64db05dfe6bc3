using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Components;

/// <summary>A real, small source of detections: frame f carries one detection of score <c>Scores[f]</c> (none when the score is 0).</summary>
internal sealed class ScriptedScores : SourceNode
{
    private readonly IClock _clock;
    private readonly float[] _scores;
    private int _frame;

    public ScriptedScores(string name, IClock clock, params float[] scores) : base(name)
    {
        _clock = clock;
        _scores = scores;
        Detections = Output("detections", new DetectionsPayload(4));
        Value = Output("value", new ValuePayload<float>());
    }

    public OutputPort<DetectionsPayload> Detections { get; }
    /// <summary>The frame's score as a float value (a probability, as vad-probability gives).</summary>
    public OutputPort<ValuePayload<float>> Value { get; }

    protected override CaptureStatus Capture()
    {
        if (_frame >= _scores.Length) return CaptureStatus.Ended;
        float s = _scores[_frame++];
        var d = Detections.Payload;
        d.Count = s > 0 ? 1 : 0;
        if (s > 0) d.Items[0] = new Detection { CenterX = 0.5f, CenterY = 0.5f, Width = 0.1f, Height = 0.1f, Score = s };
        CaptureNs = _clock.NowNs() + _frame;
        d.CaptureNs = CaptureNs;
        Value.Payload.Value = s;
        Value.Payload.CaptureNs = CaptureNs;
        return CaptureStatus.Ok;
    }
}
