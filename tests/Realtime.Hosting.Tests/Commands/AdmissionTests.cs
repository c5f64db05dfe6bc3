using Realtime.Core.Reporting;
using Realtime.Core.Scheduling;
using Realtime.Hosting.Commands;

namespace Realtime.Hosting.Tests.Commands;

/// <summary>
/// Admission of the sim profile's face tracker (30 Hz: period 33.333 ms, deadline 15 ms, infer budget 9 ms,
/// pipeline on core 1) against hand-made timing files: the numbers printed, refusals, EDF, stale files.
/// </summary>
public sealed class AdmissionTests
{
    private static readonly MachineInfo Machine = new() { CpuModel = "cpu", Kernel = "6.12", Cores = 2 };

    private static StageTiming Times(string name, double pwcetUs) =>
        new() { Name = name, Samples = 300, P50Us = pwcetUs / 2, P99Us = pwcetUs / 2, P999Us = pwcetUs / 2, MaxUs = pwcetUs / 2, PwcetUs = pwcetUs, PwcetPerFrameExceedance = 1e-9, PwcetPerHourExceedance = 1.08e-4 };

    private static TimingFile File(double frameUs, double inferUs, string hash = "h") => new()
    {
        ProfileSha256 = hash,
        Machine = new TimingMachine { CpuModel = "cpu", Kernel = "6.12", Cores = 2 },
        Loops = { new LoopTiming { Name = "face-tracker", RateHz = 30, DeadlineUs = 15000, Frame = Times("frame", frameUs), Stages = { Times("infer", inferUs) } } },
    };

    private static Admission.Verdict Judge(TimingFile? file, params string[] sets)
    {
        var (profile, _) = ProfileCatalog.Load("sim", sets);
        return Admission.Judge(profile, "face-tracker", "sim", "sim.timing.json", file, "h", Machine);
    }

    [Fact]
    public void AFrameWellWithinTheDeadlineIsAdmittedWithItsMargin()
    {
        var v = Judge(File(4000, 2000));
        Assert.Null(v.Missing);
        Assert.Empty(v.Refusals);
        var item = Assert.Single(v.Items, i => i.What == "admission 'face-tracker'");
        Assert.Equal(CheckLevel.Ok, item.Level);
        // One loop alone on its core: response = execution (4 ms), margin 15 − 4 = 11 ms.
        Assert.Contains("rank 0 on core 1): worst response 4 ms = execution 4 ms", item.Detail);
        Assert.Contains("blocking 0 ms + interference 0 ms; deadline 15 ms, period 33.333 ms: margin 11 ms", item.Detail);
        Assert.DoesNotContain(v.Items, i => i.Level != CheckLevel.Ok);
    }

    [Fact]
    public void AFrameOverTheDeadlineIsRefusedWithTheNumbers()
    {
        var v = Judge(File(20000, 8000));
        var refusal = Assert.Single(v.Refusals);
        Assert.Equal("loop 'face-tracker': worst response 20 ms is above its deadline 15 ms by 5 ms (execution 20 ms, pWCET at 1e-9 per frame, 1.1e-4 per hour, max measured 10 ms; period 33.333 ms)", refusal);
        Assert.Contains(v.Items, i => i.Level == CheckLevel.Fail && i.Fix!.Contains("--override-admission"));
        // Above the period too: no core can keep the rate.
        Assert.Contains("cannot keep 30 Hz on any core", Assert.Single(Judge(File(40000, 8000), "timing.deadline_us=30000", "timing.budgets_us.infer=9000").Refusals));
    }

    [Fact]
    public void AStageOverItsBudgetIsAWarning()
    {
        var v = Judge(File(12000, 10000));
        Assert.Empty(v.Refusals);
        var w = Assert.Single(v.Items, i => i.What == "budget 'infer'");
        Assert.Equal(CheckLevel.Warn, w.Level);
        Assert.Contains("its worst case 10 ms (pWCET at 1e-9 per frame, 1.1e-4 per hour, max measured 5 ms) is above its budget 9 ms", w.Detail);
    }

    [Fact]
    public void SchedDeadlineIsJudgedByTheDemandBoundTest()
    {
        var ok = Judge(File(4000, 2000), "threads.pipeline.policy=deadline");
        var item = Assert.Single(ok.Items, i => i.What == "admission 'face-tracker'");
        // One absolute deadline up to the busy period (4 ms): demand 4 ms at 15 ms, slack 11 ms.
        Assert.Contains("EDF (SCHED_DEADLINE) on core 1: execution 4 ms", item.Detail);
        Assert.Contains("utilisation 0.12, demand within the time at 1 absolute deadline(s) up to 15 ms: margin 11 ms", item.Detail);
        var refused = Judge(File(20000, 2000), "threads.pipeline.policy=deadline");
        Assert.Contains("EDF cannot meet its deadline 15 ms on core 1: 20 ms of work is due within the first 15 ms", Assert.Single(refused.Refusals));
    }

    [Fact]
    public void AStaleFileIsWarnedAndAMissingOneOrLoopSaysWhatToRun()
    {
        var stale = File(4000, 2000, hash: "other");
        stale.Machine.Kernel = "5.10";
        var v = Judge(stale);
        Assert.Equal(2, v.Items.FindAll(i => i.What == "timing file stale" && i.Level == CheckLevel.Warn).Count);
        Assert.Contains(v.Items, i => i.Detail.Contains("kernel 5.10 then, 6.12 now"));
        Assert.Empty(v.Refusals);

        Assert.Equal("no timing file at sim.timing.json: admission has no measured worst case to judge; rtapp bench --calibrate --board sim writes one", Judge(null).Missing);
        var other = File(4000, 2000);
        other.Loops[0].Name = "voice-relay";
        Assert.Equal("sim.timing.json holds no loop 'face-tracker' (it holds voice-relay); rtapp bench --calibrate --board sim measures it", Judge(other).Missing);
    }
}
