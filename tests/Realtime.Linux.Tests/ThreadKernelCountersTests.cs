using System;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Tests;

namespace Realtime.Linux.Tests;

/// <summary>
/// The kernel's own counts for the pipeline thread, read without allocating: sleeping is counted as
/// voluntary switches, touching fresh memory as minor faults, spinning as CPU time, and two threads
/// spinning on one core preempt each other (involuntary switches and run-queue wait).
/// </summary>
public sealed unsafe class ThreadKernelCountersTests
{
    private static T OnNewThread<T>(Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() => { try { result = body(); } catch (Exception ex) { error = ex; } });
        t.Start();
        t.Join();
        if (error is not null) throw new Exception("on the thread", error);
        return result;
    }

    [Fact]
    public void SleepsAreVoluntarySwitchesFreshPagesAreFaultsAndSpinningIsCpuTimeAllReadWithoutAllocating()
    {
        var (slept, touched, spun, allocated) = OnNewThread(() =>
        {
            using ThreadKernelCounters counters = ThreadKernelCounters.OpenForThisThread(out string? problem)
                ?? throw new InvalidOperationException(problem);
            Assert.True(counters.TryRead(out ThreadCounters start));
            for (int i = 0; i < 20; i++) Thread.Sleep(1);
            Assert.True(counters.TryRead(out ThreadCounters afterSleep));

            const int Bytes = 32 << 20;
            byte* memory = (byte*)NativeMemory.Alloc(Bytes);
            try { for (int i = 0; i < Bytes; i += 4096) memory[i] = 1; }
            finally { NativeMemory.Free(memory); }
            Assert.True(counters.TryRead(out ThreadCounters afterTouch));

            double x = 1;
            for (int i = 0; i < 20_000_000; i++) x = x * 1.0000001 + 1e-9;
            Assert.True(counters.TryRead(out ThreadCounters afterSpin));
            Assert.True(x > 0);

            long bytes = ThreadAllocations.Least(() => counters.TryRead(out _), warm: 0);
            return (afterSleep.Since(start), afterTouch.Since(afterSleep), afterSpin.Since(afterTouch), bytes);
        });
        Assert.InRange(slept.VoluntarySwitches, 20, long.MaxValue);
        Assert.InRange(touched.MinorFaults, 16, long.MaxValue); // 32 MB: 8,192 small pages, or at least 16 huge ones
        Assert.InRange(spun.RunNs, 1, long.MaxValue);
        Assert.Equal(0, spun.MajorFaults);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TwoThreadsSpinningOnOneCorePreemptEachOtherAndWaitOnTheRunQueue()
    {
        ThreadCounters[] seen = new ThreadCounters[2];
        var threads = new Thread[2];
        var errors = new Exception?[2];
        using var go = new ManualResetEventSlim();
        for (int k = 0; k < 2; k++)
        {
            int index = k;
            threads[k] = new Thread(() =>
            {
              try
              {
                ulong mask = 1; // both on CPU 0, plain scheduling: they must take turns
                Assert.Equal(0, Interop.Libc.sched_setaffinity(0, sizeof(ulong), &mask));
                using ThreadKernelCounters counters = ThreadKernelCounters.OpenForThisThread(out string? problem)!;
                go.Wait();
                counters.TryRead(out ThreadCounters start);
                // Spin until this thread has had 300 ms on the CPU: long enough for several of the other's turns.
                ThreadCounters now;
                do counters.TryRead(out now); while (now.RunNs - start.RunNs < 300_000_000);
                seen[index] = now.Since(start);
              }
              catch (Exception ex) { errors[index] = ex; go.Set(); }
            });
            threads[k].Start();
        }
        go.Set();
        foreach (var t in threads) t.Join();
        foreach (Exception? e in errors) if (e is not null) throw new Exception("on a spinning thread", e);
        foreach (ThreadCounters c in seen)
        {
            Assert.InRange(c.InvoluntarySwitches, 1, long.MaxValue);
            Assert.InRange(c.RunQueueWaitNs, 1, long.MaxValue);
        }
    }

    [Theory]
    [InlineData("123 456 7\n", 123, 456, 7)]
    [InlineData("0 0 0", 0, 0, 0)]
    public void SchedstatsThreeNumbersAreReadInOrder(string text, long run, long wait, long slices)
    {
        ReadOnlySpan<byte> span = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.True(ThreadKernelCounters.TakeNumber(ref span, out long a));
        Assert.True(ThreadKernelCounters.TakeNumber(ref span, out long b));
        Assert.True(ThreadKernelCounters.TakeNumber(ref span, out long c));
        Assert.Equal((run, wait, slices), (a, b, c));
        Assert.False(ThreadKernelCounters.TakeNumber(ref span, out _));
    }
}
