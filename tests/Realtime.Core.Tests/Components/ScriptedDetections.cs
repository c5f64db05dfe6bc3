using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Components;

/// <summary>A stand-in decoder for the gate tests: one detection per frame whose score is a script (frame index → score; below 0: none), a fixed box, counting its runs.</summary>
internal sealed class ScriptedDetections : Node
{
    private int _frame;

    public ScriptedDetections(string name, Func<int, float> score, float centerX = 0.5f) : base(name, NodeRole.Transform, Stage.Decode)
    {
        Score = score;
        CenterX = centerX;
        Trigger = Input<ImagePayload>("image", PayloadType.Image(null));
        Detections = Output("detections", new DetectionsPayload(4));
    }

    public Func<int, float> Score { get; set; }
    public float CenterX { get; set; }
    public InputPort<ImagePayload> Trigger { get; }
    public OutputPort<DetectionsPayload> Detections { get; }
    public int Runs { get; private set; }

    public override void Process()
    {
        Runs++;
        float s = Score(_frame++);
        DetectionsPayload d = Detections.Payload;
        d.Count = s < 0 ? 0 : 1;
        d.Items[0] = new Detection { CenterX = CenterX, CenterY = 0.5f, Width = 0.2f, Height = 0.2f, Score = Math.Max(s, 0) };
    }
}
