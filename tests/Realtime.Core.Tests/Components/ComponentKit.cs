using Realtime.Models.Components;
using System;
using System.Text.Json;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Components;

/// <summary>What the built-in component tests share: the registry with Core's components (and two real test nodes), a context on a hand-ticked clock, problems, allocation counts.</summary>
internal sealed class ComponentKit : IDisposable
{
    public ManualClock Clock { get; } = new();
    public ComponentContext Context { get; }

    public ComponentKit(BoardProfile? board = null, string? assets = null)
    {
        Context = new ComponentContext(board ?? new BoardProfile { Simulated = true }, "board.json", Clock) { AssetsDirectory = assets ?? Realtime.Tests.TestAssets.Dir };
    }

    public ComponentRegistry Registry { get; } = new ComponentRegistry().AddCoreComponents().AddModelsComponents()
        .Register("recorder", (name, c, _) => new RecordingSink(name, c.Integer("channels", 1, 8, 1), (float)c.Number("safe", -100, 100, 0)), role: NodeRole.Sink)
        .Register("tensor-rms", (name, c, _) => new TensorRms(name))
        .Register("mean", (name, c, _) => new MeanTransform(name));

    public static AppProfile App(string json) => JsonSerializer.Deserialize(json, ProfileJsonContext.Default.AppProfile)!;

    public static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), "app.nodes[0].config");

    public AppGraph Build(string json) => Registry.Build(App(json), Context);

    /// <summary>The problems of a graph that must not build, each checked to name the file.</summary>
    public string[] Problems(string json)
    {
        var ex = Assert.Throws<ProfileException>(() => Registry.Build(App(json), Context));
        Assert.Equal("board.json", ex.Source);
        return [.. ex.Problems];
    }

    /// <summary>The one problem of a single node of <paramref name="type"/> with <paramref name="config"/> (its connections left out: the node's own problem comes first).</summary>
    public string NodeProblem(string type, string config)
    {
        string[] p = Problems($$"""{ "nodes": [ { "name": "n", "type": "{{type}}", "config": {{config}} } ], "connections": [] }""");
        Assert.StartsWith("app.nodes[0].config", p[0]);
        return p[0];
    }

    public GraphLoop Loop(AppGraph g, int frames, long periodNs = 32_000_000) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = 0, PeriodNs = periodNs, DeadlineNs = periodNs },
            new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 1000, 3), Clock);

    /// <summary>
    /// Managed bytes the loop allocates over <paramref name="frames"/> frames (a multiple of 50), after as many to warm up, run 50 frames per
    /// call (a long first call's on-stack replacement of the loop method by the JIT, a one-off ~0.5 KB at tier 0, is not a frame's cost):
    /// the least of three windows of a third each, the calls left over run with the warm-up, so the loop runs 2 x frames in all.
    /// </summary>
    public static long LoopAllocated(GraphLoop loop, int frames)
    {
        int calls = frames / 50;
        for (int i = 0; i < calls + calls % 3; i++) loop.RunFrames(50);
        return ThreadAllocations.LeastOfThree(() => { for (int i = 0; i < calls / 3; i++) loop.RunFrames(50); });
    }

    public void Dispose() => Context.Dispose();
}
