using System;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;
using Realtime.Onnx;
using Realtime.Tests;

namespace Realtime.Demos.Tests;

public sealed class LineFollowerLoopProbe
{
    [Fact]
    public void Probe()
    {
        using var engine = OnnxInferenceEngine.Load(TestAssets.Get("models/mlsd_320x320_tiny.onnx"), "input_image_with_alpha:0", new long[] { 1, 320, 320, 4 });
        using var rig = new LineFollowerRig(new LineFollowerSetup(), engine, 320, 0.1);
        var controller = rig.NewController();
        var loop = new ClosedLoop<LineSegments>(new ClosedLoopOptions { Frames = 400, WarmupFrames = 0, PeriodNs = 100_000_000, DeadlineNs = 1_000_000_000, Scenario = LoopScenario.SingleStream, MeasureFloor = false },
            rig.Camera, rig.Preprocessor, engine, rig.Decoder, controller, rig.Motors,
            new LoopWatchdog(FaultAction.Ignore, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 3, 10), null, rig.Metric, rig.Camera);
        string? dir = Environment.GetEnvironmentVariable("RTAPP_DRAW_DIR");
        var log = new System.Text.StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            loop.RunFrames(1);
            var o = loop.Observation;
            var e = controller.Last;
            log.AppendLine($"{i} x={rig.Plant.X:0.0} y={rig.Plant.Y:0.0} th={rig.Plant.Heading * 180 / Math.PI:0} xte={rig.Camera.CrossTrackCm:0.00} segs={o.Count} found={e.Found} tgt=({e.ForwardCm:0.0},{e.LeftCm:0.0}) votes={e.Votes} k={e.Curvature:0.000} cmd=({loop.Applied.Values[0]:0.00},{loop.Applied.Values[1]:0.00}) prog={rig.Camera.Laps.ProgressCm:0}");
            if (dir is not null && i % 20 == 0) OpenCvSharp.Cv2.ImWrite(System.IO.Path.Combine(dir, $"lf{i:000}.png"), rig.Camera.Image);
            if (rig.Camera.Laps.LapCompleted) { log.AppendLine($"lap {rig.Camera.Laps.LapTimeS:0.00}"); break; }
        }
        System.IO.File.WriteAllText("/tmp/lf-probe.log", log.ToString());
    }
}
