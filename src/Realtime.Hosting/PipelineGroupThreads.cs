using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Hosting;

/// <summary>
/// The scheduling of a pipelined loop's stage groups (<c>app.pipeline</c>): each group's thread, as
/// it starts, takes its group's cores and SCHED_FIFO priority (else the pipeline thread's), then
/// reads back what the kernel gave it, through sched_getscheduler/sched_getaffinity and its own
/// /proc/self/task/TID/stat; after the run, what each group did. <c>rtapp run</c> and the bench use it.
/// </summary>
public sealed class PipelineGroupThreads
{
    private readonly GraphLoop _loop;
    private readonly PipelineGroupReport[] _reports;
    private readonly Realtime.Core.Scheduling.RealtimeBandwidthPacer?[] _pacers;

    private PipelineGroupThreads(GraphLoop loop, ThreadsProfile threads, bool realtime)
    {
        _loop = loop;
        _reports = new PipelineGroupReport[loop.PipelineGroups.Count];
        _pacers = new Realtime.Core.Scheduling.RealtimeBandwidthPacer?[_reports.Length];
        for (int i = 0; i < _reports.Length; i++) _reports[i] = new PipelineGroupReport { Group = i, Nodes = loop.PipelineGroups[i].Nodes };
        loop.GroupThreadStarted = group =>
        {
            int priority = group.Priority > 0 ? group.Priority : threads.Pipeline.Priority;
            IReadOnlyList<int> cores = group.Cores.Length > 0 ? group.Cores : threads.Pipeline.Cores;
            var scheduling = realtime
                ? RealtimeScheduling.ApplyToCurrentThread(priority, cores, lockMemory: false, thread: group.Field)
                : RealtimeScheduling.ReadCurrentThread();
            scheduling.Tid = RealtimeScheduling.CurrentThreadId();
            // The kernel moves a thread off a core it may no longer use when it next runs: let it, then read where it is.
            Thread.Yield();
            var report = _reports[group.Index];
            report.Scheduling = scheduling;
            _pacers[group.Index] = Realtime.Core.Scheduling.RealtimeBandwidthPacer.ForThisThread;
            (report.ProcCore, report.ProcPriority, report.ProcPolicy) = ReadProcStat(scheduling.Tid.Value);
        };
    }

    /// <summary>Applies and reads back each stage group's scheduling when <paramref name="loop"/> is a pipelined graph loop; null otherwise.</summary>
    public static PipelineGroupThreads? Attach(IClosedLoop loop, ThreadsProfile threads, bool realtime)
    {
        ArgumentNullException.ThrowIfNull(threads);
        return loop is GraphLoop { IsPipelined: true } graphLoop ? new PipelineGroupThreads(graphLoop, threads, realtime) : null;
    }

    /// <summary>Each group's thread and figures, once the loop has stopped.</summary>
    public List<PipelineGroupReport> Reports()
    {
        var all = new List<PipelineGroupReport>(_reports.Length);
        for (int i = 0; i < _reports.Length; i++)
        {
            PipelineGroupInfo g = _loop.PipelineGroups[i];
            var r = _reports[i];
            r.Frames = g.Frames;
            r.CountedFrames = g.CountedFrames;
            r.AllocatedBytes = g.CountedAllocatedBytes;
            r.AllocBytesPerFrame = g.CountedFrames > 0 ? Math.Round((double)g.CountedAllocatedBytes / g.CountedFrames, 3) : 0;
            r.DroppedAtInput = g.CountedDroppedAtInput;
            if (_pacers[i]?.Note(g.Field) is string rests && r.Scheduling is { } s && !s.Notes.Contains(rests)) s.Notes.Add(rests);
            all.Add(r);
        }
        return all;
    }

    /// <summary>/proc/self/task/TID/stat's processor (field 39), rt_priority (40) and policy (41); (-1, -1, null) when unreadable.</summary>
    public static (int Core, int Priority, string? Policy) ReadProcStat(int tid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/self/task/{tid.ToString(CultureInfo.InvariantCulture)}/stat"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return (-1, -1, null); }
        return ParseProcStat(text);
    }

    /// <summary>A /proc/PID/task/TID/stat line's processor, rt_priority and policy; (-1, -1, null) when it has too few fields.</summary>
    public static (int Core, int Priority, string? Policy) ParseProcStat(string text)
    {
        // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0) return (-1, -1, null);
        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state).
        if (fields.Length < 39 || !int.TryParse(fields[36], CultureInfo.InvariantCulture, out int core)
            || !int.TryParse(fields[37], CultureInfo.InvariantCulture, out int priority) || !int.TryParse(fields[38], CultureInfo.InvariantCulture, out int policy))
            return (-1, -1, null);
        return (core, priority, policy switch
        {
            0 => "SCHED_OTHER",
            1 => "SCHED_FIFO",
            2 => "SCHED_RR",
            3 => "SCHED_BATCH",
            5 => "SCHED_IDLE",
            6 => "SCHED_DEADLINE",
            _ => $"policy {policy}",
        });
    }
}
