using System;
using System.Collections.Generic;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A pipelined loop (<c>app.pipeline</c>) on the system clock over small real nodes: each group on
/// a thread of its own, the frame's record travelling with it, newest-wins drops between groups
/// counted, a stalled group seen by the stall watchdog, plans that cannot run refused naming the
/// field. Counts and order only, never wall-clock thresholds. Alone: the loops read the GC counters.
/// </summary>
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)]
public sealed class GraphLoopPipelineTests
{
    private PatternSource _cam = null!;
    private MeanTransform _mean = null!;
    private HoldTransform _hold = null!;
    private FollowController _pid = null!;
    private RecordingSink _servo = null!;

    // cam → mean → hold → pid → servo: the image's mean (a float) crosses after mean.
    private AppGraph Tracker()
    {
        _cam = new PatternSource("cam", SystemClock.Instance);
        _mean = new MeanTransform("mean");
        _hold = new HoldTransform("hold");
        _pid = new FollowController("pid");
        _servo = new RecordingSink("servo", safe: -1);
        return new GraphBuilder().Add(_cam).Add(_mean).Add(_hold).Add(_pid).Add(_servo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "hold.value").Connect("hold.value", "pid.observation").Connect("pid.command", "servo.command").Build();
    }

    private static AppPipelineGroupProfile Group(params string[] nodes) => new() { Nodes = new List<string>(nodes) };

    private static LoopWatchdog Watchdog() => new(FaultAction.Ignore, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3);

    private static GraphLoop Loop(AppGraph g, IReadOnlyList<AppPipelineGroupProfile> plan, int frames = 200, int warmup = 20, long periodNs = 1_000_000) =>
        new(g, new ClosedLoopOptions { Frames = frames, WarmupFrames = warmup, PeriodNs = periodNs, DeadlineNs = 1_000_000_000, Scenario = LoopScenario.Periodic },
            Watchdog(), SystemClock.Instance, new SleepSpinWaiter(), plan);

    [Fact]
    public void EachGroupRunsOnItsOwnThreadAndEveryFrameIsCountedFromCaptureToActuationWithNothingAllocated()
    {
        using var loop = Loop(Tracker(), new[] { Group("cam", "mean"), Group("hold"), Group("pid", "servo") });
        var threads = new int[3];
        loop.GroupThreadStarted = g => threads[g.Index] = Environment.CurrentManagedThreadId;
        var applied = new AppliedWatch(loop);
        loop.Attach(applied);
        Assert.True(loop.IsPipelined);
        Assert.Equal(new[] { "cam", "mean" }, loop.PipelineGroups[0].Nodes);
        Assert.Equal(new[] { "pid", "servo" }, loop.PipelineGroups[2].Nodes);

        Assert.Equal(LoopOutcome.Completed, loop.Run());

        Assert.Null(loop.Fault);
        Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
        Assert.Equal(3, new HashSet<int>(threads).Count);
        Assert.Equal(220, loop.FramesRun);
        Assert.Equal(220, _servo.Writes);
        var records = loop.Records;
        Assert.Equal(220, records.Length);
        foreach (ref readonly FrameRecord f in records)
            Assert.True(f.StartNs <= f.CaptureNs && f.CaptureNs <= f.CaptureEndNs && f.CaptureEndNs <= f.PreprocessEndNs && f.PreprocessEndNs <= f.InferEndNs
                && f.InferEndNs <= f.DecodeEndNs && f.DecodeEndNs <= f.ControlEndNs && f.ControlEndNs <= f.ActuateEndNs);
        for (int i = 1; i < records.Length; i++) Assert.True(records[i].CaptureNs > records[i - 1].CaptureNs, "frames reach the outputs in capture order");
        // What crossed is the value the source's frame produced: the controller steered off its safe value.
        Assert.Equal(_mean.Processed, _cam.Captures);
        Assert.True(_hold.Seen > 0);
        Assert.True(applied.Max > -1f, "the controller never moved the output off its safe value");
        Assert.Equal(220, applied.Frames);
        // Every thread's counted frames allocated nothing; each group counted frames of its own.
        Assert.Equal(0, loop.CountedAllocatedBytes);
        foreach (var g in loop.PipelineGroups)
        {
            Assert.True(g.CountedFrames > 0, $"{g.Field} counted no frame");
            Assert.Equal(0, g.CountedAllocatedBytes);
        }
        Assert.Equal(200, loop.CountedFramesMeasured);
        // A frame captured never reached the outputs because a newer one overtook it between groups, or because the run ended while it was in flight (at most one per boundary).
        long lost = _cam.Captures - _servo.Writes;
        Assert.InRange(lost - loop.HandoffDrops, 0, 2);
    }

    [Fact]
    public void AGroupSlowerThanThePeriodDropsTheOlderFramesAtItsInputAndTheRunStillCompletes()
    {
        using var loop = Loop(Tracker(), new[] { Group("cam", "mean"), Group("hold", "pid", "servo") }, frames: 30, warmup: 0);
        // The second group takes 4 periods a frame: the first keeps capturing, and only the newest waiting frame goes on.
        _hold.SleepMs = 4;
        Assert.Equal(LoopOutcome.Completed, loop.Run());
        Assert.Equal(30, _servo.Writes);
        Assert.True(loop.PipelineGroups[1].DroppedAtInput > 0);
        Assert.Equal(loop.HandoffDrops, loop.PipelineGroups[1].DroppedAtInput);
        Assert.True(loop.DroppedFrames >= loop.HandoffDrops);
        Assert.True(_cam.Captures > 30);
        // The overtaken frames reach the report through the records of the frames that overtook them; the
        // group's counted drops are those (frames overwritten after its last take were in flight when the run ended).
        long carried = 0;
        foreach (var r in loop.Records) carried += r.DroppedBefore;
        var slow = loop.PipelineGroups[1];
        Assert.True(slow.CountedDroppedAtInput > 0);
        Assert.True(slow.CountedDroppedAtInput <= slow.DroppedAtInput);
        // The records also carry the ticks the capture itself fell behind by (the rest of the loop's dropped frames).
        Assert.InRange(carried, slow.CountedDroppedAtInput, slow.CountedDroppedAtInput + loop.DroppedFrames - loop.HandoffDrops);
    }

    [Fact]
    public void AStalledGroupStopsTheLoopsProgressSoTheStallWatchdogLatchesTheOutputsSafe()
    {
        using var loop = Loop(Tracker(), new[] { Group("cam", "mean"), Group("hold"), Group("pid", "servo") }, frames: 0, warmup: 0);
        using var release = new ManualResetEventSlim();
        _hold.BlockAt = 20;
        _hold.Release = release;
        using var watchdog = new WatchdogThread(loop, stallTimeoutNs: 100_000_000, checkPeriodNs: 5_000_000, FaultAction.SafeState, Array.Empty<IWatchdogKick>());
        watchdog.Start();
        var run = new Thread(() => loop.Run());
        run.Start();
        // The first and last groups keep waiting for frames; the middle one is stuck: the watchdog sees it.
        Assert.True(SpinWait.SpinUntil(() => watchdog.Stalls > 0, 30_000), "the stall was not seen");
        Assert.True(_servo.SafeWrites > 0);
        Assert.Equal(-1f, _servo.Output.Values[0]);
        release.Set();
        loop.RequestStop();
        Assert.True(run.Join(30_000));
    }

    [Theory]
    [InlineData(new[] { "cam,mean", "nope,pid,servo" }, "app.pipeline[1].nodes: no node is named 'nope'")]
    [InlineData(new[] { "cam,mean", "mean,hold,pid,servo" }, "app.pipeline[1].nodes: 'mean' is already in app.pipeline[0]")]
    [InlineData(new[] { "mean,hold", "cam,pid,servo" }, "app.pipeline[1]: 'cam' is a source")]
    [InlineData(new[] { "cam,mean,pid", "hold,servo" }, "app.pipeline[0]: 'pid' feeds an output")]
    [InlineData(new[] { "cam,hold", "mean,pid,servo" }, "app.pipeline[0]: 'hold' reads 'mean.mean' from a later group")]
    public void APlanTheGraphCannotRunIsRefusedNamingTheGroup(string[] groups, string expected)
    {
        var plan = new List<AppPipelineGroupProfile>();
        foreach (string g in groups) plan.Add(Group(g.Split(',')));
        var ex = Assert.Throws<ArgumentException>(() => Loop(Tracker(), plan));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodesLeftOutRunWithTheirInputsAndTheOutputsActInTheLastGroup()
    {
        using var loop = Loop(Tracker(), new[] { new AppPipelineGroupProfile { Stages = new List<string> { "capture", "preprocess" } }, Group("hold") });
        Assert.Equal(new[] { "cam", "mean" }, loop.PipelineGroups[0].Nodes);
        Assert.Equal(new[] { "hold", "pid", "servo" }, loop.PipelineGroups[1].Nodes);
        Assert.Throws<InvalidOperationException>(() => loop.RunFrames(1));
    }

    /// <summary>What reached the outputs, seen at each frame's end (on the last group's thread).</summary>
    private sealed class AppliedWatch(GraphLoop loop) : LoopInstrument
    {
        public float Max = float.MinValue;
        public int Frames;

        public override void OnFrameEnd(int frame, ref FrameRecord record)
        {
            Max = Math.Max(Max, loop.Applied.Values[0]);
            Frames++;
        }
    }

    /// <summary>A value passed on unchanged; it can sleep each frame (a slow stage) or block at one frame until released (a stall).</summary>
    private sealed class HoldTransform : Node
    {
        private int _frame;

        public HoldTransform(string name) : base(name, NodeRole.Transform, Stage.Decode)
        {
            In = Input<ValuePayload<float>>("value", PayloadType.Value<float>());
            Out = Output("value", new ValuePayload<float>());
        }

        public InputPort<ValuePayload<float>> In { get; }
        public OutputPort<ValuePayload<float>> Out { get; }
        public int SleepMs { get; set; }
        public int BlockAt { get; set; } = -1;
        public ManualResetEventSlim? Release { get; set; }
        public int Seen;

        public override void Process()
        {
            if (_frame++ == BlockAt) Release!.Wait();
            if (SleepMs > 0) Thread.Sleep(SleepMs);
            Out.Payload.Value = In.Payload.Value;
            if (In.Payload.Value > 0) Seen++;
        }
    }
}
