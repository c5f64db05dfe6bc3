using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// The inference arbiter with real threads: waiters served in priority or deadline order, never more
/// than the declared slots at once, the holder at the ceiling priority while it holds (read from
/// /proc/self/task/TID/stat) and back after, counts, and 0 B per acquire and release.
/// </summary>
public sealed class InferenceArbiterTests
{
    private static Thread Start(string name, Action body)
    {
        var t = new Thread(() => body()) { IsBackground = true, Name = name };
        t.Start();
        return t;
    }

    private static void WaitUntil(Func<bool> condition)
    {
        // Generous: a waiter only has to reach its futex.
        var limit = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > limit) throw new TimeoutException("the arbiter's state did not arrive");
            Thread.Sleep(1);
        }
    }

    // rt_priority and policy of a thread: fields 40 and 41 of its stat line, counted after the ")" that ends its name.
    private static (int Priority, int Policy) ProcStat(int tid)
    {
        string stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(f[40 - 3], CultureInfo.InvariantCulture), int.Parse(f[41 - 3], CultureInfo.InvariantCulture));
    }

    private static List<string> ServeThreeWaiters(ArbiterOrder order, (string Name, int Priority, long DeadlineNs)[] waiters)
    {
        using var arbiter = new InferenceArbiter(slots: 1, maxClients: 4, order, priorityCeiling: false);
        var holder = arbiter.Register("holder", 1);
        var served = new List<string>();
        arbiter.Acquire(holder);
        var threads = new List<Thread>();
        foreach (var w in waiters)
        {
            var client = arbiter.Register(w.Name, w.Priority);
            int before = arbiter.Waiting;
            threads.Add(Start(w.Name, () =>
            {
                arbiter.Acquire(client, w.DeadlineNs);
                lock (served) served.Add(client.Name);
                arbiter.Release(client);
            }));
            // One at a time, so arrival order is known: this one is queued before the next starts.
            WaitUntil(() => arbiter.Waiting == before + 1);
        }
        Assert.Equal(3, arbiter.MaxWaiting);
        arbiter.Release(holder);
        foreach (var t in threads) t.Join();
        Assert.Equal(0, arbiter.InUse);
        Assert.Equal(0, arbiter.Waiting);
        Assert.Equal(4, arbiter.Acquisitions);
        Assert.Equal(3, arbiter.Waits);
        Assert.Equal(3, arbiter.HandOffs);
        return served;
    }

    [Fact]
    public void WaitersAreServedHighestPriorityFirstAndEqualsInArrivalOrder()
    {
        var served = ServeThreeWaiters(ArbiterOrder.Priority, new[] { ("low", 20, 0L), ("high", 40, 0L), ("mid", 30, 0L) });
        Assert.Equal(new[] { "high", "mid", "low" }, served);
        var ties = ServeThreeWaiters(ArbiterOrder.Priority, new[] { ("first", 30, 0L), ("second", 30, 0L), ("top", 31, 0L) });
        Assert.Equal(new[] { "top", "first", "second" }, ties);
    }

    [Fact]
    public void UnderDeadlineOrderTheFrameDueFirstIsServedFirstWhateverItsPriority()
    {
        var served = ServeThreeWaiters(ArbiterOrder.Deadline, new[] { ("late", 90, 3_000_000L), ("soon", 10, 1_000_000L), ("middle", 50, 2_000_000L) });
        Assert.Equal(new[] { "soon", "middle", "late" }, served);
    }

    [Fact]
    public void NeverMoreThanTheDeclaredSlotsRunAtOnceAndAcquireAndReleaseAllocateNothing()
    {
        const int threads = 4, rounds = 3000;
        using var arbiter = new InferenceArbiter(slots: 2, maxClients: threads);
        int inside = 0, most = 0;
        var allocated = new long[threads];
        var clients = new ArbiterClient[threads];
        for (int i = 0; i < threads; i++) clients[i] = arbiter.Register($"loop{i}", 10 + i);
        var go = new ManualResetEventSlim(false);
        var workers = new List<Thread>();
        for (int i = 0; i < threads; i++)
        {
            int k = i;
            workers.Add(Start($"loop{k}", () =>
            {
                var c = clients[k];
                // Warm: the first call JITs and touches everything.
                arbiter.Acquire(c); arbiter.Release(c);
                go.Wait();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int r = 0; r < rounds; r++)
                {
                    arbiter.Acquire(c);
                    int now = Interlocked.Increment(ref inside);
                    int seen;
                    while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
                    Thread.SpinWait(200);   // an "inference": long enough for the others to queue
                    Interlocked.Decrement(ref inside);
                    arbiter.Release(c);
                }
                allocated[k] = GC.GetAllocatedBytesForCurrentThread() - before;
            }));
        }
        go.Set();
        foreach (var t in workers) t.Join();
        Assert.InRange(most, 1, 2);
        Assert.Equal(threads * (rounds + 1), arbiter.Acquisitions);
        Assert.Equal(0, arbiter.InUse);
        Assert.Equal(0, arbiter.Waiting);
        Assert.Equal(arbiter.Waits, arbiter.HandOffs);   // every wait ended by a hand-off, none by barging
        long sumClients = 0;
        foreach (var c in clients) { sumClients += c.Acquisitions; Assert.False(c.HoldsSlot); }
        Assert.Equal(arbiter.Acquisitions, sumClients);
        Assert.Equal(new long[threads], allocated);
    }

    [Fact]
    public void AFifoHolderRunsAtTheCeilingWhileItHoldsAndAtItsOwnPriorityAfterAsProcShows()
    {
        using var arbiter = new InferenceArbiter(slots: 1, maxClients: 2);
        var low = arbiter.Register("line-follower", 10);
        arbiter.Register("face-tracker", 50);
        Assert.Equal(50, arbiter.Ceiling);
        var holding = new ManualResetEventSlim(false);
        var release = new ManualResetEventSlim(false);
        var released = new ManualResetEventSlim(false);
        var done = new ManualResetEventSlim(false);
        int tid = 0;
        bool fifo = false;
        var t = Start("line-follower", () =>
        {
            fifo = RealtimeScheduling.ApplyToCurrentThread(10, Array.Empty<int>(), lockMemory: false).Notes.Count == 0;
            tid = RealtimeScheduling.CurrentThreadId();
            arbiter.Acquire(low);
            holding.Set();
            release.Wait();
            arbiter.Release(low);
            released.Set();
            done.Wait();
        });
        holding.Wait();
        var during = ProcStat(tid);
        release.Set();
        released.Wait();
        var after = ProcStat(tid);
        done.Set();
        t.Join();
        if (!fifo) return;   // no SCHED_FIFO here: nothing to raise (RealtimeSchedulingTests explains the refusal)
        Assert.Equal((50, 1), during);   // SCHED_FIFO (1) at the ceiling
        Assert.Equal((10, 1), after);
    }

    [Fact]
    public void MisuseIsRefusedNamingTheLoop()
    {
        using var arbiter = new InferenceArbiter(slots: 1, maxClients: 1);
        var c = arbiter.Register("voice-relay", 20);
        Assert.Contains("'voice-relay' releases a slot it does not hold", Assert.Throws<InvalidOperationException>(() => arbiter.Release(c)).Message, StringComparison.Ordinal);
        arbiter.Acquire(c);
        Assert.Contains("'voice-relay' already holds or waits", Assert.Throws<InvalidOperationException>(() => arbiter.Acquire(c)).Message, StringComparison.Ordinal);
        arbiter.Release(c);
        Assert.Throws<InvalidOperationException>(() => arbiter.Register("one-more", 1));
        using var other = new InferenceArbiter(slots: 1, maxClients: 1);
        Assert.Throws<ArgumentException>(() => other.Acquire(c));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceArbiter(0, 1));
    }
}
