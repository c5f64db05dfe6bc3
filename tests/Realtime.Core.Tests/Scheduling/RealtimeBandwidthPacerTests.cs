using System;
using Realtime.Core.Scheduling;
using Realtime.Core.Timing;
using Realtime.Tests;

namespace Realtime.Core.Tests.Scheduling;

/// <summary>The rests a real-time thread working back to back takes to stay under the kernel's real-time bandwidth limit.</summary>
public sealed class RealtimeBandwidthPacerTests
{
    private const long Ms = 1_000_000;

    [Theory]
    [InlineData(-1L, 1_000_000L)]        // RT throttling off
    [InlineData(1_000_000L, 1_000_000L)] // the whole period
    [InlineData(0L, 1_000_000L)]
    [InlineData(950_000L, 0L)]
    public void NoLimitToKeepIsNoPacer(long runtimeUs, long periodUs)
    {
        Assert.Null(RealtimeBandwidthPacer.ForLimit(runtimeUs, periodUs));
        Assert.Null(RealtimeBandwidthPacer.ForLimit(null, periodUs));
        Assert.Null(RealtimeBandwidthPacer.ForLimit(runtimeUs, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealtimeBandwidthPacer(runtimeUs, periodUs));
    }

    [Fact]
    public void KernelDefaultKeepsTheShareTheMarginBelowItsLimit()
    {
        var pacer = RealtimeBandwidthPacer.ForLimit(950_000, 1_000_000)!;
        Assert.Equal(0.95 - RealtimeBandwidthPacer.Margin, pacer.KeptShare, 12);
        // A limit below half the core still leaves the thread half: a rest is never longer than the work before it.
        var low = new RealtimeBandwidthPacer(20_000, 1_000_000);
        Assert.Equal(0.5, low.KeptShare, 12);
        Assert.Equal(low.ChunkNs, low.RestFor(low.ChunkNs));
    }

    [Fact]
    public void AShortKernelPeriodHasSeveralRestsInEachPeriod()
    {
        Assert.Equal(RealtimeBandwidthPacer.MaxChunkNs, new RealtimeBandwidthPacer(950_000, 1_000_000).ChunkNs);
        // 9.5 ms of each 10 ms: a rest after every 0.92 ms of work, ten in a period.
        var shortPeriod = new RealtimeBandwidthPacer(9_500, 10_000);
        Assert.Equal((long)(10_000_000 * shortPeriod.KeptShare / 10), shortPeriod.ChunkNs);
        Assert.Equal(0, shortPeriod.RestFor(shortPeriod.ChunkNs - 1));
        Assert.True(shortPeriod.RestFor(1) > 0);
    }

    [Fact]
    public void RestsOnlyOnceAChunkOfWorkIsCountedAndThenLongEnoughToKeepTheShare()
    {
        var clock = new ManualClock();
        var pacer = new RealtimeBandwidthPacer(950_000, 1_000_000);
        Assert.Null(pacer.Note("pipeline"));
        for (int i = 0; i < 9; i++) pacer.Worked(1 * Ms, clock, clock);
        Assert.Equal(0, pacer.Rests);
        Assert.Equal(0, clock.Waits);
        pacer.Worked(1 * Ms, clock, clock);
        Assert.Equal(1, pacer.Rests);
        double perBusy = (1 - pacer.KeptShare) / pacer.KeptShare;
        long rest = (long)(pacer.ChunkNs * perBusy);
        Assert.Equal(rest, pacer.RestNs);
        // Work over rest and work is the share kept.
        Assert.Equal(pacer.KeptShare, (double)pacer.ChunkNs / (pacer.ChunkNs + rest), 6);
        // A long frame rests in proportion, and a negative span (a clock read out of order) counts nothing.
        pacer.Worked(-5 * Ms, clock, clock);
        Assert.Equal(1, pacer.Rests);
        pacer.Worked(30 * Ms, clock, clock);
        Assert.Equal(2, pacer.Rests);
        Assert.Equal(rest + (long)(30 * Ms * perBusy), pacer.RestNs);
        string note = pacer.Note("pipeline")!;
        Assert.Contains("the pipeline thread", note, StringComparison.Ordinal);
        Assert.Contains("2 times", note, StringComparison.Ordinal);
        Assert.Contains("950 ms of each 1000 ms (sched_rt_runtime_us)", note, StringComparison.Ordinal);
    }

    [Fact]
    public void CountingWorkAllocatesNothing()
    {
        var clock = new ManualClock();
        var pacer = new RealtimeBandwidthPacer(950_000, 1_000_000);
        Assert.Equal(0, ThreadAllocations.Least(() => pacer.Worked(3 * Ms, clock, clock)));
        Assert.True(pacer.Rests > 0);
    }

    [Fact]
    public void EachThreadHasItsOwnPacer()
    {
        var pacer = new RealtimeBandwidthPacer(950_000, 1_000_000);
        RealtimeBandwidthPacer.Install(pacer);
        try
        {
            RealtimeBandwidthPacer? other = pacer;
            var t = new System.Threading.Thread(() => other = RealtimeBandwidthPacer.ForThisThread);
            t.Start();
            t.Join();
            Assert.Null(other);
            Assert.Same(pacer, RealtimeBandwidthPacer.ForThisThread);
        }
        finally
        {
            RealtimeBandwidthPacer.Install(null);
        }
        Assert.Null(RealtimeBandwidthPacer.ForThisThread);
    }
}
