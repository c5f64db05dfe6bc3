using System;
using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>
/// Fixed-priority response-time analysis on task sets whose answers are known; each expected figure is
/// worked by hand in the comment beside it (R ← C + B + Σ⌈R/Tj⌉·Cj from R = C + B). Times are in
/// abstract units (the analysis takes them as ns).
/// </summary>
public sealed class ResponseTimeAnalysisTests
{
    private static PeriodicTask Task(string name, long c, long t, long? d = null, int core = 0, long np = 0) => new(name, c, t, d ?? t, core, np);

    [Fact]
    public void BurnsAndWellingsSetMeetsItsLastDeadlineExactly()
    {
        // Burns & Wellings, Real-Time Systems and Programming Languages, the response-time example:
        // a (T 7, C 3), b (T 12, C 3), c (T 20, C 5); U = 0.929, above Liu & Layland's 3-task bound 0.780.
        // Ra = 3. Rb: 3 → 3 + ⌈3/7⌉·3 = 6 → 6. Rc: 5 → 5+3+3 = 11 → 5+6+3 = 14 → 5+6+6 = 17 → 5+9+6 = 20 → 20.
        var set = new[] { Task("a", 3, 7), Task("b", 3, 12), Task("c", 5, 20) };
        var r = ResponseTimeAnalysis.Analyse(set);
        Assert.Equal(new long[] { 3, 6, 20 }, new[] { r[0].ResponseNs, r[1].ResponseNs, r[2].ResponseNs });
        Assert.All(r, x => Assert.True(x.Schedulable));
        Assert.Equal(0, r[2].MarginNs);
        Assert.Equal(new[] { 0, 1, 2 }, new[] { r[0].PriorityRank, r[1].PriorityRank, r[2].PriorityRank });
    }

    [Fact]
    public void OneMoreUnitOfWorkMissesByOne()
    {
        // The same set with Cc = 6: 6 → 6+3+3 = 12 → 6+6+3 = 15 → 6+9+6 = 21 > 20: the iteration stops there.
        var set = new[] { Task("a", 3, 7), Task("b", 3, 12), Task("c", 6, 20) };
        var r = ResponseTimeAnalysis.Analyse(set);
        Assert.False(r[2].Schedulable);
        Assert.Equal(21, r[2].ResponseNs);
        Assert.Equal(-1, r[2].MarginNs);
        Assert.True(r[0].Schedulable && r[1].Schedulable);
    }

    [Fact]
    public void ASetAboveTheLiuAndLaylandBoundIsStillSchedulable()
    {
        // (C 1, T 4), (C 2, T 6), (C 3, T 10): U = 0.25 + 0.333 + 0.3 = 0.883 > 3(2^(1/3) − 1) = 0.780
        // (Liu & Layland 1973), so the utilisation test cannot accept it; the exact test does:
        // R1 = 1; R2: 2 → 2+1 = 3 → 3; R3: 3 → 3+1+2 = 6 → 3+2+2 = 7 → 3+2+4 = 9 → 3+3+4 = 10 → 10 = D3.
        var set = new[] { Task("t1", 1, 4), Task("t2", 2, 6), Task("t3", 3, 10) };
        double u = 0;
        foreach (var t in set) u += t.Utilisation;
        Assert.True(u > 3 * (Math.Pow(2, 1.0 / 3) - 1));
        var r = ResponseTimeAnalysis.Analyse(set);
        Assert.Equal(new long[] { 1, 3, 10 }, new[] { r[0].ResponseNs, r[1].ResponseNs, r[2].ResponseNs });
        Assert.All(r, x => Assert.True(x.Schedulable));
    }

    [Fact]
    public void DeadlineMonotonicPutsTheShorterDeadlineFirstWhateverThePeriod()
    {
        // x (C 2, T 10, D 10), y (C 2, T 20, D 4): rate-monotonic would put x first and give y 2+2 = 4 anyway,
        // so make y's deadline 3: under RM y gets 4 > 3; under DM y goes first (2) and x gets 2+2 = 4 ≤ 10.
        var set = new[] { Task("x", 2, 10), Task("y", 2, 20, 3) };
        Assert.Equal(new[] { 1, 0 }, ResponseTimeAnalysis.DeadlineMonotonicOrder(set));
        var dm = ResponseTimeAnalysis.Analyse(set);
        Assert.Equal(4, dm[0].ResponseNs);
        Assert.Equal(2, dm[1].ResponseNs);
        Assert.All(dm, x => Assert.True(x.Schedulable));
        var rm = ResponseTimeAnalysis.Analyse(set, new[] { 0, 1 });
        Assert.Equal(4, rm[1].ResponseNs);
        Assert.False(rm[1].Schedulable);
    }

    [Fact]
    public void ALowerPriorityInferenceCallBlocksTheHigherLoopByItsLength()
    {
        // high (C 1, T 5); low (C 5, T 10) whose inference call (3) cannot be preempted: Rhigh = 1 + 3 = 4 ≤ 5.
        // Rlow: 5 → 5 + ⌈5/5⌉·1 = 6 → 5 + 2 = 7 → 7 (nothing below it blocks it).
        var set = new[] { Task("high", 1, 5), Task("low", 5, 10, np: 3) };
        var r = ResponseTimeAnalysis.Analyse(set);
        Assert.Equal(4, r[0].ResponseNs);
        Assert.Equal(3, r[0].BlockingNs);
        Assert.Equal(7, r[1].ResponseNs);
        Assert.Equal(0, r[1].BlockingNs);
        // A call of 4 still fits exactly (1 + 4 = 5); one of 5 makes the high loop miss (1 + 5 = 6 > 5).
        Assert.True(ResponseTimeAnalysis.Analyse(new[] { Task("high", 1, 5), Task("low", 5, 10, np: 4) })[0].Schedulable);
        var late = ResponseTimeAnalysis.Analyse(new[] { Task("high", 1, 5), Task("low", 5, 10, np: 5) })[0];
        Assert.False(late.Schedulable);
        Assert.Equal(6, late.ResponseNs);
    }

    [Fact]
    public void LoopsOnDifferentCoresDoNotInterfere()
    {
        // Two loops of C 3, T 4: on one core the second gets 3 → 3+3 = 6 > 4; on two cores each gets 3.
        var shared = ResponseTimeAnalysis.Analyse(new[] { Task("p", 3, 4), Task("q", 3, 4) });
        Assert.False(shared[1].Schedulable);
        var apart = ResponseTimeAnalysis.Analyse(new[] { Task("p", 3, 4, core: 0), Task("q", 3, 4, core: 1, np: 3) });
        Assert.Equal(new long[] { 3, 3 }, new[] { apart[0].ResponseNs, apart[1].ResponseNs });
        Assert.Equal(0, apart[0].BlockingNs);
        Assert.Equal(0, apart[1].PriorityRank);
    }

    [Theory]
    [InlineData(5, 10, 11, "above its period")]
    [InlineData(12, 10, 10, "")]
    [InlineData(0, 10, 10, "execution time")]
    [InlineData(1, 0, 10, "period")]
    public void TasksTheAnalysisCannotTakeAreRefusedByName(long c, long t, long d, string words)
    {
        // C above T is a legal task (it can never meet its deadline): the analysis says so rather than refusing it.
        var set = new[] { new PeriodicTask("loop", c, t, d) };
        if (words.Length == 0)
        {
            Assert.False(ResponseTimeAnalysis.Analyse(set)[0].Schedulable);
            return;
        }
        var ex = Assert.Throws<ArgumentException>(() => ResponseTimeAnalysis.Analyse(set));
        Assert.Contains("'loop'", ex.Message);
        Assert.Contains(words, ex.Message);
    }
}
