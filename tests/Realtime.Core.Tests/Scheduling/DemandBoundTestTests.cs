using Realtime.Core.Scheduling;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>EDF's processor-demand test on task sets worked by hand (dbf(t) = Σ (⌊(t − D)/T⌋ + 1)·C).</summary>
public sealed class DemandBoundTestTests
{
    private static PeriodicTask Task(string name, long c, long t, long? d = null, int core = 0) => new(name, c, t, d ?? t, core);

    [Fact]
    public void ASetThatFixedPriorityLosesEdfKeeps()
    {
        // Buttazzo, Hard Real-Time Computing Systems, ch. 4 (rate monotonic against EDF): τ1 (C 2, T 5), τ2 (C 4, T 7),
        // U = 0.4 + 0.571 = 0.971. Under RM, R2: 4 → 4+2 = 6 → 4+4 = 8 > 7; EDF with D = T needs only U ≤ 1.
        var set = new[] { Task("t1", 2, 5), Task("t2", 4, 7) };
        Assert.False(ResponseTimeAnalysis.Analyse(set)[1].Schedulable);
        var v = Assert.Single(DemandBoundTest.Test(set));
        Assert.True(v.Schedulable);
        Assert.Equal(2.0 / 5 + 4.0 / 7, v.Utilisation, 12);
    }

    [Fact]
    public void ConstrainedDeadlinesMetWithNoSlackAtTheBusyPeriodsEnd()
    {
        // (C 2, D 3, T 4), (C 2, D 4, T 5): U = 0.9, Baruah's bound max(4, (1·0.5 + 1·0.4)/0.1) = 9, but the
        // synchronous busy period is 4 (w = 2+2 = 4 → ⌈4/4⌉·2 + ⌈4/5⌉·2 = 4), so L = 4: deadlines 3 and 4,
        // dbf(3) = 2 ≤ 3, dbf(4) = 2 + 2 = 4 ≤ 4 — met exactly.
        var set = new[] { Task("a", 2, 4, 3), Task("b", 2, 5, 4) };
        var v = Assert.Single(DemandBoundTest.Test(set));
        Assert.True(v.Schedulable);
        Assert.Equal(4, v.CheckedUpToNs);
        Assert.Equal(2, v.PointsChecked);
        Assert.Equal(0, v.LeastSlackNs);
        Assert.Equal(4, DemandBoundTest.Demand(set, 4));
        Assert.Equal(2, DemandBoundTest.Demand(set, 3));
        Assert.Equal(0, DemandBoundTest.Demand(set, 2));
    }

    [Fact]
    public void ADemandOneOverTheTimeAvailableFailsThereAtLowUtilisation()
    {
        // (C 2, D 2, T 4), (C 1, D 2, T 4): U = 0.75 but dbf(2) = 3 > 2. With C 1 each, dbf(2) = 2: met exactly.
        var v = Assert.Single(DemandBoundTest.Test(new[] { Task("a", 2, 4, 2), Task("b", 1, 4, 2) }));
        Assert.False(v.Schedulable);
        Assert.Equal(2, v.FailsAtNs);
        Assert.Equal(3, v.DemandAtFailNs);
        Assert.Equal(-1, v.LeastSlackNs);
        Assert.True(Assert.Single(DemandBoundTest.Test(new[] { Task("a", 1, 4, 2), Task("b", 1, 4, 2) })).Schedulable);
    }

    [Fact]
    public void FullUtilisationIsCheckedOverTheBusyPeriodAndOverloadIsRefused()
    {
        // (C 2, T 4), (C 1, D 2, T 2): U = 1; busy period 3 → 2+2 = 4 → 4; dbf(2) = 1, dbf(4) = 2 + 2 = 4.
        var full = Assert.Single(DemandBoundTest.Test(new[] { Task("a", 2, 4), Task("b", 1, 2) }));
        Assert.True(full.Schedulable);
        Assert.Equal(4, full.CheckedUpToNs);
        // Ca = 3: U = 1.25.
        var over = Assert.Single(DemandBoundTest.Test(new[] { Task("a", 3, 4), Task("b", 1, 2) }));
        Assert.False(over.Schedulable);
        Assert.Contains("utilisation 1.25 is above 1", over.Reason);
    }

    [Fact]
    public void EachCoreIsTestedOnItsOwn()
    {
        // Two loops of (C 3, T 4): U = 1.5 on one core; 0.75 on each of two.
        Assert.False(Assert.Single(DemandBoundTest.Test(new[] { Task("p", 3, 4), Task("q", 3, 4) })).Schedulable);
        var two = DemandBoundTest.Test(new[] { Task("p", 3, 4, core: 1), Task("q", 3, 4, core: 0) });
        Assert.Equal(new[] { 0, 1 }, new[] { two[0].Core, two[1].Core });
        Assert.All(two, v => Assert.True(v.Schedulable));
    }
}
