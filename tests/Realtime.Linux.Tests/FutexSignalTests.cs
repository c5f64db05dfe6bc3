using System;
using System.Threading;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// The futex hand-off between a loop's thread and a helper thread: a set before the wait is not lost, a sleeper is
/// woken, ten thousand hand-offs each way arrive in order, and neither side allocates, the first hand-off included.
/// </summary>
public sealed class FutexSignalTests
{
    [Fact]
    public void ASetBeforeTheWaitIsKeptAndAWaitClearsIt()
    {
        using var s = new FutexSignal();
        s.Set();
        s.Set();
        s.Wait(); // returns at once: set
        var woke = new ManualResetEventSlim();
        var t = new Thread(() => { s.Wait(); woke.Set(); });
        t.Start();
        // Cleared by the first wait: the second sleeps until set.
        Assert.False(woke.Wait(200));
        s.Set();
        Assert.True(woke.Wait(TimeSpan.FromSeconds(10)));
        t.Join();
    }

    [Fact]
    public void TenThousandHandOffsEachWayArriveAndTheSetterAllocatesNothingFromTheFirst()
    {
        using var request = new FutexSignal();
        using var reply = new FutexSignal();
        const int n = 10_000;
        int served = 0;
        var helper = new Thread(() =>
        {
            for (int i = 0; i < n; i++)
            {
                request.Wait();
                served++;
                reply.Set();
            }
        });
        helper.Start();
        // Let the helper go to sleep first: the first set then has a sleeper to wake (SemaphoreSlim allocated there).
        Thread.Sleep(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++)
        {
            request.Set();
            reply.Wait();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        helper.Join();
        Assert.Equal(n, served);
        Assert.Equal(0, allocated);
    }
}
