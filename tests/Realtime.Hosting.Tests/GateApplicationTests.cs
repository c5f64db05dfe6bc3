using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;
using Realtime.Hosting;
using Realtime.Hosting.Commands;
using Realtime.Tests;

namespace Realtime.Hosting.Tests;

/// <summary>
/// The change gate and the cascade on the real pipeline (the sim video, BlazeFace-128 and -256):
/// the gate skips most frames of a still scene and few of the moving video, the cascade's paths on
/// real frames, what each costs against the full model run every frame in the same graph, 0 B per
/// counted frame, and a bad setting refused naming its field.
/// </summary>
[Collection(LoopCountersCollection.Name)]
public sealed class GateApplicationTests
{
    // 274 frames: the sim video once round.
    private const int Frames = 270, Warmup = 4;

    private static string Sample(string name) => Path.Combine(TestAssets.RepoRoot, "samples", "profiles", name);

    private static GraphApplicationInstance Build(string profile, params string[] sets)
    {
        var host = new RealtimeHost("test").AddDemos();
        var (p, source) = ProfileCatalog.Load(Sample(profile), sets);
        return (GraphApplicationInstance)host.ApplicationFor(p, source).Build(new ApplicationContext(p, source)
        {
            AssetsDirectory = TestAssets.Dir,
            Overrides = new RunOverrides { Frames = Frames, WarmupFrames = Warmup, Scenario = LoopScenario.SingleStream },
        });
    }

    private static (ChangeGate Gate, Dictionary<string, NodeReport> Nodes) RunGate(params string[] sets)
    {
        using var app = Build("face-change-gate.json", sets);
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);
        Assert.Equal(0, app.Loop.CountedGcCollections);
        var gate = Assert.IsType<ChangeGate>(app.Graph.Find("gate"));
        var nodes = app.Graph.Reports();
        // The model ran exactly on the frames the gate opened; the reference on every frame.
        Assert.Equal(gate.RanChanged + gate.RanAtMaxSkips, nodes["blazeface"].Figures["runs"]);
        Assert.Equal(Frames + Warmup, nodes["reference"].Figures["runs"]);
        Assert.Equal(Frames + Warmup, gate.RanChanged + gate.RanAtMaxSkips + gate.Skipped);
        return (gate, nodes);
    }

    [Fact]
    public void TheChangeGateSkipsMostFramesOfAStillSceneAtNoCostAndFewOfTheMovingVideo()
    {
        var (still, stillNodes) = RunGate("app.nodes[0].config.still=true");
        // Identical frames: only the first ran on a change, then every 16th at max_skips 15.
        Assert.Equal(1, still.RanChanged);
        Assert.Equal((Frames + Warmup - 1) / 16, still.RanAtMaxSkips);
        Assert.True(still.Skipped >= 0.9 * (Frames + Warmup), $"skipped {still.Skipped}");
        // The held result is the fresh one on a still scene.
        var a = stillNodes["agreement"].Figures;
        Assert.Equal(100, a["presence_agreement_pct"]);
        Assert.Equal(0, a["only_reference"] + a["only_detections"]);

        var (moving, movingNodes) = RunGate();
        Assert.True(moving.Skipped <= 0.25 * (Frames + Warmup), $"skipped {moving.Skipped} of the moving video's {Frames + Warmup} frames");
        Assert.True(moving.RanChanged > still.RanChanged + still.RanAtMaxSkips);
        var m = movingNodes["agreement"].Figures;
        Assert.True(m["presence_agreement_pct"] >= 90, $"presence agreement {m["presence_agreement_pct"]}%");
        Console.WriteLine($"change gate: still skipped {still.Skipped}/{Frames + Warmup}, moving skipped {moving.Skipped}/{Frames + Warmup}; moving agreement {m["presence_agreement_pct"]}%, iou p50 {(m.TryGetValue("iou_p50", out double p) ? p : double.NaN)}");
    }

    [Fact]
    public void TheCascadesPathsOnRealFramesAddUpAndTheExpensiveModelRunsOnlyOnThem()
    {
        using var app = Build("face-cascade.json");
        Assert.Equal(LoopOutcome.Completed, app.Loop.Run());
        Assert.Equal(0, app.Loop.CountedAllocatedBytes);
        Assert.Equal(0, app.Loop.CountedGcCollections);
        var cascade = Assert.IsType<Cascade>(app.Graph.Find("cascade"));
        var nodes = app.Graph.Reports();
        long expensive = cascade.ExpensiveUnsure + cascade.ExpensiveEvery;
        Assert.Equal(Frames + Warmup, cascade.CheapSureFound + cascade.CheapSureNone + expensive);
        Assert.Equal(Frames + Warmup, nodes["cheap"].Figures["runs"]);
        Assert.Equal(expensive, nodes["big"].Figures["runs"]);
        Assert.Equal(expensive, nodes["faces"].Figures["from_open"]);
        Assert.Equal(Frames + Warmup, nodes["reference"].Figures["runs"]);
        // Every 10th frame at least; the cheap model decided the rest of them.
        Assert.True(cascade.ExpensiveEvery >= (Frames + Warmup) / 10 - cascade.ExpensiveUnsure, $"every: {cascade.ExpensiveEvery}");
        // On the real video the cheap model is sure of most frames and unsure of some.
        Assert.True(cascade.CheapSureFound > expensive, $"sure of {cascade.CheapSureFound} frames, the expensive path ran on {expensive}");
        Assert.True(cascade.ExpensiveUnsure > 0, "the cheap model was never unsure");
        var a = nodes["agreement"].Figures;
        Console.WriteLine($"cascade: sure found {cascade.CheapSureFound}, sure none {cascade.CheapSureNone}, unsure {cascade.ExpensiveUnsure}, every {cascade.ExpensiveEvery}; agreement {a["presence_agreement_pct"]}%, iou p50 {(a.TryGetValue("iou_p50", out double p) ? p : double.NaN)}");
    }

    [Fact]
    public void ACascadeWhoseCheapDecoderDropsTheBandIsRefusedNamingLow()
    {
        var ex = Assert.Throws<ProfileException>(() => Build("face-cascade.json", "app.nodes[3].config.score_threshold=0.5"));
        string line = Assert.Single(ex.Problems);
        Assert.StartsWith("app.nodes[4].config.low: is 0.3, below the score_threshold 0.5 of the cheap decoder 'cheap-faces'", line);
    }

    [Fact]
    public void AGuardNamingNoNodeIsRefusedNamingTheField()
    {
        var ex = Assert.Throws<ProfileException>(() => Build("face-change-gate.json", "app.nodes[2].config.guards[1]=decoder"));
        Assert.StartsWith("app.nodes[2].config.guards[1]: no node named 'decoder' (nodes: camera, pre, gate,", Assert.Single(ex.Problems));
    }
}
