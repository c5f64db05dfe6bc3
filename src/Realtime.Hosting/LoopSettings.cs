using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// A loop's options and in-loop watchdog from a profile: the board's <c>timing</c>, an application's
/// <c>app.loop</c> over it (rate, deadline, budgets), the run's overrides last. One place, so the
/// demos and a profile's graph application are paced and guarded alike.
/// </summary>
public static class LoopSettings
{
    /// <summary>The loop's options; a field <paramref name="loop"/> leaves out is the board's.</summary>
    public static ClosedLoopOptions Options(BoardProfile profile, RunOverrides? overrides, AppLoopProfile? loop = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        overrides ??= new RunOverrides();
        var t = profile.Timing;
        double rateHz = loop?.RateHz ?? t.RateHz;
        long deadlineUs = loop?.DeadlineUs ?? t.DeadlineUs;
        var budgetsUs = loop?.BudgetsUs ?? t.BudgetsUs;
        var budgets = new long[6];
        for (int s = 0; s < ProfileLoader.StageNames.Length; s++)
            if (budgetsUs.TryGetValue(ProfileLoader.StageNames[s], out long us)) budgets[s] = us * 1000;
        return new ClosedLoopOptions
        {
            Frames = overrides.Frames ?? t.Frames,
            RingFrames = profile.Telemetry.RingFrames,
            WarmupFrames = overrides.WarmupFrames ?? t.WarmupFrames,
            PeriodNs = (long)Math.Round(1e9 / rateHz),
            DeadlineNs = deadlineUs * 1000,
            StageBudgetsNs = budgets,
            FlatFramesForFault = profile.Watchdog.FlatFramesForFault,
            Scenario = overrides.Scenario ?? LoopScenario.Periodic,
            MeasureFloor = overrides.MeasureFloor,
        };
    }

    /// <summary>A new in-loop watchdog with the profile's policies (the loader has checked every name).</summary>
    public static LoopWatchdog Watchdog(BoardProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var w = profile.Watchdog;
        return new LoopWatchdog(
            LoopWatchdog.ParseAction(w.MissPolicy)!.Value,
            LoopWatchdog.ParseAction(w.OnStageOverrun)!.Value,
            LoopWatchdog.ParseAction(w.OnStall)!.Value,
            LoopWatchdog.ParseAction(w.OnSourceFailure)!.Value,
            w.SafeAfterConsecutiveMisses, w.RecoverAfterGoodFrames);
    }
}
