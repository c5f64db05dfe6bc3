using System;
using System.Threading;
using Realtime.Core.Pipeline;

namespace Realtime.Linux.Tests;

/// <summary>
/// The drop-memory fault's buffer: each drop and touch is one minor page fault a page on the
/// calling thread, as the kernel counts them (also after mlockall would have locked it: it is
/// unlocked first), allocating nothing; and a minor fault's cost on this machine can be measured.
/// </summary>
public sealed class DroppableMemoryTests
{
    [Fact]
    public void EachDropAndTouchIsOneMinorFaultAPageOnTheCallingThread()
    {
        long faults = 0, allocated = -1, pages = 0;
        var t = new Thread(() =>
        {
            var plan = FaultPlan.Parse("drop-memory:infer:1");
            using DroppableMemory memory = DroppableMemory.For(plan, out string? problem) ?? throw new InvalidOperationException(problem);
            Assert.Same(memory, plan.Memory);
            pages = memory.Pages;
            using ThreadKernelCounters counters = ThreadKernelCounters.OpenForThisThread(out string? unavailable) ?? throw new InvalidOperationException(unavailable);
            for (int i = 0; i < 40; i++) plan.AtStage(Stage.Infer, i); // warm: the code at its final tier
            bool read = counters.TryRead(out ThreadCounters before);
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 3; i++) plan.AtStage(Stage.Infer, i);
            allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
            read &= counters.TryRead(out ThreadCounters after);
            Assert.True(read);
            faults = after.Since(before).MinorFaults;
        });
        t.Start();
        t.Join();
        Assert.Equal(1024 * 1024 / 4096, pages);
        Assert.InRange(faults, 3 * pages, 3 * pages + 64); // a few of the runtime's own besides
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void APlanWithoutDropMemoryNeedsNoBufferAndAFaultsCostIsMeasured()
    {
        Assert.Null(DroppableMemory.For(FaultPlan.Parse("slow:infer:1"), out string? problem));
        Assert.Null(problem);
        Assert.Null(DroppableMemory.For(null, out _));
        Assert.True(DroppableMemory.MeasureMinorFaultNs() > 0);
    }
}
