using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Profiles;

namespace Realtime.Hosting;

/// <summary>
/// The loops of a profile that runs several applications in one host (<c>apps[]</c>): each entry's
/// application looked up, its profile loaded as <c>--demo</c> would load it (the composition with the
/// application's <c>demos</c> entry merged in) and the entry's rate, deadline, cores and priority set over it.
/// </summary>
public static class AppSet
{
    /// <summary>Whether <paramref name="profile"/> runs several applications (it has <c>apps[]</c>).</summary>
    public static bool Runs(BoardProfile profile) => profile?.Apps is { Count: > 0 };

    /// <summary>
    /// The loops of <paramref name="composition"/> (read from <paramref name="board"/> with the overrides
    /// <paramref name="sets"/>, described as <paramref name="source"/>); every problem, each naming its
    /// <c>apps[i]</c> field, in one <see cref="ProfileException"/>.
    /// </summary>
    public static List<AppLoop> Load(RealtimeHost host, string board, IReadOnlyList<string> sets, BoardProfile composition, string source)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(composition);
        var entries = composition.Apps ?? throw new ProfileException(source, new[] { "apps: the profile names no applications" });
        var loops = new List<AppLoop>();
        var problems = new List<string>();
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            string field = $"apps[{i}] ('{e.Name}')";
            if (!host.Applications.Has(e.Demo))
            {
                problems.Add($"apps[{i}].demo: {host.Applications.Unknown(e.Demo)}");
                continue;
            }
            BoardProfile profile;
            string loopSource;
            try
            {
                (profile, loopSource) = ProfileCatalog.Load(board, sets, e.Demo, host);
            }
            catch (ProfileException ex)
            {
                foreach (string p in ex.Problems) problems.Add($"{field}, application {e.Demo}: {p}");
                continue;
            }
            Apply(e, profile);
            var o = LoopSettings.Options(profile, null, profile.App?.Loop);
            if (o.DeadlineNs > o.PeriodNs)
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"apps[{i}].deadline_us: {o.DeadlineNs / 1000} µs is longer than loop '{e.Name}''s period ({o.PeriodNs / 1000} µs at {1e9 / o.PeriodNs:0.###} Hz)"));
            if (profile.Watchdog.StallTimeoutUs * 1000 <= o.PeriodNs)
                problems.Add($"apps[{i}].rate_hz: loop '{e.Name}''s period ({o.PeriodNs / 1000} µs) is not shorter than its watchdog.stall_timeout_us ({profile.Watchdog.StallTimeoutUs} µs): every wait for the next frame would be a stall");
            loops.Add(new AppLoop(i, e, profile, loopSource, host.ApplicationFor(profile, loopSource, e.Demo)));
        }
        if (problems.Count > 0) throw new ProfileException(source, problems);
        return loops;
    }

    // The entry's own timing and thread over its application's profile: what it leaves out stays the application's.
    private static void Apply(AppEntryProfile e, BoardProfile profile)
    {
        if (e.RateHz is not null || e.DeadlineUs is not null)
        {
            profile.App ??= new AppProfile();
            profile.App.Loop ??= new AppLoopProfile();
            if (e.RateHz is double rate) profile.App.Loop.RateHz = rate;
            if (e.DeadlineUs is long deadline) profile.App.Loop.DeadlineUs = deadline;
        }
        if (e.Cores is { } cores) profile.Threads.Pipeline.Cores = new List<int>(cores);
        if (e.Priority is int priority) profile.Threads.Pipeline.Priority = priority;
    }
}
