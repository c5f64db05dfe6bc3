using System;
using Realtime.Core.Components;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Tests;

namespace Realtime.Core.Tests.Components;

/// <summary>
/// <c>pid</c> and <c>pure-pursuit</c>: a PID closes a loop on a plant (a servo following its
/// command turns the seen target toward the set point) and holds what is on the channel when the
/// target is gone; pure pursuit drives straight at a line ahead and turns toward one to the side;
/// their settings' checks; 0 B per frame.
/// </summary>
public sealed class ControllerComponentsTests
{
    private sealed class DetectionSource : SourceNode
    {
        public DetectionSource(string name) : base(name) => Detections = Output("detections", new DetectionsPayload(4));
        public OutputPort<DetectionsPayload> Detections { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }

    [Fact]
    public void APidOnADetectionsCentreBringsItToTheSetPointThroughWhatIsOnTheChannel()
    {
        var src = new DetectionSource("cam");
        var pid = new PidController("pan", "detection_x", new PidController.Settings(new PidGains(-20, -2, 0, 5, 10), 0.5f, true, -45, 45, 1.0 / 30));
        DecoderComponentsTests.Wire([src, pid], ("cam.detections", "pan.detections"));
        // The plant: a target at 20° in the world; the camera (90° wide) sees it at 0.5 + (target - pan)/90.
        CommandPayload c = pid.Command.Payload;
        c.Applied.Values[0] = 0;
        for (int f = 0; f < 200; f++)
        {
            src.Detections.Payload.Count = 2;
            src.Detections.Payload.Items[0] = new Detection { CenterX = 0.5f + (20 - c.Applied.Values[0]) / 90f, Score = 0.9f };
            src.Detections.Payload.Items[1] = new Detection { CenterX = 0.1f, Score = 0.2f }; // a weaker one is ignored
            src.Detections.Payload.CaptureNs = 1_000_000_000L + f * 33_333_333L;
            pid.Process();
            c.Applied = c.Next;
        }
        Assert.InRange(c.Applied.Values[0], 19.5f, 20.5f);
        // Gone: the channel holds.
        src.Detections.Payload.Count = 0;
        pid.Process();
        Assert.Equal(c.Applied.Values[0], c.Next.Values[0]);
        var r = new NodeReport();
        pid.Report(r);
        Assert.Equal(200, r.Figures["updates"]);
        Assert.Equal(1, r.Figures["frames_without_measurement"]);
        src.Detections.Payload.Count = 1;
        Assert.Equal(0, ThreadAllocations.Least(pid.Process));
    }

    [Fact]
    public void AnAbsolutePidIsClampedToItsRange()
    {
        using var kit = new ComponentKit();
        var pid = (PidController)PidController.Create("p", ComponentKit.Config("""{ "kp": 100, "incremental": false, "min": -2, "max": 3, "setpoint": 1 }"""), kit.Context);
        var src = new ValueSource("v");
        DecoderComponentsTests.Wire([src, pid], ("v.value", "p.value"));
        src.Value.Payload.Value = -5;
        pid.Process();
        Assert.Equal(3f, pid.Command.Payload.Next.Values[0]);
        src.Value.Payload.Value = 5;
        pid.Process();
        Assert.Equal(-2f, pid.Command.Payload.Next.Values[0]);
        src.Value.Payload.Value = float.NaN;
        pid.Process();
        Assert.Equal(pid.Command.Payload.Applied.Values[0], pid.Command.Payload.Next.Values[0]);
    }

    [Fact]
    public void PurePursuitDrivesStraightAtALineAheadAndTurnsTowardOneToTheLeft()
    {
        var src = new SegmentSource("lsd");
        var pp = new PurePursuit("drive", new FloorView(320, 320, 40, 6), new LineSteeringSettings(20, 40, 12, 24, 8, 4, 5));
        DecoderComponentsTests.Wire([src, pp], ("lsd.segments", "drive.segments"));
        // A vertical line through the image's centre column: straight ahead.
        ref LineSegments s = ref src.Segments.Payload.Value;
        s.Count = 1;
        s.Segments[0] = new LineSegment { X1 = 160, Y1 = 0, X2 = 160, Y2 = 320, Score = 0.9f };
        pp.Process();
        CommandPayload c = pp.Command.Payload;
        Assert.Equal(0.5f, c.Next.Values[0], 3);
        Assert.Equal(0.5f, c.Next.Values[1], 3);
        // The line to the left (smaller x): the right wheel runs faster.
        s.Segments[0] = new LineSegment { X1 = 80, Y1 = 0, X2 = 80, Y2 = 320, Score = 0.9f };
        for (int i = 0; i < 3; i++) pp.Process();
        Assert.True(c.Next.Values[1] > c.Next.Values[0], $"left {c.Next.Values[0]}, right {c.Next.Values[1]}");
        // Lost: half speed for hold_frames, then stop.
        s.Count = 0;
        for (int i = 0; i < 5; i++) pp.Process();
        Assert.NotEqual(0f, c.Next.Values[0]);
        pp.Process();
        Assert.Equal(0f, c.Next.Values[0]);
        Assert.Equal(0f, c.Next.Values[1]);
        s.Count = 1;
        Assert.Equal(0, ThreadAllocations.Least(pp.Process));
    }

    [Fact]
    public void PurePursuitCountsTheCountedFramesItFoundTheLineInLeavingTheWarmUpOut()
    {
        var src = new SegmentSource("lsd");
        var pp = new PurePursuit("drive", new FloorView(320, 320, 40, 6), PurePursuit.Defaults);
        DecoderComponentsTests.Wire([src, pp], ("lsd.segments", "drive.segments"));
        ref LineSegments s = ref src.Segments.Payload.Value;
        // 3 warm-up frames: the line, none, the line; then a source fault (no run), then 5 counted: 4 with the line.
        var records = new FrameRecord[9];
        bool[] line = { true, false, true, false, true, true, false, true, true };
        for (int f = 0; f < records.Length; f++)
        {
            records[f].Flags = f < 3 ? FrameFlags.Warmup : FrameFlags.None;
            if (f == 3) { records[f].Flags |= FrameFlags.SourceFault; continue; }
            s.Count = line[f] ? 1 : 0;
            s.Segments[0] = new LineSegment { X1 = 160, Y1 = 0, X2 = 160, Y2 = 320, Score = 0.9f };
            pp.Process();
        }
        var metrics = new ApplicationMetrics();
        pp.FillMetrics(metrics, records);
        Assert.Equal(4, (long)metrics["frames_with_target"]!);
        Assert.Equal("Line: found in 4 of 6 frames", Assert.Single(metrics.SummaryLines));
        var report = new NodeReport();
        pp.Report(report);
        Assert.Equal(6, report.Figures["frames_line_found"]);
    }

    [Theory]
    [InlineData("pid", """{ }""", "app.nodes[0].config.kp: required")]
    [InlineData("pid", """{ "kp": 1, "min": 5, "max": 1 }""", "app.nodes[0].config.min: must not exceed max (1), got 5")]
    [InlineData("pid", """{ "kp": 1, "measure": "detection_z" }""", "app.nodes[0].config.measure: must be one of value, detection_x, detection_y, got 'detection_z'")]
    [InlineData("pid", """{ "kp": 1, "dt_s": 0 }""", "app.nodes[0].config.dt_s: must be between 1E-05 and 10, got 0")]
    [InlineData("pure-pursuit", """{ "lookahead_cm": 0 }""", "app.nodes[0].config.lookahead_cm: must be between 0.1 and 10000, got 0")]
    [InlineData("pure-pursuit", """{ "image_width": "wide" }""", "app.nodes[0].config.image_width: expected a whole number, got 'wide'")]
    [InlineData("pure-pursuit", """{ "cruise_cm_s": 50 }""", "app.nodes[0].config.cruise_cm_s: must be 0..max_wheel_cm_s (40), got 50")]
    public void BadSettingsAreOneProblemNamingTheField(string type, string config, string problem)
    {
        using var kit = new ComponentKit();
        Assert.Equal(problem, kit.NodeProblem(type, config));
    }

    private sealed class ValueSource : SourceNode
    {
        public ValueSource(string name) : base(name) => Value = Output("value", new ValuePayload<float>());
        public OutputPort<ValuePayload<float>> Value { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }

    private sealed class SegmentSource : SourceNode
    {
        public SegmentSource(string name) : base(name) => Segments = Output("segments", new ValuePayload<LineSegments>());
        public OutputPort<ValuePayload<LineSegments>> Segments { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }
}
