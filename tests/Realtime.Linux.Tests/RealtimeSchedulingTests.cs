using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Linux.Tests;

/// <summary>
/// Real-time scheduling applied for real, each time on a fresh thread made for the test (never the
/// test runner's own), read back from the kernel. Where the process may not use SCHED_FIFO the
/// refusal must be explained in the notes instead.
/// </summary>
public sealed class RealtimeSchedulingTests
{
    /// <summary>Runs <paramref name="body"/> on a new dedicated thread and returns its result, rethrowing its failure.</summary>
    private static T OnDedicatedThread<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var t = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
        }) { IsBackground = true, Name = "rt-scheduling-test" };
        t.Start();
        t.Join();
        failure?.Throw();
        return result;
    }

    [Fact]
    public void FifoPriority10OnCore0IsReadBackFromTheKernelOrTheRefusalIsExplained()
    {
        var (applied, readBack, tidSeen) = OnDedicatedThread(() =>
        {
            var a = RealtimeScheduling.ApplyToCurrentThread(10, new[] { 0 }, lockMemory: false);
            return (a, RealtimeScheduling.ReadCurrentThread(), RealtimeScheduling.CurrentThreadId());
        });
        Assert.NotEqual(RealtimeScheduling.CurrentThreadId(), tidSeen); // it really was another thread
        Assert.False(applied.Mlockall);
        Assert.Equal(new[] { 0 }, readBack.Affinity);

        bool refused = applied.Notes.Exists(n => n.Contains("SCHED_FIFO", StringComparison.Ordinal));
        if (refused)
        {
            // No privilege: the thread stays SCHED_OTHER and the note says why, in words.
            string note = applied.Notes.Find(n => n.Contains("SCHED_FIFO", StringComparison.Ordinal))!;
            Assert.Contains("priority 10", note, StringComparison.Ordinal);
            Assert.Contains("CAP_SYS_NICE", note, StringComparison.Ordinal);
            Assert.Contains("errno", note, StringComparison.Ordinal);
            Assert.Equal("SCHED_OTHER", readBack.Policy);
            Assert.Equal("SCHED_OTHER", applied.Policy);
        }
        else
        {
            Assert.Empty(applied.Notes);
            Assert.Equal("SCHED_FIFO", readBack.Policy);
            Assert.Equal(10, readBack.Priority);
            Assert.Equal("SCHED_FIFO", applied.Policy);
            Assert.Equal(10, applied.Priority);
            Assert.Equal(new[] { 0 }, applied.Affinity);
        }
    }

    [Fact]
    public void TheRunnerThreadIsUntouchedBySchedulingAnotherThread()
    {
        SchedulingInfo before = RealtimeScheduling.ReadCurrentThread();
        OnDedicatedThread(() => RealtimeScheduling.ApplyToCurrentThread(10, new[] { 0 }, lockMemory: false));
        SchedulingInfo after = RealtimeScheduling.ReadCurrentThread();
        Assert.Equal(before.Policy, after.Policy);
        Assert.Equal(before.Priority, after.Priority);
        Assert.Equal(before.Affinity, after.Affinity);
    }

    [Fact]
    public void PriorityZeroAndNoCoresLeaveSchedOtherAndNoteNothing()
    {
        var (applied, readBack) = OnDedicatedThread(() =>
            (RealtimeScheduling.ApplyToCurrentThread(0, Array.Empty<int>(), lockMemory: false), RealtimeScheduling.ReadCurrentThread()));
        Assert.Empty(applied.Notes);
        Assert.Equal("SCHED_OTHER", applied.Policy);
        Assert.Equal(0, applied.Priority);
        Assert.Equal("SCHED_OTHER", readBack.Policy);
        Assert.False(applied.Mlockall);
        // Affinity left alone: whatever the thread inherited, at least one core.
        Assert.NotEmpty(readBack.Affinity);
    }

    [Fact]
    public void PinningToACoreThatDoesNotExistIsNotedNotFatal()
    {
        var applied = OnDedicatedThread(() => RealtimeScheduling.ApplyToCurrentThread(0, new[] { 1000 }, lockMemory: false));
        Assert.Single(applied.Notes);
        Assert.Contains("could not pin the pipeline thread to cores [1000]", applied.Notes[0], StringComparison.Ordinal);
        Assert.Equal("SCHED_OTHER", applied.Policy);
    }

    [Fact]
    public void ThePipelinesProfileSchedulingNamesWhatItCouldNotApply()
    {
        var threads = new Realtime.Core.Profiles.ThreadsProfile { Pipeline = new() { Policy = "deadline", Priority = 10 }, LockMemory = false };
        var timing = new Realtime.Core.Profiles.TimingProfile { RateHz = 30, DeadlineUs = 15000 };
        // Not real-time: only read back, and said so.
        var off = OnDedicatedThread(() => RealtimeScheduling.ApplyPipeline(threads, timing, 33_333_333, realtime: false));
        Assert.Equal("real-time scheduling not requested", Assert.Single(off.Notes));
        // A deadline policy on a loop that is not periodic: SCHED_FIFO at the profile's priority, with a note.
        var single = OnDedicatedThread(() => RealtimeScheduling.ApplyPipeline(threads, timing, 0, realtime: true));
        Assert.Contains(single.Notes, n => n.Contains("deadline applies to periodic loops", StringComparison.Ordinal));
        // The watchdog's or camera's thread is named as such when its pinning fails.
        var camera = OnDedicatedThread(() => RealtimeScheduling.ApplyToCurrentThread(0, new[] { 1000 }, lockMemory: false, thread: "camera capture"));
        Assert.Contains("could not pin the camera capture thread", camera.Notes[0], StringComparison.Ordinal);
    }
}
