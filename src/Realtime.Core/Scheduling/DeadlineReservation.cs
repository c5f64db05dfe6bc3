using System.Globalization;

namespace Realtime.Core.Scheduling;

/// <summary>
/// A SCHED_DEADLINE reservation (all ns): the kernel's constant-bandwidth server gives the thread
/// <see cref="RuntimeNs"/> of CPU within <see cref="DeadlineNs"/> of the start of each <see cref="PeriodNs"/>,
/// and throttles it once that is spent. The kernel takes runtime ≤ deadline ≤ period, runtime at least
/// 1024 ns, a period from 100 µs (<c>/proc/sys/kernel/sched_deadline_period_min_us</c>) to 4 s (…_max_us).
/// </summary>
public readonly record struct DeadlineReservation(long RuntimeNs, long DeadlineNs, long PeriodNs)
{
    /// <summary>The smallest runtime the kernel takes (2^DL_SCALE ns).</summary>
    public const long MinRuntimeNs = 1024;
    /// <summary>The kernel's default shortest period (sched_deadline_period_min_us 100).</summary>
    public const long DefaultMinPeriodNs = 100_000;
    /// <summary>The kernel's default longest period (sched_deadline_period_max_us 4 000 000).</summary>
    public const long DefaultMaxPeriodNs = 4_000_000_000;

    /// <summary>The share of a core reserved (runtime / period).</summary>
    public double Bandwidth => PeriodNs > 0 ? (double)RuntimeNs / PeriodNs : double.PositiveInfinity;

    /// <summary>
    /// What the kernel would refuse with EINVAL, as a sentence naming <paramref name="loop"/> and the
    /// numbers; null when the reservation is well formed. (Whether the kernel's admission has room for
    /// it is only known when it is asked: EBUSY.)
    /// </summary>
    public string? Problem(string loop)
    {
        string numbers = $"runtime {Us(RuntimeNs)}, deadline {Us(DeadlineNs)}, period {Us(PeriodNs)}";
        if (RuntimeNs > PeriodNs) return $"loop '{loop}': its SCHED_DEADLINE runtime is above its period ({numbers}): it would need more than a whole core";
        if (RuntimeNs > DeadlineNs) return $"loop '{loop}': its SCHED_DEADLINE runtime is above its deadline ({numbers}): runtime ≤ deadline ≤ period must hold";
        if (DeadlineNs > PeriodNs) return $"loop '{loop}': its SCHED_DEADLINE deadline is above its period ({numbers}): runtime ≤ deadline ≤ period must hold";
        if (RuntimeNs < MinRuntimeNs) return $"loop '{loop}': its SCHED_DEADLINE runtime is below the kernel's least, {MinRuntimeNs} ns ({numbers})";
        if (PeriodNs < DefaultMinPeriodNs || PeriodNs > DefaultMaxPeriodNs)
            return $"loop '{loop}': its SCHED_DEADLINE period is outside the kernel's {Us(DefaultMinPeriodNs)} to {Us(DefaultMaxPeriodNs)} ({numbers})";
        return null;
    }

    private static string Us(long ns) => string.Create(CultureInfo.InvariantCulture, $"{ns / 1000.0:0.###} µs");
}
