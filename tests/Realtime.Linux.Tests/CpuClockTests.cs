using System.Threading;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>The CPU-time clocks count work, not waiting, and the process's holds every thread's.</summary>
public sealed class CpuClockTests
{
    private static double Spin(int iterations)
    {
        double x = 1;
        for (int i = 0; i < iterations; i++) x = x * 1.0000001 + 1e-9;
        return x;
    }

    [Fact]
    public void WorkAdvancesTheThreadClockAndTheProcessClockHoldsIt()
    {
        long p0 = CpuClock.ProcessNs(), t0 = CpuClock.ThreadNs();
        Assert.True(Spin(20_000_000) > 1);
        long t1 = CpuClock.ThreadNs(), p1 = CpuClock.ProcessNs();
        Assert.True(t1 > t0, "the thread clock did not move over 20 million multiplications");
        Assert.True(p1 - p0 >= t1 - t0, $"process {p1 - p0} ns < thread {t1 - t0} ns over a window that holds the thread's");
    }

    [Fact]
    public void AnotherThreadsWorkShowsInTheProcessClockButNotInTheCallersThread()
    {
        long t0 = CpuClock.ThreadNs(), p0 = CpuClock.ProcessNs();
        long workerNs = 0;
        var worker = new Thread(() =>
        {
            long w0 = CpuClock.ThreadNs();
            Spin(20_000_000);
            workerNs = CpuClock.ThreadNs() - w0;
        });
        worker.Start();
        worker.Join();
        long p1 = CpuClock.ProcessNs(), t1 = CpuClock.ThreadNs();
        Assert.True(workerNs > 0);
        // The caller only waited: the worker's CPU is in the process's count, not in the caller's.
        Assert.True(p1 - p0 >= workerNs, $"process {p1 - p0} ns < the worker's {workerNs} ns");
        Assert.True(t1 - t0 < workerNs, $"the caller's clock ({t1 - t0} ns) counted the worker's work ({workerNs} ns)");
    }
}
