using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using Realtime.Core.Profiles;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// SCHED_DEADLINE applied for real on threads made for the test, read back with sched_getattr and from
/// /proc/self/task/TID/sched; what the kernel refuses (a malformed reservation, a thread pinned narrower
/// than its root domain, the kernel's own bandwidth admission) comes back as a sentence naming the loop
/// and the numbers. Where the process may not use SCHED_DEADLINE at all the refusal must say why.
/// </summary>
public sealed class DeadlineSchedulingTests
{
    private static T OnDedicatedThread<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var t = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
        }) { IsBackground = true, Name = "dl-scheduling-test" };
        t.Start();
        t.Join();
        failure?.Throw();
        return result;
    }

    // The policy number /proc/self/task/TID/sched shows ("policy : 6").
    private static int ProcPolicy(int tid)
    {
        foreach (string line in File.ReadAllLines($"/proc/self/task/{tid}/sched"))
            if (line.StartsWith("policy", StringComparison.Ordinal)) return int.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException("no policy line");
    }

    private static bool PrivilegeRefused(string? note) => note is not null && note.Contains("Operation not permitted", StringComparison.Ordinal) && !note.Contains("pinned", StringComparison.Ordinal);

    [Fact]
    public void AReservationIsReadBackFromSchedGetattrAndProc()
    {
        var (note, attributes, procPolicy, info) = OnDedicatedThread(() =>
        {
            string? n = RealtimeScheduling.TrySetDeadline(1_000_000, 5_000_000, 10_000_000, DeadlineFlags.ResetOnFork, loop: "face-tracker");
            int tid = RealtimeScheduling.CurrentThreadId();
            return (n, RealtimeScheduling.ReadAttributes(0), ProcPolicy(tid), RealtimeScheduling.ReadCurrentThread());
        });
        if (PrivilegeRefused(note))
        {
            Assert.Contains("loop 'face-tracker': could not set SCHED_DEADLINE (runtime 1000 µs, deadline 5000 µs, period 10000 µs", note, StringComparison.Ordinal);
            Assert.Contains("CAP_SYS_NICE", note, StringComparison.Ordinal);
            Assert.Equal("SCHED_OTHER", attributes!.Policy);
            return;
        }
        Assert.Null(note);
        Assert.NotNull(attributes);
        Assert.Equal("SCHED_DEADLINE", attributes.Policy);
        Assert.Equal(6, attributes.PolicyNumber);
        Assert.Equal(1_000_000, attributes.RuntimeNs);
        Assert.Equal(5_000_000, attributes.DeadlineNs);
        Assert.Equal(10_000_000, attributes.PeriodNs);
        Assert.Equal(DeadlineFlags.ResetOnFork, attributes.Flags & DeadlineFlags.ResetOnFork);
        Assert.Equal(6, procPolicy);
        Assert.Equal("SCHED_DEADLINE", info.Policy);
    }

    [Fact]
    public void SchedFifoIsReadBackWithItsPriorityThroughSchedGetattr()
    {
        var (applied, attributes) = OnDedicatedThread(() =>
            (RealtimeScheduling.ApplyToCurrentThread(12, Array.Empty<int>(), lockMemory: false), RealtimeScheduling.ReadAttributes(0)));
        Assert.NotNull(attributes);
        if (applied.Notes.Count > 0) { Assert.Equal("SCHED_OTHER", attributes.Policy); return; }
        Assert.Equal("SCHED_FIFO", attributes.Policy);
        Assert.Equal(12, attributes.Priority);
        Assert.Equal(0, attributes.RuntimeNs);
    }

    [Theory]
    [InlineData(12_000_000, 10_000_000, 10_000_000, "runtime is above its period (runtime 12000 µs, deadline 10000 µs, period 10000 µs): it would need more than a whole core")]
    [InlineData(6_000_000, 5_000_000, 10_000_000, "runtime is above its deadline")]
    [InlineData(1_000_000, 20_000_000, 10_000_000, "deadline is above its period")]
    [InlineData(500, 5_000_000, 10_000_000, "below the kernel's least, 1024 ns")]
    [InlineData(10_000, 50_000, 50_000, "period is outside the kernel's 100 µs to 4000000 µs")]
    public void AReservationTheKernelCannotTakeIsRefusedBeforeItIsAskedNamingTheLoopAndNumbers(long runtime, long deadline, long period, string words)
    {
        var (note, policy) = OnDedicatedThread(() => (RealtimeScheduling.TrySetDeadline(runtime, deadline, period, loop: "line-follower"), RealtimeScheduling.ReadCurrentThread().Policy));
        Assert.NotNull(note);
        Assert.StartsWith("loop 'line-follower': its SCHED_DEADLINE ", note, StringComparison.Ordinal);
        Assert.Contains(words, note, StringComparison.Ordinal);
        Assert.Equal("SCHED_OTHER", policy);
    }

    [Fact]
    public void AThreadPinnedNarrowerThanItsRootDomainIsRefusedAndTheNoteSaysCpusetAndTheReverseToo()
    {
        if (OnlineCpus.Count() < 2) return;   // one core: pinning to it is the whole root domain
        var (pinnedNote, pinnedPolicy) = OnDedicatedThread(() =>
        {
            RealtimeScheduling.ApplyToCurrentThread(0, new[] { 0 }, lockMemory: false);
            return (RealtimeScheduling.TrySetDeadline(1_000_000, 10_000_000, 10_000_000, loop: "voice-relay"), RealtimeScheduling.ReadCurrentThread().Policy);
        });
        Assert.NotNull(pinnedNote);
        if (PrivilegeRefused(pinnedNote)) return;
        Assert.Contains("loop 'voice-relay': could not set SCHED_DEADLINE", pinnedNote, StringComparison.Ordinal);
        Assert.Contains("pinned to cores [0], narrower than its root domain", pinnedNote, StringComparison.Ordinal);
        Assert.Contains("exclusive cpuset", pinnedNote, StringComparison.Ordinal);
        Assert.Equal("SCHED_OTHER", pinnedPolicy);

        // Under SCHED_DEADLINE first, then pinned: the kernel refuses the pinning (EBUSY), the note says why.
        var (dlNote, pinNotes, after) = OnDedicatedThread(() =>
        {
            string? n = RealtimeScheduling.TrySetDeadline(1_000_000, 10_000_000, 10_000_000);
            var pin = RealtimeScheduling.ApplyToCurrentThread(0, new[] { 1 }, lockMemory: false);
            return (n, pin.Notes, RealtimeScheduling.ReadAttributes(0));
        });
        Assert.Null(dlNote);
        // Priority 0 asks for SCHED_OTHER back: that is allowed; the pinning before it was not.
        Assert.Contains(pinNotes, n => n.Contains("could not pin the pipeline thread to cores [1]", StringComparison.Ordinal) && n.Contains("exclusive cpuset", StringComparison.Ordinal));
        Assert.NotNull(after);
    }

    [Fact]
    public void TheKernelsOwnAdmissionRefusesMoreBandwidthThanTheRootDomainHasNamingItsLimit()
    {
        // Whole-core reservations (runtime = period), one per thread, each held until the end: the kernel
        // admits at most sched_rt_runtime_us/sched_rt_period_us of each core, so with N cores the (N+1)th
        // is refused at the latest (sooner if another process holds some). The threads only sleep: reserved, not used.
        string limit = File.ReadAllText("/proc/sys/kernel/sched_rt_runtime_us").Trim();
        int cores = OnlineCpus.Count();
        var release = new ManualResetEventSlim(false);
        var notes = new List<string?>();
        var threads = new List<Thread>();
        try
        {
            for (int i = 0; i <= cores; i++)
            {
                var asked = new ManualResetEventSlim(false);
                string? note = null;
                var t = new Thread(() =>
                {
                    note = RealtimeScheduling.TrySetDeadline(10_000_000, 10_000_000, 10_000_000, loop: "hog");
                    asked.Set();
                    release.Wait();
                }) { IsBackground = true, Name = "dl-admission-test" };
                t.Start();
                threads.Add(t);
                asked.Wait();
                notes.Add(note);
                if (note is not null) break;
            }
        }
        finally
        {
            release.Set();
            foreach (var t in threads) t.Join();
        }
        string? refusal = notes[^1];
        if (PrivilegeRefused(refusal)) return;
        if (limit == "-1")
        {
            Assert.All(notes, Assert.Null);   // no limit: every reservation admitted
            return;
        }
        Assert.NotNull(refusal);
        Assert.True(notes.Count <= cores + 1);
        Assert.Contains("loop 'hog': could not set SCHED_DEADLINE (runtime 10000 µs, deadline 10000 µs, period 10000 µs, bandwidth 1 of a core)", refusal, StringComparison.Ordinal);
        Assert.Contains("the kernel's deadline admission refused it (EBUSY)", refusal, StringComparison.Ordinal);
        Assert.Contains($"sched_rt_runtime_us/sched_rt_period_us = {limit}/", refusal, StringComparison.Ordinal);
        Assert.Contains($"of each of its {cores} cores", refusal, StringComparison.Ordinal);
    }
}
