using System;
using System.IO;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;
using Realtime.Hosting;

namespace RealtimeApp.Tests;

/// <summary>
/// The application's own component on a graph built by the component registry from the
/// application's profile (its follower node, its settings) and ticked by hand on a
/// <see cref="ManualClock"/>: a scene with one target and a pan/tilt mount close the loop without
/// a model or a board, so every figure is exact.
/// </summary>
public sealed class DeadBandFollowerTests
{
    private const double FovX = 72, FovY = 54;
    private readonly ManualClock _clock = new();
    private TargetScene _scene = null!;
    private PanTiltMount _mount = null!;

    private static string ProfilePath => Path.Combine(AppContext.BaseDirectory, "profile.json");

    // The application's profile, loaded as the host loads it (board facts from sim), and its follower node.
    private static (BoardProfile Board, AppNodeProfile Follower) Profile()
    {
        var (board, _) = ProfileCatalog.Load(ProfilePath);
        Assert.NotNull(board.App);
        AppNodeProfile? follower = board.App!.Nodes.Find(n => n.Type == DeadBandFollower.TypeName);
        Assert.NotNull(follower);
        return (board, follower!);
    }

    private static AppNodeProfile Follower(string config) =>
        new() { Name = "follow", Type = DeadBandFollower.TypeName, Config = JsonDocument.Parse(config).RootElement.Clone() };

    private AppGraph Build(AppNodeProfile follower)
    {
        var registry = new ComponentRegistry()
            .Register("target-scene", (name, c, ctx) => new TargetScene(name, ctx.Clock, c.Number("fov_x_deg", 1, 180), c.Number("fov_y_deg", 1, 180)))
            .Register("pan-tilt-mount", (name, c, _) => new PanTiltMount(name), role: NodeRole.Sink)
            .Register(DeadBandFollower.TypeName, DeadBandFollower.Create);
        var app = new AppProfile
        {
            Nodes =
            {
                new() { Name = "scene", Type = "target-scene", Config = JsonDocument.Parse($$"""{ "fov_x_deg": {{FovX}}, "fov_y_deg": {{FovY}} }""").RootElement.Clone() },
                follower,
                new() { Name = "mount", Type = "pan-tilt-mount" },
            },
            Connections =
            {
                new() { From = "scene.detections", To = follower.Name + ".detections" },
                new() { From = follower.Name + ".command", To = "mount.command" },
            },
        };
        AppGraph graph = registry.Build(app, new ComponentContext(Profile().Board, ProfilePath, _clock));
        _scene = (TargetScene)graph.Find("scene")!;
        _mount = (PanTiltMount)graph.Find("mount")!;
        _scene.Mount = _mount;
        return graph;
    }

    private GraphLoop Loop(AppGraph graph, int frames, int warmup = 0) =>
        new(graph, new ClosedLoopOptions { Frames = frames, WarmupFrames = warmup, PeriodNs = 33_333_333, DeadlineNs = 15_000_000 },
            new LoopWatchdog(FaultAction.HoldLast, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, escalateAfter: 3, recoverAfter: 10), _clock);

    private static double Figure(AppGraph graph, string name) => graph.Reports()["follow"].Figures[name];

    [Fact]
    public void TheFollowerPointsTheMountAtTheTargetThenRestsAllocatingNothing()
    {
        AppGraph graph = Build(Profile().Follower);
        using var loop = Loop(graph, frames: 200, warmup: 20);
        _scene.TargetPanDeg = 20;
        _scene.TargetTiltDeg = -12;
        Assert.Equal(LoopOutcome.Completed, loop.Run());

        // Inside the dead band on both axes (the profile's 0.04 of the image), and no longer moving.
        Assert.InRange(_mount.PanDeg, 20 - 0.04 * FovX, 20 + 0.04 * FovX);
        Assert.InRange(_mount.TiltDeg, -12 - 0.04 * FovY, -12 + 0.04 * FovY);
        Assert.Equal(_mount.PanDeg, loop.Applied.Values[0]);
        Assert.Equal(220, _mount.Writes);
        Assert.Equal(220, Figure(graph, "frames_with_target"));
        Assert.Equal(0, Figure(graph, "frames_without_target"));
        Assert.Equal(0, Figure(graph, "frames_at_limit"));
        double resting = Figure(graph, "frames_resting");
        Assert.InRange(resting, 200, 219);
        // The hot path: no managed allocation and no collection over the counted frames.
        Assert.Equal(200, loop.CountedFramesMeasured);
        Assert.Equal(0, loop.CountedAllocatedBytes);
        Assert.Equal(0, loop.CountedGcCollections);
    }

    [Fact]
    public void InsideTheDeadBandTheMountNeverMoves()
    {
        AppGraph graph = Build(Profile().Follower);
        using var loop = Loop(graph, frames: 50);
        _scene.TargetPanDeg = 0.03 * FovX;
        _scene.TargetTiltDeg = -0.03 * FovY;
        loop.Run();
        Assert.Equal(0f, _mount.PanDeg);
        Assert.Equal(0f, _mount.TiltDeg);
        Assert.Equal(50, Figure(graph, "frames_resting"));
    }

    [Fact]
    public void ADetectionBelowTheMinimumScoreHoldsTheCommand()
    {
        AppGraph graph = Build(Profile().Follower);
        using var loop = Loop(graph, frames: 30);
        _scene.TargetPanDeg = 20;
        _scene.Score = 0.3f;
        loop.Run();
        Assert.Equal(0f, _mount.PanDeg);
        Assert.Equal(30, Figure(graph, "frames_without_target"));
        Assert.Equal(0, Figure(graph, "frames_with_target"));
    }

    [Fact]
    public void AStepIsBoundedAndTheMountsLimitHoldsTheCommand()
    {
        AppGraph graph = Build(Follower("""{ "gain_deg": 100, "max_step_deg": 4, "pan_limit_deg": 10 }"""));
        using var loop = Loop(graph, frames: 11);
        _scene.TargetPanDeg = 30;
        loop.RunFrames(1);
        Assert.Equal(4f, _mount.PanDeg);
        loop.RunFrames(10);
        // 4, 8, then 10 (the limit) from the third frame on: nine frames held at the limit.
        Assert.Equal(10f, _mount.PanDeg);
        Assert.Equal(9, Figure(graph, "frames_at_limit"));
    }

    [Fact]
    public void ABadSettingIsNamedWithItsFieldAndNothingIsBuilt()
    {
        var ex = Assert.Throws<ProfileException>(() => Build(Follower("""{ "dead_band": 0.9, "gain": 3 }""")));
        Assert.Equal(ProfilePath, ex.Source);
        Assert.Contains("app.nodes[1].config.dead_band: must be between 0 and 0.5, got 0.9", ex.Problems);
        Assert.Contains("app.nodes[1].config.gain: unknown field", ex.Problems);
    }
}
