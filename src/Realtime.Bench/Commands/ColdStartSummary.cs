using System;
using System.Globalization;
using Realtime.Bench.Startup;

namespace Realtime.Bench.Commands;

/// <summary>The cold-start table: phases down, variants across.</summary>
internal static class ColdStartSummary
{
    public static void Print(ColdStartReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Cold start, ms, over {r.Launches} launches per variant ({r.Model} on {r.Board}): p50 / p99 (p99 = max below 662 launches)"));
        Console.Write($"{"phase",-28}");
        foreach (var v in r.Variants) Console.Write($" {v.Name,22}");
        Console.WriteLine();
        foreach (string phase in ColdStartRunner.Phases)
        {
            Console.Write($"{phase,-28}");
            foreach (var v in r.Variants)
            {
                var p = v.Phases[phase];
                Console.Write(string.Create(c, $" {$"{p.P50Ms:0.0} / {p.P99Ms:0.0}",22}"));
            }
            Console.WriteLine();
        }
        Console.WriteLine();
        var baseline = r.Variants[0];
        for (int i = 1; i < r.Variants.Count; i++)
        {
            var v = r.Variants[i];
            Console.WriteLine(string.Create(c, $"{v.Name}: {v.Description}: model load p50 {Delta(baseline, v, "model_load")}, first inference p50 {Delta(baseline, v, "first_inference")}, process → first actuation p50 {Delta(baseline, v, "process_to_first_actuation")}"));
        }
        foreach (string note in r.Notes) Console.WriteLine($"Note: {note}");
    }

    private static string Delta(ColdStartVariantResult a, ColdStartVariantResult b, string phase)
    {
        double x = a.Phases[phase].P50Ms, y = b.Phases[phase].P50Ms;
        return string.Create(CultureInfo.InvariantCulture, $"{x:0.0} → {y:0.0} ms ({(x > 0 ? (y - x) / x * 100 : 0):+0;-0}%)");
    }
}
