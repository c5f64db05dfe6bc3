using System;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>Deadline-monotonic SCHED_FIFO priorities within a configured range, and the order hand-set ones stand in.</summary>
public sealed class PriorityAssignmentTests
{
    private static PeriodicTask Task(string name, long deadlineMs, long periodMs) => new(name, 1_000_000, periodMs * 1_000_000, deadlineMs * 1_000_000);

    [Fact]
    public void ShorterDeadlineGetsTheHigherPriorityFromTheTopOfTheRangeDown()
    {
        var tasks = new[] { Task("line", 20, 20), Task("face", 10, 33), Task("voice", 32, 32) };
        Assert.Equal(new[] { 79, 80, 78 }, PriorityAssignment.DeadlineMonotonic(tasks, 70, 80));
        Assert.Equal(new[] { 2, 3, 1 }, PriorityAssignment.DeadlineMonotonic(tasks, 1, 3));
    }

    [Fact]
    public void TiesAreBrokenByPeriodThenByTheOrderGivenSoTheSameSetAlwaysGetsTheSamePriorities()
    {
        var tasks = new[] { Task("a", 10, 40), Task("b", 10, 20), Task("c", 10, 40) };
        var once = PriorityAssignment.DeadlineMonotonic(tasks, 50, 60);
        Assert.Equal(new[] { 59, 60, 58 }, once);
        Assert.Equal(once, PriorityAssignment.DeadlineMonotonic(tasks, 50, 60));
        // The priorities stand in the order admission analyses.
        Assert.Equal(ResponseTimeAnalysis.DeadlineMonotonicOrder(tasks), PriorityAssignment.OrderOf(once));
    }

    [Theory]
    [InlineData(0, 10, "not within SCHED_FIFO's 1..99")]
    [InlineData(10, 100, "not within SCHED_FIFO's 1..99")]
    [InlineData(20, 10, "not within SCHED_FIFO's 1..99")]
    [InlineData(10, 11, "priority range 10..11 has 2 level(s) for 3 loops")]
    public void ARangeOutsideFifoOrNarrowerThanTheSetIsRefusedNamingIt(int lowest, int highest, string expected)
    {
        var tasks = new[] { Task("a", 10, 10), Task("b", 20, 20), Task("c", 30, 30) };
        var ex = Assert.Throws<ArgumentException>(() => PriorityAssignment.DeadlineMonotonic(tasks, lowest, highest));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HandSetPrioritiesGiveTheirOrderHighestFirstStableOnEquals()
    {
        Assert.Equal(new[] { 1, 0, 2 }, PriorityAssignment.OrderOf(new[] { 50, 80, 50 }));
        // Hand-set against the set's deadlines: the analysis judges what the profile wrote.
        var tasks = new[] { new PeriodicTask("long", 4_000_000, 10_000_000, 10_000_000), new PeriodicTask("short", 3_000_000, 5_000_000, 5_000_000) };
        var inverted = ResponseTimeAnalysis.Analyse(tasks, PriorityAssignment.OrderOf(new[] { 90, 10 }));
        Assert.Equal(4_000_000, inverted[0].ResponseNs);
        Assert.False(inverted[1].Schedulable);   // 3 + 4 > 5
        var dm = ResponseTimeAnalysis.Analyse(tasks, PriorityAssignment.OrderOf(PriorityAssignment.DeadlineMonotonic(tasks, 10, 90)));
        Assert.True(dm[0].Schedulable && dm[1].Schedulable);
    }
}
