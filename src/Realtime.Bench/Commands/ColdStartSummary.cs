using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Bench.Startup;

namespace Realtime.Bench.Commands;

/// <summary>The cold-start tables: phases down, variants across, one table per page-cache state.</summary>
internal static class ColdStartSummary
{
    public static void Print(ColdStartReport r)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (string cache in new[] { "warm", "cold" })
        {
            var set = new List<ColdStartVariantResult>();
            foreach (var v in r.Variants) if (v.PageCache == cache) set.Add(v);
            if (set.Count == 0) continue;
            Console.WriteLine();
            Console.WriteLine(string.Create(c, $"Cold start, {(cache == "warm" ? "restart (warm page cache)" : "power-on (page cache dropped before each launch)")}, ms, over {r.Launches} launches per variant ({r.Model} on {r.Board}): p50 / max"));
            Console.Write($"{"phase",-28}");
            foreach (var v in set) Console.Write($" {v.Name,22}");
            Console.WriteLine();
            foreach (string phase in ColdStartRunner.Phases)
            {
                Console.Write($"{phase,-28}");
                foreach (var v in set)
                {
                    var p = v.Phases[phase];
                    // A phase no launch of the variant has (the floor has no outputs or camera) is a dash, not a time of 0.
                    Console.Write(p.MaxMs > 0 ? string.Create(c, $" {$"{p.P50Ms:0.0} / {p.MaxMs:0.0}",22}") : $" {"—",22}");
                }
                Console.WriteLine();
            }
            var baseline = set[0];
            for (int i = 1; i < set.Count; i++)
            {
                var v = set[i];
                if (v.Name.StartsWith("before:", StringComparison.Ordinal) || v.Name == BenchCommand.FloorVariant) continue;
                // --against: this build beside the earlier one, variant by variant.
                if (set[i - 1].Name == "before:" + v.Name)
                {
                    var b = set[i - 1];
                    Console.WriteLine(string.Create(c, $"{v.Name}, before → now: outputs safe p50 {Delta(b, v, "process_to_outputs_safe")}, max {Delta(b, v, "process_to_outputs_safe", max: true)}; first actuation p50 {Delta(b, v, "process_to_first_actuation")}, max {Delta(b, v, "process_to_first_actuation", max: true)}"));
                    continue;
                }
                Console.WriteLine(string.Create(c, $"{v.Name}: {v.Description}: model load p50 {Delta(baseline, v, "model_load")}, first inference p50 {Delta(baseline, v, "first_inference")}, process → first actuation p50 {Delta(baseline, v, "process_to_first_actuation")}"));
            }
            foreach (var v in set)
                if (v.FirstActuationVsFloor is { } f)
                    Console.WriteLine(string.Create(c, $"{v.Name}: first actuation {f.P50Ratio:0.00}× the {f.Floor} floor's first answer at p50 ({f.P50DeltaMs:+0.0;-0.0} ms), {f.MaxRatio:0.00}× at max ({f.MaxDeltaMs:+0.0;-0.0} ms)"));
        }
        Console.WriteLine();
        foreach (string note in r.Notes) Console.WriteLine($"Note: {note}");
    }

    private static string Delta(ColdStartVariantResult a, ColdStartVariantResult b, string phase, bool max = false)
    {
        double x = max ? a.Phases[phase].MaxMs : a.Phases[phase].P50Ms, y = max ? b.Phases[phase].MaxMs : b.Phases[phase].P50Ms;
        return string.Create(CultureInfo.InvariantCulture, $"{x:0.0} → {y:0.0} ms ({(x > 0 ? (y - x) / x * 100 : 0):+0;-0;0}%)");
    }
}
