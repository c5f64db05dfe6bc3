using System;
using System.Collections.Generic;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>A profile's scheduling policy over its loops: the priorities or reservations each thread gets, the order admission analyses, and what each policy refuses, by field, loop and numbers.</summary>
public sealed class SchedulingPlanTests
{
    private static PlannedLoop Loop(string name, long periodMs, long deadlineMs, int[] cores, int priority = 0, long runtimeMs = 0, int index = 0) =>
        new(name, periodMs * 1_000_000, deadlineMs * 1_000_000, cores, priority, runtimeMs * 1_000_000, $"apps[{index}]");

    private static readonly PlannedLoop[] Three =
    {
        Loop("tracker", 66, 60, new[] { 1 }, priority: 60, runtimeMs: 10, index: 0),
        Loop("relay", 32, 30, new[] { 0 }, priority: 70, runtimeMs: 5, index: 1),
        Loop("lines", 200, 190, new[] { 1 }, priority: 80, runtimeMs: 20, index: 2),
    };

    [Fact]
    public void ManualKeepsTheWrittenPrioritiesAndAdmissionAnalysesTheirOrder()
    {
        var problems = new List<string>();
        var plan = SchedulingPlan.Plan(LoopPolicy.Manual, Three, 50, 79, 2, problems, out int[] order);
        Assert.Empty(problems);
        Assert.Equal(new[] { 60, 70, 80 }, Array.ConvertAll(plan, s => s.Priority));
        Assert.All(plan, s => Assert.False(s.Deadline));
        Assert.Equal(new[] { 2, 1, 0 }, order);   // as written: the line follower highest
    }

    [Fact]
    public void FixedPriorityAssignsDeadlineMonotonicLevelsFromTheTopOfTheRange()
    {
        var problems = new List<string>();
        var plan = SchedulingPlan.Plan(LoopPolicy.FixedPriority, Three, 50, 79, 2, problems, out int[] order);
        Assert.Empty(problems);
        Assert.Equal(new[] { 78, 79, 77 }, Array.ConvertAll(plan, s => s.Priority));
        Assert.Equal(new[] { 1, 0, 2 }, order);
    }

    [Fact]
    public void EdfReservesEachLoopsMeasuredRuntimeWithinItsDeadlineAndPeriod()
    {
        var loops = new[] { Loop("tracker", 66, 60, Array.Empty<int>(), runtimeMs: 10), Loop("relay", 32, 30, new[] { 0, 1 }, runtimeMs: 5, index: 1) };
        var problems = new List<string>();
        var plan = SchedulingPlan.Plan(LoopPolicy.Edf, loops, 50, 79, 2, problems, out _);
        Assert.Empty(problems);
        Assert.Equal(new DeadlineReservation(10_000_000, 60_000_000, 66_000_000), plan[0].Reservation);
        Assert.Equal(new DeadlineReservation(5_000_000, 30_000_000, 32_000_000), plan[1].Reservation);
        Assert.All(plan, s => Assert.Equal(0, s.Priority));
    }

    [Fact]
    public void EdfRefusesARuntimeAboveThePeriodAPinnedLoopAndAnUnmeasuredOneNamingEach()
    {
        var loops = new[]
        {
            Loop("tracker", 10, 10, Array.Empty<int>(), runtimeMs: 12),
            Loop("relay", 32, 30, new[] { 1 }, runtimeMs: 5, index: 1),
            Loop("lines", 200, 190, Array.Empty<int>(), runtimeMs: 0, index: 2),
        };
        var problems = new List<string>();
        var plan = SchedulingPlan.Plan(LoopPolicy.Edf, loops, 50, 79, 2, problems, out _);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("scheduling.policy: edf: loop 'tracker': its SCHED_DEADLINE runtime is above its period (runtime 12000 µs, deadline 10000 µs, period 10000 µs)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("apps[1].cores: loop 'relay' is pinned to cores [1]", StringComparison.Ordinal) && p.Contains("all 2 cores of the root domain", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("loop 'lines' has none: a calibration run measures it", StringComparison.Ordinal));
        Assert.Null(plan[0].Reservation);
    }

    [Theory]
    [InlineData(LoopPolicy.Manual)]
    [InlineData(LoopPolicy.FixedPriority)]
    public void FixedPriorityRefusesLoopsThatShareSomeCoresButNotAll(LoopPolicy policy)
    {
        var loops = new[]
        {
            Loop("tracker", 66, 60, new[] { 0, 1 }, priority: 60),
            Loop("relay", 32, 30, new[] { 1 }, priority: 70, index: 1),
            Loop("lines", 200, 190, new[] { 0, 1 }, priority: 80, index: 2),
        };
        var problems = new List<string>();
        SchedulingPlan.Plan(policy, loops, 50, 79, 2, problems, out _);
        // tracker/relay and relay/lines overlap partly; tracker/lines are on the same cores.
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("apps[1].cores: loops 'tracker' (cores [0,1]) and 'relay' (cores [1]) share some cores but not all", problems[0], StringComparison.Ordinal);
        Assert.Contains($"scheduling.policy {SchedulingPlan.Name(policy)}", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("apps[2].cores: loops 'relay' (cores [1]) and 'lines' (cores [0,1])", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void AManualPriorityOutsideFifoAndARangeTooNarrowAreRefusedByField()
    {
        var problems = new List<string>();
        SchedulingPlan.Plan(LoopPolicy.Manual, new[] { Loop("tracker", 66, 60, new[] { 1 }, priority: 0) }, 50, 79, 2, problems, out _);
        Assert.Equal("apps[0].priority: scheduling.policy manual runs loop 'tracker' at the priority written for it, SCHED_FIFO 1..99; got 0", Assert.Single(problems));
        problems.Clear();
        SchedulingPlan.Plan(LoopPolicy.FixedPriority, Three, 50, 51, 2, problems, out _);
        Assert.StartsWith("scheduling.priorities: priority range 50..51 has 2 level(s) for 3 loops", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyWordsRoundTrip()
    {
        foreach (var p in new[] { LoopPolicy.Manual, LoopPolicy.FixedPriority, LoopPolicy.Edf })
            Assert.Equal(p, SchedulingPlan.Parse(SchedulingPlan.Name(p)));
        Assert.Null(SchedulingPlan.Parse("rate-monotonic"));
    }
}
