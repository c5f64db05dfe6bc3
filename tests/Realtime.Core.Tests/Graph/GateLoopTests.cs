using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// Conditional execution: a gate decides before the nodes it guards, a closed gate skips them (not
/// called, outputs held, the stage stamped skipped and left out of its percentiles), a skipped
/// gate skips what it guards, every mistake in a gate's guards is one line naming the field, and
/// it all allocates nothing per frame. Ticked by hand on a <see cref="ManualClock"/>.
/// </summary>
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)]
public sealed class GateLoopTests
{
    private const long Ms = 1_000_000;
    private const long Period = 10 * Ms;
    private readonly ManualClock _clock = new();
    private PatternSource _cam = null!;
    private MeanTransform _model = null!;
    private FollowController _pid = null!;
    private RecordingSink _servo = null!;

    /// <summary>cam → model (an infer-stage transform) → pid → servo, the model guarded by <paramref name="gate"/>, declared last and at a later stage (the builder must still run it first).</summary>
    private AppGraph Gated(ScriptedGate gate)
    {
        _cam = new PatternSource("cam", _clock);
        _model = new MeanTransform("model", _clock, Stage.Infer) { CostNs = _ => 2 * Ms };
        _pid = new FollowController("pid");
        _servo = new RecordingSink("servo", safe: -1);
        return new GraphBuilder().Add(_cam).Add(_model).Add(_pid).Add(_servo).Add(gate)
            .Connect("cam.image", "model.image").Connect("model.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
    }

    private GraphLoop Loop(AppGraph g, int frames = 100) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = 0, PeriodNs = Period, DeadlineNs = 8 * Ms },
            new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3), _clock);

    [Fact]
    public void AClosedGateSkipsWhatItGuardsWhoseOutputsHoldAndWhoseStageIsStampedSkipped()
    {
        var gate = new ScriptedGate("gate", f => f % 4 == 0, Stage.Decode, "model");
        var graph = Gated(gate);
        // Declared last, at a later stage: the guard orders the gate before the model all the same.
        var order = new List<string>();
        foreach (Node n in graph.Steps) order.Add(n.Name);
        Assert.True(order.IndexOf("gate") < order.IndexOf("model"), string.Join(", ", order));
        Assert.Equal(new[] { gate }, graph.StepGates[order.IndexOf("model")]);
        Assert.Empty(graph.StepGates[order.IndexOf("pid")]);

        using var loop = Loop(graph);
        float ranValue = float.NaN;
        for (int f = 0; f < 100; f++)
        {
            loop.RunFrames(1);
            FrameRecord r = loop.Records[f];
            if (f % 4 == 0)
            {
                ranValue = _model.Mean.Payload.Value;
                Assert.Equal(0, r.SkippedStages);
                Assert.Equal(2 * Ms, r.InferEndNs - r.PreprocessEndNs);
            }
            else
            {
                // Held: the camera's pattern moved on, the model's output did not.
                Assert.Equal(ranValue, _model.Mean.Payload.Value);
                Assert.Equal(1 << (int)Stage.Infer, r.SkippedStages);
                Assert.True(r.StageSkipped((int)Stage.Infer));
                Assert.Equal(0, r.InferEndNs - r.PreprocessEndNs);
            }
        }
        Assert.Equal(25, _model.Processed);
        Assert.Equal(100, gate.Runs);
        // The unguarded controller ran every frame on the held value.
        Assert.Equal(100, _pid.Runs);
        Assert.Equal(100, _servo.Writes);

        // The report leaves the skipped frames out of the infer stage (2 ms each time it ran, never a 0) and counts them.
        var report = new RunReport();
        ReportBuilder.FillTiming(report, loop.Records, loop.Options, new Dictionary<string, long>());
        Assert.Equal(75, report.SkippedFrames);
        Assert.Equal(25, report.Stages.Infer.Count);
        Assert.Equal(2000, report.Stages.Infer.P50Us);
        Assert.Equal(2000, report.Stages.Infer.MeanUs);
        Assert.Equal(100, report.Stages.Preprocess.Count);
    }

    [Fact]
    public void ASkippedGateSkipsWhatItGuardsAndSaysItsPathDidNotRun()
    {
        var outer = new ScriptedGate("outer", f => f % 2 == 0, Stage.Preprocess, "inner");
        var inner = new ScriptedGate("inner", _ => true, Stage.Preprocess, "model");
        var graph = new GraphBuilder().Add(_cam = new PatternSource("cam", _clock)).Add(_model = new MeanTransform("model", _clock, Stage.Infer))
            .Add(_pid = new FollowController("pid")).Add(_servo = new RecordingSink("servo", safe: -1)).Add(inner).Add(outer)
            .Connect("cam.image", "model.image").Connect("model.mean", "pid.observation").Connect("pid.command", "servo.command").Build();
        using var loop = Loop(graph, 10);
        for (int f = 0; f < 10; f++)
        {
            loop.RunFrames(1);
            // The inner gate's own decision is always open; skipped, it reads closed downstream.
            Assert.Equal(f % 2 == 0, inner.IsOpen);
        }
        Assert.Equal(5, inner.Runs);
        Assert.Equal(5, _model.Processed);
    }

    [Fact]
    public void AGatedLoopAllocatesNothingPerFrame()
    {
        var gate = new ScriptedGate("gate", f => f % 3 != 1, Stage.Preprocess, "model");
        using var loop = Loop(Gated(gate), 3000);
        loop.RunFrames(1002);
        LoopOutcome outcome = LoopOutcome.Faulted;
        Action window = () => outcome = loop.RunFrames(666);
        int gc = GC.CollectionCount(0);
        long allocated = ThreadAllocations.LeastOfThree(window);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(0, allocated);
        Assert.Equal(gc, GC.CollectionCount(0));
        Assert.Equal(2000, _model.Processed);
    }

    private static string OneProblem(GraphBuilder b)
    {
        var ex = Assert.Throws<ProfileException>(() => b.Build());
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        return ex.Problems[0];
    }

    private GraphBuilder Tracker(params string[] guards)
    {
        var b = new GraphBuilder("app.json");
        b.Add(new PatternSource("cam", _clock)).Add(new MeanTransform("mean")).Add(new FollowController("pid")).Add(new RecordingSink("servo"))
            .Add(new ScriptedGate("gate", _ => true, Stage.Preprocess, guards));
        return b.Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command");
    }

    [Fact]
    public void EachMistakeInAGatesGuardsIsOneLineNamingTheField()
    {
        Assert.Equal("app.nodes[4].config.guards[1]: no node named 'modle' (nodes: cam, mean, pid, servo, gate)", OneProblem(Tracker("mean", "modle")));
        Assert.StartsWith("app.nodes[4].config.guards[0]: 'cam' is a source;", OneProblem(Tracker("cam")));
        Assert.StartsWith("app.nodes[4].config.guards[0]: 'servo' is a sink;", OneProblem(Tracker("servo")));
        Assert.Equal("app.nodes[4].config.guards[0]: a gate cannot guard itself", OneProblem(Tracker("gate")));
        Assert.Equal("app.nodes[4].config.guards[1]: 'mean' is named twice", OneProblem(Tracker("mean", "mean")));
        // A gate fed by what it guards would decide after that node ran.
        var fed = new GraphBuilder("app.json").Add(new PatternSource("cam", _clock)).Add(new MeanTransform("mean")).Add(new FollowController("pid"))
            .Add(new RecordingSink("servo")).Add(new ValueGate("gate", "pid"))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Connect("mean.mean", "gate.value");
        Assert.Equal("app.nodes[4].config.guards[0]: 'mean' feeds 'gate' (it runs before the gate decides); a gate guards nodes downstream of it or beside it",
            OneProblem(new GraphBuilder("app.json").Add(new PatternSource("cam", _clock)).Add(new MeanTransform("mean")).Add(new FollowController("pid"))
                .Add(new RecordingSink("servo")).Add(new ValueGate("gate", "mean"))
                .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command").Connect("mean.mean", "gate.value")));
        // Downstream of its input is fine.
        Assert.NotNull(fed.Build());
    }

    /// <summary>A gate reading a value (open at or above 0.5).</summary>
    private sealed class ValueGate : GateNode
    {
        public ValueGate(string name, params string[] guards) : base(name, Stage.Decode, guards)
        {
            Value = Input<ValuePayload<float>>("value", PayloadType.Value<float>());
        }

        public InputPort<ValuePayload<float>> Value { get; }

        public override void Process() => IsOpen = Value.Payload.Value >= 0.5f;
    }
}
