using System;
using System.Numerics;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Components;

/// <summary>
/// The change gate, the cascade, select and detection-agreement on small real graphs ticked by
/// hand: which path each frame takes and the counts, held results, K, the figures, and each bad
/// setting as one line naming its field.
/// </summary>
public sealed class GateComponentsTests
{
    private const long Ms = 1_000_000;
    private readonly ComponentKit _kit = new();

    private GraphLoop Loop(AppGraph g, int frames) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = 0, PeriodNs = 10 * Ms, DeadlineNs = 8 * Ms, FlatFramesForFault = 0 },
            new LoopWatchdog(FaultAction.Ignore, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3), _kit.Clock);

    private Node Create(ComponentFactory factory, string json)
    {
        NodeConfig config = ComponentKit.Config(json);
        Node node = factory("gate", config, _kit.Context);
        config.CheckUnknown();
        Assert.Empty(config.Problems);
        return node;
    }

    private string[] Problems(ComponentFactory factory, string json)
    {
        NodeConfig config = ComponentKit.Config(json);
        factory("gate", config, _kit.Context);
        return [.. config.Problems];
    }

    /// <summary>cam → pre (tensor) → gate; pre → rms (guarded) → pid → servo.</summary>
    private (AppGraph Graph, PatternSource Cam, TensorRms Rms) ChangeGated(ChangeGate gate)
    {
        var cam = new PatternSource("cam", _kit.Clock, 32, 32);
        var rms = new TensorRms("rms");
        var g = new GraphBuilder().Add(cam).Add(new ImageToTensor("pre", 32, 32)).Add(gate).Add(rms).Add(new FollowController("pid")).Add(new RecordingSink("servo"))
            .Connect("cam.image", "pre.image").Connect("pre.tensor", "gate.tensor").Connect("pre.tensor", "rms.tensor")
            .Connect("rms.rms", "pid.observation").Connect("pid.command", "servo.command").Build();
        return (g, cam, rms);
    }

    [Fact]
    public void TheChangeGateSkipsAStillSceneUpToMaxSkipsAndRunsEveryFrameOfAMovingOne()
    {
        var gate = (ChangeGate)Create(ChangeGate.Create, """{ "guards": ["rms"], "threshold": 0.002, "max_skips": 9 }""");
        var (graph, cam, rms) = ChangeGated(gate);
        cam.StillFrom = 20;
        using var loop = Loop(graph, 120);
        loop.RunFrames(120);
        // Frames 0..20 change (each pixel moves 1/255 > 0.002); from 21 on the scene is still: 9 skipped, the 10th runs (K), and again.
        Assert.Equal(21, gate.RanChanged);
        Assert.Equal(99 / 10, gate.RanAtMaxSkips);
        Assert.Equal(120 - 21 - 99 / 10, gate.Skipped);
        Assert.Equal(gate.RanChanged + gate.RanAtMaxSkips, RmsRuns(loop));
        int skippedFrames = 0;
        foreach (ref readonly FrameRecord r in loop.Records) if (r.StageSkipped((int)Stage.Decode)) skippedFrames++;
        Assert.Equal(gate.Skipped, skippedFrames);
        var report = new NodeReport();
        gate.Report(report);
        Assert.Equal(gate.Skipped, report.Figures["skipped"]);
        Assert.Equal(Math.Round(gate.Skipped / 120.0, 4), report.Figures["skip_ratio"]);

        // The threshold above what a moving frame changes: only K forces a run.
        var strict = (ChangeGate)Create(ChangeGate.Create, """{ "guards": ["rms"], "threshold": 0.5, "max_skips": 3, "stride": 2 }""");
        var (g2, _, _) = ChangeGated(strict);
        using var loop2 = Loop(g2, 40);
        loop2.RunFrames(40);
        Assert.Equal(1, strict.RanChanged);
        Assert.Equal(39 / 4, strict.RanAtMaxSkips);
    }

    private static int RmsRuns(GraphLoop loop)
    {
        int ran = 0;
        foreach (ref readonly FrameRecord r in loop.Records) if (!r.StageSkipped((int)Stage.Decode)) ran++;
        return ran;
    }

    [Fact]
    public void TheMeanAbsoluteDifferenceIsTheScalarOneOverTheComparedElements()
    {
        int w = Vector<float>.Count;
        var rng = new Random(7);
        foreach (int n in new[] { 1, w - 1, w, w + 3, 5 * w, 7 * w + 5, 49152 })
            foreach (int stride in new[] { 1, 2, 3 })
            {
                var x = new float[n];
                var reference = new float[n];
                for (int i = 0; i < n; i++) { x[i] = (float)rng.NextDouble() * 2 - 1; reference[i] = (float)rng.NextDouble() * 2 - 1; }
                // The reference the gate keeps: the compared vectors packed, then the tail.
                int blocks = n / w;
                var kept = new System.Collections.Generic.List<float>();
                double sum = 0;
                for (int b = 0; b < blocks; b += stride)
                    for (int i = b * w; i < b * w + w; i++) { kept.Add(reference[i]); sum += Math.Abs(x[i] - reference[i]); }
                for (int i = blocks * w; i < n; i++) { kept.Add(reference[i]); sum += Math.Abs(x[i] - reference[i]); }
                float got = ChangeGate.MeanAbsoluteDifference(x, kept.ToArray(), stride);
                Assert.True(Math.Abs(got - sum / kept.Count) < 1e-4, $"n {n} stride {stride}: {got} against {sum / kept.Count}");
            }
    }

    [Fact]
    public void EachBadGateSettingIsOneLineNamingItsField()
    {
        Assert.Equal(new[] { "app.nodes[0].config.threshold: must be between 0 and 1000, got -0.1" },
            Problems(ChangeGate.Create, """{ "guards": ["m"], "threshold": -0.1, "max_skips": 5 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.max_skips: must be between 1 and 10000, got 0" },
            Problems(ChangeGate.Create, """{ "guards": ["m"], "threshold": 0.1, "max_skips": 0 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.guards: must have 1 to 64 entries, got 0" },
            Problems(ChangeGate.Create, """{ "guards": [], "threshold": 0.1, "max_skips": 5 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.guards[1]: expected non-empty text, got 3" },
            Problems(ChangeGate.Create, """{ "guards": ["m", 3], "threshold": 0.1, "max_skips": 5 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.low: must be at most high (0.2), got 0.9: the band would be empty" },
            Problems(Cascade.Create, """{ "guards": ["m"], "low": 0.9, "high": 0.2 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.high: must be between 0 and 1, got 1.5" },
            Problems(Cascade.Create, """{ "guards": ["m"], "low": 0.2, "high": 1.5 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.every: must be between 0 and 100000, got -1" },
            Problems(Cascade.Create, """{ "guards": ["m"], "low": 0.2, "high": 0.5, "every": -1 }"""));
        Assert.Equal(new[] { "app.nodes[0].config.capacity: must be between 1 and 256, got 0" },
            Problems(SelectDetections.Create, """{ "capacity": 0 }"""));
    }

    [Fact]
    public void TheCascadeRunsTheExpensivePathWhenTheCheapOneIsUnsureOrOnTheNthFrameAndSelectTakesThatPath()
    {
        // The cheap score walks 0.3 … 0.9 with none (its decoder's threshold is low) on 3 frames of 10; unsure in [0.3, 0.7]; every 7th frame forced.
        var cheap = new ScriptedDetections("cheap", f => f % 10 < 3 ? -1 : f % 10 / 10f, centerX: 0.3f);
        var expensive = new ScriptedDetections("expensive", _ => 0.99f, centerX: 0.6f);
        var cascade = (Cascade)Create(Cascade.Create, """{ "guards": ["expensive"], "low": 0.3, "high": 0.7, "every": 7 }""");
        var select = new SelectDetections("faces", 4);
        var agreement = new DetectionAgreement("agreement");
        var reference = new ScriptedDetections("reference", _ => 0.99f, centerX: 0.6f);
        var g = new GraphBuilder().Add(new PatternSource("cam", _kit.Clock)).Add(cheap).Add(cascade).Add(expensive).Add(select).Add(reference).Add(agreement)
            .Add(new ThresholdControllerNode("presence", ComponentKit.Config("""{ "on": 0.5 }"""))).Add(new RecordingSink("relay"))
            .Connect("cam.image", "cheap.image").Connect("cam.image", "expensive.image").Connect("cam.image", "reference.image")
            .Connect("cheap.detections", "gate.cheap").Connect("gate.open", "faces.open")
            .Connect("expensive.detections", "faces.when_open").Connect("cheap.detections", "faces.when_closed")
            .Connect("faces.detections", "presence.detections").Connect("presence.command", "relay.command")
            .Connect("faces.detections", "agreement.detections").Connect("reference.detections", "agreement.reference").Build();
        using var loop = Loop(g, 70);
        for (int f = 0; f < 70; f++)
        {
            loop.RunFrames(1);
            float s = f % 10 < 3 ? 0 : f % 10 / 10f;
            bool unsure = s >= 0.3f && s <= 0.7f, open = unsure || f % 7 == 0;
            Assert.Equal(open, cascade.IsOpen);
            Assert.Equal(s, cascade.LastScore);
            // The expensive box on the frames it ran, the cheap one (or none) on the others.
            var d = select.Detections.Payload;
            if (open) Assert.Equal(0.6f, d.Items[0].CenterX);
            else if (f % 10 < 3) Assert.Equal(0, d.Count);
            else Assert.Equal(0.3f, d.Items[0].CenterX);
        }
        // Per 10 frames: 5 unsure (0.3 … 0.7), 2 sure found (0.8, 0.9), 3 sure none (none, 0.1, 0.2); then the 7th frames among the sure ones.
        int forced = 0, found = 0, none = 0;
        for (int f = 0; f < 70; f++)
        {
            int k = f % 10;
            if (k is >= 3 and <= 7) continue;
            if (f % 7 == 0) forced++;
            else if (k >= 8) found++;
            else none++;
        }
        Assert.Equal(35, cascade.ExpensiveUnsure);
        Assert.Equal(forced, cascade.ExpensiveEvery);
        Assert.Equal(found, cascade.CheapSureFound);
        Assert.Equal(none, cascade.CheapSureNone);
        Assert.Equal(35 + forced, expensive.Runs);
        Assert.Equal(70, cheap.Runs);
        var figures = new NodeReport();
        select.Report(figures);
        Assert.Equal(35 + forced, figures.Figures["from_open"]);
        Assert.Equal(70 - 35 - forced, figures.Figures["from_closed"]);

        // Against the expensive model on every frame: the cheap box (x 0.3 against 0.6, no overlap) on the sure-found frames, nothing on the sure-none ones.
        Assert.Equal(35 + forced, agreement.IouAtLeastHalf);
        Assert.Equal(35 + forced + found, agreement.BothFound);
        Assert.Equal(none, agreement.OnlyReference);
        Assert.Equal(0, agreement.OnlyDetections);
        Assert.Equal(0, agreement.Neither);
        var a = new NodeReport();
        agreement.Report(a);
        Assert.Equal(1.0, a.Figures["iou_p50"]);
        Assert.Equal(Math.Round(100.0 * (35 + forced + found) / 70, 2), a.Figures["presence_agreement_pct"]);
    }
}
