using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// ln(1 + x) and eˣ − 1 accurate for tiny x: tail probabilities of 1e-9 and below vanish in 1 − p
/// otherwise (.NET's double.LogP1 is computed as Log(x + 1)).
/// </summary>
internal static class TailMath
{
    /// <summary>ln(1 + x).</summary>
    public static double Log1P(double x) => Math.Abs(x) < 1e-4 ? x * (1 - x * (0.5 - x * (1.0 / 3 - x * 0.25))) : Math.Log(1 + x);

    /// <summary>eˣ − 1.</summary>
    public static double ExpM1(double x) => Math.Abs(x) < 1e-4 ? x * (1 + x * (0.5 + x * (1.0 / 6 + x / 24))) : Math.Exp(x) - 1;
}
