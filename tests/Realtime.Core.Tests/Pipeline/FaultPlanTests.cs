using System;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Pipeline;

public sealed class FaultPlanTests
{
    [Fact]
    public void ParsesEveryKindWithItsWindow()
    {
        var plan = FaultPlan.Parse("slow:infer:20:every=2:from=10:to=30, crash:decode:at=50, stall-source:500:at=7, dead-source:from=3:to=4, garbage-source:from=5");
        var f = plan.Faults;
        Assert.Equal(5, f.Length);
        Assert.Equal(new InjectedFault(InjectedFaultKind.Slow, Stage.Infer, 20_000_000, 2, 10, 30), f[0]);
        Assert.Equal(new InjectedFault(InjectedFaultKind.Crash, Stage.Decode, 0, 1, 50, 50), f[1]);
        Assert.Equal(new InjectedFault(InjectedFaultKind.StallSource, Stage.Capture, 500_000_000, 1, 7, 7), f[2]);
        Assert.Equal(InjectedFaultKind.DeadSource, f[3].Kind);
        Assert.Equal(int.MaxValue, f[4].To);
    }

    [Fact]
    public void ADropMemoryFaultNamesItsStageAndSizeAndThePlanSaysTheBufferItNeeds()
    {
        var plan = FaultPlan.Parse("drop-memory:preprocess:32:every=10:from=20, drop-memory:infer:8mb:at=3, slow:infer:1");
        Assert.Equal(new InjectedFault(InjectedFaultKind.DropMemory, Stage.Preprocess, 0, 10, 20, int.MaxValue, 32L << 20), plan.Faults[0]);
        Assert.Equal(8L << 20, plan.Faults[1].Bytes);
        Assert.Equal(32L << 20, plan.DropMemoryBytes);
        Assert.Equal(0, FaultPlan.Parse("slow:infer:1").DropMemoryBytes);
        // Only on its stage and frames, and only into the memory the host gave it.
        var memory = new CountingMemory();
        plan.Memory = memory;
        plan.AtStage(Stage.Preprocess, 19);
        plan.AtStage(Stage.Infer, 20);
        plan.AtStage(Stage.Preprocess, 20);
        plan.AtStage(Stage.Preprocess, 25);
        plan.AtStage(Stage.Preprocess, 30);
        Assert.Equal(new long[] { 32L << 20, 32L << 20 }, memory.Drops.ToArray());
        Assert.Contains("'drop-memory:preprocess' starts at frame 20", Assert.Throws<FormatException>(() => plan.CheckWithin(20)).Message);
    }

    private sealed class CountingMemory : IDroppableMemory
    {
        public System.Collections.Generic.List<long> Drops { get; } = new();
        public void DropAndTouch(long bytes) => Drops.Add(bytes);
    }

    [Theory]
    [InlineData("slow:infer", "expected slow:STAGE:MS")]
    [InlineData("slow:warp:5", "unknown stage 'warp'")]
    [InlineData("crash:decode", "expected crash:STAGE:at=FRAME")]
    [InlineData("melt:infer:5", "unknown kind 'melt'")]
    [InlineData("slow:infer:5:when=3", "unknown setting 'when'")]
    [InlineData("slow:infer:fast", "'fast' is not a duration")]
    [InlineData("dead-source:from=9:to=3", "from is after to")]
    [InlineData("drop-memory:infer", "expected drop-memory:STAGE:MB")]
    [InlineData("drop-memory:infer:0", "'0' is not a size in MB (1 to 256)")]
    [InlineData("drop-memory:infer:257", "'257' is not a size in MB")]
    public void MistakesNameThePartThatIsWrong(string spec, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => FaultPlan.Parse(spec));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void AFaultPastTheRunsLastFrameIsRefusedNotSilentlyIgnored()
    {
        // 30 warm-up + 900 counted frames: frames 0..929.
        var past = Assert.Throws<FormatException>(() => FaultPlan.Parse("crash:decode:at=999").CheckWithin(930));
        Assert.Equal("fault 'crash:decode' starts at frame 999, after the run's last frame 929 (frames count from 0, warm-up included): it would never fire", past.Message);
        Assert.Contains("'dead-source' starts at frame 930", Assert.Throws<FormatException>(() => FaultPlan.Parse("slow:infer:5:from=3,dead-source:from=930").CheckWithin(930)).Message);
        FaultPlan.Parse("crash:decode:at=929").CheckWithin(930);            // the last frame still fires
        FaultPlan.Parse("slow:infer:5:from=900:to=5000").CheckWithin(930);  // a window that overlaps the run fires for its part
    }

    [Fact]
    public void APlanHoldsAtMostItsLimitOfFaults()
    {
        string many = string.Join(',', System.Linq.Enumerable.Repeat("dead-source:from=1", FaultPlan.MaxFaults + 1));
        Assert.Contains($"more than {FaultPlan.MaxFaults} faults", Assert.Throws<FormatException>(() => FaultPlan.Parse(many)).Message);
        Assert.Equal(FaultPlan.MaxFaults, FaultPlan.Parse(string.Join(',', System.Linq.Enumerable.Repeat("dead-source:from=1", FaultPlan.MaxFaults))).Faults.Length);
    }

    [Fact]
    public void ACrashThrowsOnlyInItsStageAndFrame()
    {
        var plan = FaultPlan.Parse("crash:decode:at=5");
        plan.AtStage(Stage.Decode, 4);
        plan.AtStage(Stage.Infer, 5);
        Assert.Throws<InjectedCrashException>(() => plan.AtStage(Stage.Decode, 5));
    }

    [Fact]
    public void SourceFaultsApplyInsideTheirWindowAndEveryNth()
    {
        var plan = FaultPlan.Parse("dead-source:from=10:to=14:every=2");
        Assert.Null(plan.AtSource(9));
        Assert.Equal(InjectedFaultKind.DeadSource, plan.AtSource(10));
        Assert.Null(plan.AtSource(11));
        Assert.Equal(InjectedFaultKind.DeadSource, plan.AtSource(12));
        Assert.Null(plan.AtSource(15));
    }
}
