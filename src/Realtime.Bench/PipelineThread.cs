using System;
using System.Threading;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Bench;

/// <summary>Runs a loop on its own thread with the profile's scheduling, as <c>rtapp run</c> does.</summary>
public static class PipelineThread
{
    /// <summary>
    /// Starts a thread (1 MiB stack), applies the profile's pipeline scheduling when
    /// <paramref name="realtime"/> (<see cref="RealtimeScheduling.ApplyPipeline"/>; a periodic run
    /// passes its <paramref name="periodNs"/>, 0 otherwise), runs <paramref name="body"/> and waits
    /// for it. Returns the scheduling the thread really got; an exception in the body is rethrown here.
    /// </summary>
    public static SchedulingInfo Run(BoardProfile profile, bool realtime, Action body, long periodNs = 0)
    {
        SchedulingInfo scheduling = new();
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                scheduling = RealtimeScheduling.ApplyPipeline(profile.Threads, profile.Timing, periodNs, realtime);
                body();
                if (Realtime.Core.Scheduling.RealtimeBandwidthPacer.ForThisThread?.Note("pipeline") is string rests) scheduling.Notes.Add(rests);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, 1 << 20)
        { Name = "rt-pipeline" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the pipeline thread failed: " + failure.Message, failure);
        return scheduling;
    }
}
