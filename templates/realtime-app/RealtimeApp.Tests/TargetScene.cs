using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace RealtimeApp.Tests;

/// <summary>
/// A source for tests: one target at a fixed direction (degrees), seen by a camera on
/// <see cref="Mount"/> with the given field of view, as one detection in image coordinates (0..1).
/// The mount's angles close the loop: the follower's commands move where the target appears.
/// </summary>
internal sealed class TargetScene : SourceNode
{
    private readonly IClock _clock;
    private readonly OutputPort<DetectionsPayload> _detections;

    public TargetScene(string name, IClock clock, double fovXDeg, double fovYDeg) : base(name)
    {
        _clock = clock;
        FovXDeg = fovXDeg;
        FovYDeg = fovYDeg;
        _detections = Output("detections", new DetectionsPayload(4));
    }

    public double FovXDeg { get; }
    public double FovYDeg { get; }
    public PanTiltMount? Mount { get; set; }
    public double TargetPanDeg { get; set; }
    public double TargetTiltDeg { get; set; }
    public float Score { get; set; } = 0.9f;

    protected override CaptureStatus Capture()
    {
        DetectionsPayload d = _detections.Payload;
        double pan = Mount?.PanDeg ?? 0, tilt = Mount?.TiltDeg ?? 0;
        double x = 0.5 + (TargetPanDeg - pan) / FovXDeg, y = 0.5 + (TargetTiltDeg - tilt) / FovYDeg;
        d.Count = 0;
        if (x is >= 0 and <= 1 && y is >= 0 and <= 1)
        {
            d.Items[0] = new Detection { CenterX = (float)x, CenterY = (float)y, Width = 0.1f, Height = 0.1f, Score = Score };
            d.Count = 1;
        }
        CaptureNs = _clock.NowNs();
        d.CaptureNs = CaptureNs;
        return CaptureStatus.Ok;
    }
}
