using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;

namespace Realtime.Hosting.Commands;

/// <summary>
/// Admission at load (<c>rtapp check --admit</c>, <c>rtapp run</c>): the profile's loops become periodic
/// tasks (period from the rate, the deadline, the pipeline core, the calibrated pWCET of a frame as the
/// execution time, of its inference call as the section no other loop can preempt), and the set is judged
/// by response-time analysis (fixed priority, deadline-monotonic) or, when the pipeline asks for
/// SCHED_DEADLINE, by EDF's demand-bound test. One loop per process today; the set is built as a list so
/// several plug in.
/// </summary>
internal static class Admission
{
    /// <summary>The flag that runs a set admission refuses.</summary>
    public const string OverrideFlag = "--override-admission";

    /// <summary>What admission found: checklist lines, whether the timing file (or its loop) was missing, and each refusal as a sentence naming the loop and the numbers.</summary>
    public sealed class Verdict
    {
        /// <summary>Checklist lines.</summary>
        public List<CheckItem> Items { get; } = new();
        /// <summary>The sentence saying what is missing and what to run, when there is nothing to judge.</summary>
        public string? Missing { get; set; }
        /// <summary>Why the set is refused, one sentence per loop.</summary>
        public List<string> Refusals { get; } = new();
        /// <summary>Each judged loop's prediction, by loop name (empty when nothing was judged), for the report's section per loop.</summary>
        public Dictionary<string, LoopAdmission> Loops { get; } = new();
    }

    /// <summary>A loop of the profile, as admission sees it.</summary>
    private sealed record Loop(string Name, long PeriodNs, long DeadlineNs, int Core, bool AnyCore, string Policy, int Priority, long[] BudgetsNs, string DeadlineField);

    /// <summary>Judges <paramref name="profile"/>'s loop (application <paramref name="loopName"/>) against <paramref name="file"/> (null: there is none at <paramref name="timingPath"/>).</summary>
    public static Verdict Judge(BoardProfile profile, string loopName, string board, string timingPath, TimingFile? file, string profileHash, MachineInfo machine) =>
        Judge(new[] { (loopName, profile) }, board, timingPath, file, profileHash, machine);

    /// <summary>
    /// Judges several loops of one host together (each named, with its own profile: rate, deadline, budgets,
    /// pipeline core and policy): loops on one core interfere, and a lower-priority loop's inference call blocks
    /// a higher one's for as long as it runs (it is not preemptible by another loop's thread).
    /// </summary>
    public static Verdict Judge(IReadOnlyList<(string Name, BoardProfile Profile)> set, string board, string timingPath, TimingFile? file, string profileHash, MachineInfo machine)
    {
        var loops = new List<Loop>();
        foreach (var (loopName, profile) in set)
        {
            var o = LoopSettings.Options(profile, null, profile.App?.Loop);
            var cores = profile.Threads.Pipeline.Cores;
            loops.Add(new(loopName, o.PeriodNs, o.DeadlineNs, cores.Count > 0 ? cores[0] : 0, cores.Count == 0, profile.Threads.Pipeline.Policy, profile.Threads.Pipeline.Priority, o.StageBudgetsNs ?? new long[ProfileLoader.StageNames.Length],
                profile.App?.Loop?.DeadlineUs is not null ? "app.loop.deadline_us" : "timing.deadline_us"));
        }
        var v = new Verdict();
        string calibrate = $"rtapp bench --calibrate --board {board}{(timingPath == TimingFiles.PathFor(board, null) ? "" : " --timing " + timingPath)}";
        if (file is null)
        {
            v.Missing = $"no timing file at {timingPath}: admission has no measured worst case to judge; {calibrate} writes one";
            return v;
        }
        var timings = new List<LoopTiming>();
        foreach (var loop in loops)
        {
            if (file.Loop(loop.Name) is { } t) { timings.Add(t); continue; }
            var names = new List<string>();
            foreach (var l in file.Loops) names.Add(l.Name);
            v.Missing = $"{timingPath} holds no loop '{loop.Name}' (it holds {string.Join(", ", names)}); {calibrate} measures it";
            return v;
        }
        v.Items.Add(new CheckItem(CheckLevel.Ok, "timing file", $"{timingPath}: written {file.Written} on {file.Machine.CpuModel} ({file.Machine.Kernel}, load {file.Machine.LoadAverage ?? "unknown"})", null));
        if (file.ProfileSha256 != profileHash)
            v.Items.Add(new CheckItem(CheckLevel.Warn, "timing file stale", $"{timingPath} was measured under another profile (SHA-256 {Short(file.ProfileSha256)}, now {Short(profileHash)}): a changed graph, model, board or thread setting",
                $"measure again: {calibrate}"));
        if (TimingFiles.MachineChange(file.Machine, machine) is string changed)
            v.Items.Add(new CheckItem(CheckLevel.Warn, "timing file stale", $"{timingPath} was measured on another machine: {changed}", $"measure on this machine: {calibrate}"));

        var tasks = new List<PeriodicTask>();
        for (int i = 0; i < loops.Count; i++)
        {
            var loop = loops[i];
            var t = timings[i];
            if (loop.DeadlineNs > loop.PeriodNs)
            {
                v.Refusals.Add($"loop '{loop.Name}': {loop.DeadlineField} {Ms(loop.DeadlineNs)} is above its period {Ms(loop.PeriodNs)} ({1e9 / loop.PeriodNs:0.###} Hz): admission analyses deadlines up to the period (a frame must be done before the next is due)");
                return v;
            }
            long wcet = Math.Max(1, (long)Math.Ceiling(t.Frame.WorstUs * 1000));
            StageTiming? infer = Stage(t, "infer");
            long np = infer is null ? 0 : Math.Min(wcet, (long)Math.Ceiling(infer.WorstUs * 1000));
            tasks.Add(new PeriodicTask(loop.Name, wcet, loop.PeriodNs, loop.DeadlineNs, loop.Core, np));
            for (int s = 0; s < ProfileLoader.StageNames.Length; s++)
                if (loop.BudgetsNs[s] > 0 && Stage(t, ProfileLoader.StageNames[s]) is { } st && st.WorstUs * 1000 > loop.BudgetsNs[s])
                    v.Items.Add(new CheckItem(CheckLevel.Warn, $"budget '{ProfileLoader.StageNames[s]}'", $"loop '{loop.Name}': its worst case {Ms(st.WorstUs * 1000)} ({WorstWhat(st)}) is above its budget {Ms(loop.BudgetsNs[s])}: the watchdog's on_stage_overrun will see it",
                        "raise the budget or make the stage cheaper"));
        }

        bool edf = loops[0].Policy == "deadline";
        if (edf) JudgeEdf(v, loops, tasks, timings);
        else JudgeFixedPriority(v, loops, tasks, timings);
        return v;
    }

    private static void JudgeFixedPriority(Verdict v, List<Loop> loops, List<PeriodicTask> tasks, List<LoopTiming> timings)
    {
        // The loops' own SCHED_FIFO priorities when every loop has one (several loops: manual, or assigned by
        // scheduling.policy fixed-priority); else deadline-monotonic, the order fixed-priority would assign.
        bool prioritised = loops.Count > 1;
        var priorities = new int[loops.Count];
        for (int i = 0; i < loops.Count; i++) { priorities[i] = loops[i].Priority; prioritised &= priorities[i] > 0; }
        var results = prioritised ? ResponseTimeAnalysis.Analyse(tasks, PriorityAssignment.OrderOf(priorities)) : ResponseTimeAnalysis.Analyse(tasks);
        for (int i = 0; i < results.Length; i++)
        {
            var r = results[i];
            var t = r.Task;
            long interference = r.ResponseNs - t.WcetNs - r.BlockingNs;
            string where = loops[i].AnyCore ? "any core" : $"core {t.Core}";
            v.Loops[t.Name] = new LoopAdmission
            {
                Analysis = "response-time analysis", ExecutionUs = t.WcetNs / 1000.0, PredictedWorstResponseUs = r.ResponseNs / 1000.0, MarginUs = r.MarginNs / 1000.0, Schedulable = r.Schedulable,
            };
            string detail = $"fixed priority ({(prioritised ? $"SCHED_FIFO {priorities[i]}" : "deadline-monotonic")}, rank {r.PriorityRank} on {where}): worst response {Ms(r.ResponseNs)} = execution {Ms(t.WcetNs)} ({WorstWhat(timings[i].Frame)}) + blocking {Ms(r.BlockingNs)} + interference {Ms(interference)}; " +
                $"deadline {Ms(t.DeadlineNs)}, period {Ms(t.PeriodNs)}: margin {Ms(r.MarginNs)}";
            if (r.Schedulable)
            {
                v.Items.Add(new CheckItem(CheckLevel.Ok, $"admission '{t.Name}'", detail, null));
                continue;
            }
            v.Items.Add(new CheckItem(CheckLevel.Fail, $"admission '{t.Name}'", detail, $"lower the rate, lengthen the deadline, or make the loop cheaper ({OverrideFlag} runs it anyway)"));
            v.Refusals.Add($"loop '{t.Name}': worst response {Ms(r.ResponseNs)} is above its deadline {Ms(t.DeadlineNs)} by {Ms(-r.MarginNs)} (execution {Ms(t.WcetNs)}, {WorstWhat(timings[i].Frame)}; period {Ms(t.PeriodNs)})" +
                (t.WcetNs > t.PeriodNs ? $"; its execution is above its period: it cannot keep {1e9 / t.PeriodNs:0.###} Hz on any core" : ""));
        }
    }

    private static void JudgeEdf(Verdict v, List<Loop> loops, List<PeriodicTask> tasks, List<LoopTiming> timings)
    {
        var verdicts = DemandBoundTest.Test(tasks);
        for (int i = 0; i < tasks.Count; i++)
        {
            var t = tasks[i];
            DemandBound core = verdicts[0];
            foreach (var d in verdicts) if (d.Core == t.Core) core = d;
            string where = loops[i].AnyCore ? "any core" : $"core {t.Core}";
            // EDF gives no per-loop response: a set that passes meets every deadline, so the bound is the deadline.
            v.Loops[t.Name] = new LoopAdmission
            {
                Analysis = "demand-bound test", ExecutionUs = t.WcetNs / 1000.0, PredictedWorstResponseUs = t.DeadlineNs / 1000.0,
                MarginUs = core.LeastSlackNs / 1000.0, Schedulable = core.Schedulable,
            };
            string detail = string.Create(CultureInfo.InvariantCulture,
                $"EDF (SCHED_DEADLINE) on {where}: execution {Ms(t.WcetNs)} ({WorstWhat(timings[i].Frame)}), deadline {Ms(t.DeadlineNs)}, period {Ms(t.PeriodNs)}; utilisation {core.Utilisation:0.###}, ") +
                (core.Reason is null || core.Schedulable
                    ? $"demand within the time at {core.PointsChecked} absolute deadline(s) up to {Ms(core.CheckedUpToNs)}: margin {Ms(core.LeastSlackNs)}"
                    : core.Reason);
            if (core.Schedulable)
            {
                v.Items.Add(new CheckItem(CheckLevel.Ok, $"admission '{t.Name}'", detail, null));
                continue;
            }
            v.Items.Add(new CheckItem(CheckLevel.Fail, $"admission '{t.Name}'", detail, $"lower the rate, lengthen the deadline, or make the loop cheaper ({OverrideFlag} runs it anyway)"));
            v.Refusals.Add($"loop '{t.Name}': EDF cannot meet its deadline {Ms(t.DeadlineNs)} on {where}: " +
                (core.FailsAtNs is long at ? $"{Ms(core.DemandAtFailNs)} of work is due within the first {Ms(at)}" : core.Reason) +
                $" (execution {Ms(t.WcetNs)}, {WorstWhat(timings[i].Frame)}; period {Ms(t.PeriodNs)})");
        }
    }

    /// <summary>
    /// At <c>rtapp run</c>'s load: a refused set stops here, as one error line naming the timing file, the
    /// loop and the numbers (exit 2), unless <paramref name="overridden"/>. Nothing is printed otherwise:
    /// <see cref="ReportAtRun"/> says the rest once the loop is wired, so that bad input found while wiring
    /// stays one line.
    /// </summary>
    public static void RefuseAtLoad(Verdict v, string timingPath, bool overridden)
    {
        if (v.Refusals.Count == 0 || overridden) return;
        throw new ProfileException(timingPath, new[] { $"{string.Join("; ", v.Refusals)}; admission refuses the set ({OverrideFlag} runs it anyway)" });
    }

    /// <summary>Says what admission found through the log, once <c>rtapp run</c>'s loop is wired: a missing file and stale files as warnings, each loop's margin, an overridden refusal.</summary>
    public static void ReportAtRun(Verdict v)
    {
        if (v.Missing is string missing)
        {
            // A note, not a warning: admission is for who calibrated (rtapp bench --calibrate); a first run has no file.
            Log.Info("admission", $"{missing}; the loop runs unadmitted");
            return;
        }
        foreach (var i in v.Items)
            if (i.Level == CheckLevel.Ok) Log.Info("admission", $"{i.What}: {i.Detail}");
            else if (i.Level == CheckLevel.Warn) Log.Warning("admission", $"{i.What}: {i.Detail}");
        foreach (string r in v.Refusals) Log.Warning("admission", $"{r}; run anyway ({OverrideFlag})");
    }

    private static StageTiming? Stage(LoopTiming t, string name)
    {
        foreach (var s in t.Stages) if (s.Name == name) return s;
        return null;
    }

    private static string WorstWhat(StageTiming t) =>
        t.PwcetUs is double && t.PwcetPerFrameExceedance is double p
            ? string.Create(CultureInfo.InvariantCulture, $"pWCET at {p:0.#e0} per frame{(t.PwcetPerHourExceedance is double h ? $", {h:0.#e0} per hour" : "")}, max measured {Ms(t.MaxUs * 1000)}")
            : $"the maximum of {t.Samples} frame(s): too few for a pWCET fit";

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;

    private static string Ms(double ns) => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.###} ms");
}
