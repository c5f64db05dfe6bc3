using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;

namespace Realtime.Bench.Tests;

/// <summary>The bench driver on the real pipeline: frame counts, the floor in each scenario, durations, and nothing allocated.</summary>
public sealed class BenchDriverTests
{
    [Fact]
    public void SingleStreamRunsEveryFrameWithAFloorAfterEachAndAllocatesNothing()
    {
        using var target = BenchPipelines.FaceTracker(BenchScenario.SingleStream, frames: 200, warmup: 20);
        var run = BenchPipelines.Run(target, BenchScenario.SingleStream);
        Assert.Equal(LoopOutcome.Completed, run.Outcome);
        Assert.Null(run.Fault);
        Assert.Equal(220, run.Records.Length);
        Assert.Equal(20, run.WarmupFrames);
        Assert.Equal(200, run.CountedFrames);
        Assert.All(run.Records, r => Assert.True(r.FloorNs > 0));
        for (int i = 0; i < 20; i++) Assert.True((run.Records[i].Flags & FrameFlags.Warmup) != 0);
        for (int i = 20; i < 220; i++) Assert.True((run.Records[i].Flags & FrameFlags.Warmup) == 0);
        // The bench's blocks, duration checks and stamps add nothing to the loop's zero.
        Assert.Equal(0, run.AllocatedBytes);
        Assert.Equal(0, run.GcCollections);
        Assert.True(run.PipelineNs > 0 && run.WallNs >= run.PipelineNs);
        Assert.True(run.ThroughputFps > 0);
    }

    [Fact]
    public void MaxRateRunsFramesBackToBackAndGivesEveryCountedFrameAFloorRunFromItsBlock()
    {
        using var target = BenchPipelines.FaceTracker(BenchScenario.MaxRate, frames: 100, warmup: 10);
        Assert.False(target.Options.MeasureFloor);
        var run = BenchPipelines.Run(target, BenchScenario.MaxRate);
        Assert.Equal(LoopOutcome.Completed, run.Outcome);
        Assert.Equal(110, run.Records.Length);
        for (int i = 0; i < 10; i++) Assert.Equal(0, run.Records[i].FloorNs);
        for (int i = 10; i < 110; i++) Assert.True(run.Records[i].FloorNs > 0, $"frame {i} has no floor");
        Assert.Equal(0, run.AllocatedBytes);
        // Frames follow each other inside a block: no sleeping between them.
        Assert.Equal(0, run.DroppedFrames);
        // The floor blocks sit outside the loop's time: wall time covers both.
        Assert.True(run.WallNs > run.PipelineNs);
    }

    [Fact]
    public void PeriodicRunsAtTheRateAndADurationStopsTheRunEarly()
    {
        // 100 Hz for 0.5 s: about 50 frames of the 10,000 allocated (blocks of 32 are checked against the clock).
        using var target = BenchPipelines.FaceTracker(BenchScenario.Periodic, frames: 10_000, warmup: 5, p =>
        {
            p.Timing.RateHz = 100;
            p.Timing.DeadlineUs = 9000;
            p.Timing.BudgetsUs.Clear();
        });
        var run = BenchPipelines.Run(target, BenchScenario.Periodic, durationNs: 500_000_000);
        Assert.Equal(LoopOutcome.Stopped, run.Outcome);
        Assert.True(run.EndedByDuration);
        Assert.InRange(run.CountedFrames, 32, 10_000 - 1);
        Assert.Equal(0, run.CountedFrames % BenchDriver.BlockFrames);
        Assert.Equal(0, run.AllocatedBytes);
        Assert.All(run.Records, r => Assert.True(r.FloorNs > 0));
    }

    [Fact]
    public void ALoopBuiltForAnotherScenarioIsRefused()
    {
        using var target = BenchPipelines.FaceTracker(BenchScenario.SingleStream, frames: 10, warmup: 0);
        Assert.Throws<ArgumentException>(() => target.Run(BenchScenario.MaxRate, 0));
        Assert.Throws<ArgumentException>(() => target.Run(BenchScenario.Periodic, 0));
    }

    [Fact]
    public void AStopRequestEndsTheRunAfterTheFrameInFlight()
    {
        using var target = BenchPipelines.FaceTracker(BenchScenario.SingleStream, frames: 100, warmup: 0);
        target.RequestStop();
        var run = BenchPipelines.Run(target, BenchScenario.SingleStream);
        Assert.Equal(LoopOutcome.Stopped, run.Outcome);
        Assert.False(run.EndedByDuration);
        Assert.Empty(run.Records);
    }

    [Theory]
    [InlineData(10.0, BenchScenario.Periodic, 30.0, 0.0, 300)]
    [InlineData(10.0, BenchScenario.SingleStream, 30.0, 2_000_000.0, 5000)]
    [InlineData(1.0, BenchScenario.MaxRate, 30.0, 1.0, 1_000_000)]
    public void ADurationIsSizedFromTheRateOrTheModelAlone(double seconds, BenchScenario scenario, double rate, double modelNs, int expected)
    {
        Assert.Equal(expected, BenchPlanner.FramesFor(seconds, scenario, rate, modelNs));
    }

    [Theory]
    [InlineData("30", 30.0)]
    [InlineData("30s", 30.0)]
    [InlineData("2m", 120.0)]
    [InlineData("500ms", 0.5)]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    [InlineData("-3s", null)]
    public void DurationsParse(string text, double? seconds)
    {
        Assert.Equal(seconds, BenchPlanner.ParseDuration(text));
    }

    [Fact]
    public void ScenarioListsParseAndRejectUnknownNames()
    {
        Assert.Equal(new[] { BenchScenario.SingleStream, BenchScenario.Periodic, BenchScenario.MaxRate }, BenchScenarios.ParseList("all"));
        Assert.Equal(new[] { BenchScenario.MaxRate, BenchScenario.Periodic }, BenchScenarios.ParseList("max-rate, periodic,max-rate"));
        Assert.Null(BenchScenarios.ParseList("offline"));
        Assert.Equal("max-rate", BenchScenarios.Name(BenchScenario.MaxRate));
    }

    [Fact]
    public void TheStampCostIsMeasuredWithoutAllocating()
    {
        var s = StampCost.Measure(stamps: 100_000, repetitions: 5);
        Assert.Equal(0, s.AllocatedBytes);
        Assert.Equal(5, s.Repetitions);
        Assert.Equal(100_000, s.StampsPerRepetition);
        Assert.True(s.MinNs > 0 && s.MinNs <= s.P50Ns && s.P50Ns <= s.MaxNs);
    }
}
