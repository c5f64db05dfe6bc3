using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Realtime.Tests;

/// <summary>
/// What the profile loader promises about every profile it accepts, checked on the resolved JSON
/// (<c>rtapp boards --show</c>'s output, or <c>ProfileLoader.Resolve</c>), independently of the
/// loader's own code; and the shape of its error lines. The limits are the loader's documented
/// ones (a Core test keeps them equal to <c>ProfileLoader</c>'s constants).
/// </summary>
public static class ProfileInvariants
{
    /// <summary>The most counted frames (<c>timing.frames</c>, as <c>--frames</c>).</summary>
    public const int MaxFrames = 10_000_000;
    /// <summary>The most warm-up frames.</summary>
    public const int MaxWarmupFrames = 1_000_000;
    /// <summary>The loop rate's range, Hz.</summary>
    public const double MinRateHz = 0.001, MaxRateHz = 10_000;
    /// <summary>The longest µs time.</summary>
    public const long MaxTimeUs = 3_600_000_000;
    /// <summary>The largest angle or step, degrees.</summary>
    public const double MaxAngleDeg = 360;

    /// <summary>One field name in a path: plain, or quoted when it holds other characters ('a b').</summary>
    private const string Step = @"([A-Za-z0-9_\-]+|'([^'\\\n]|\\.)*')";

    /// <summary>
    /// A problem line's start: the field (a dotted path with [N]), <c>(top level)</c>, <c>(file)</c>
    /// or an override's <c>--set KEY</c> (the command line's words) or <c>override KEY</c> (the library's), optionally the line, then ": " and the problem on the same line.
    /// </summary>
    public static readonly Regex ProblemLine = new(
        @"^(\(top level\)|\(file\)|--set \S+|override \S+|" + Step + @"(\[\d+\])*(\." + Step + @"(\[\d+\])*)*)( \(line \d+\))?: \S[^\n\r]*$",
        RegexOptions.CultureInvariant);

    /// <summary>Violations of the loader's promises in an accepted profile (empty when it keeps them all).</summary>
    public static List<string> Check(JsonObject p)
    {
        var bad = new List<string>();
        void Need(bool ok, string what)
        {
            if (!ok) bad.Add(what);
        }
        WalkNumbers(p, "", bad);

        var t = p["timing"] as JsonObject;
        double rate = Num(t, "rate_hz", 30);
        long deadline = (long)Num(t, "deadline_us", 15000);
        Need(rate >= MinRateHz && rate <= MaxRateHz, $"timing.rate_hz {rate} outside {MinRateHz}..{MaxRateHz}");
        Need(deadline > 0 && deadline <= 1e6 / rate, $"timing.deadline_us {deadline} not within the period");
        double frames = Num(t, "frames", 900), warmup = Num(t, "warmup_frames", 30);
        Need(frames >= 0 && frames <= MaxFrames, $"timing.frames {frames} outside 0..{MaxFrames}");
        Need(warmup >= 0 && warmup <= MaxWarmupFrames, $"timing.warmup_frames {warmup} outside 0..{MaxWarmupFrames}");
        double budgets = 0;
        if (t?["budgets_us"] is JsonObject b)
            foreach (var (stage, v) in b)
            {
                double us = Num(b, stage, double.NaN);
                Need(us > 0, $"timing.budgets_us.{stage} {us} not positive");
                budgets += us;
            }
        Need(budgets <= deadline, $"stage budgets {budgets} µs exceed the deadline {deadline} µs");

        var pwm = p["pwm"] as JsonArray ?? new JsonArray();
        for (int i = 0; i < pwm.Count; i++)
        {
            var o = (JsonObject)pwm[i]!;
            double minPulse = Num(o, "min_pulse_us", double.NaN), maxPulse = Num(o, "max_pulse_us", double.NaN), hz = Num(o, "frequency_hz", double.NaN);
            // A motor's entry has no angles; a servo's (any angle given) falls back to -45..45, safe 0, for the ones left out.
            if (o.ContainsKey("min_angle_deg") || o.ContainsKey("max_angle_deg") || o.ContainsKey("safe_angle_deg"))
            {
                double min = Num(o, "min_angle_deg", -45), max = Num(o, "max_angle_deg", 45), safe = Num(o, "safe_angle_deg", 0);
                Need(Math.Abs(min) <= MaxAngleDeg && Math.Abs(max) <= MaxAngleDeg && min < max, $"pwm[{i}] angles {min}..{max}");
                Need(safe >= min && safe <= max, $"pwm[{i}].safe_angle_deg {safe} outside {min}..{max}");
            }
            Need(minPulse > 0 && minPulse < maxPulse && maxPulse < 1e6 / hz, $"pwm[{i}] pulses {minPulse}..{maxPulse} µs at {hz} Hz");
        }

        var th = p["threads"] as JsonObject;
        double pipelinePriority = Num(th?["pipeline"] as JsonObject, "priority", 0);
        string pipelinePolicy = (th?["pipeline"] as JsonObject)?["policy"]?.GetValue<string>() ?? "fifo";
        double watchdogPriority = Num(th?["watchdog"] as JsonObject, "priority", 0);
        double capturePriority = Num(th?["capture"] as JsonObject, "priority", 0);
        string cmdline = (p["kernel"] as JsonObject)?["cmdline"]?.GetValue<string>() ?? "";
        bool asksForRt = watchdogPriority > 0 || capturePriority > 0 || Regex.IsMatch(cmdline, @"(^|\s)isolcpus=");
        Need(!asksForRt || pipelinePriority > 0 || pipelinePolicy == "deadline", "a board that asks for RT runs its pipeline SCHED_OTHER");
        Need(pipelinePriority == 0 || watchdogPriority > pipelinePriority, $"watchdog priority {watchdogPriority} not above the pipeline's {pipelinePriority}");

        var w = p["watchdog"] as JsonObject;
        double stall = Num(w, "stall_timeout_us", 250_000);
        Need(stall > 1e6 / rate && stall <= MaxTimeUs, $"watchdog.stall_timeout_us {stall}");
        double fallback = Num(w, "fallback_step", 2);
        Need(fallback > 0 && fallback <= MaxAngleDeg, $"watchdog.fallback_step {fallback}");
        return bad;
    }

    private static double Num(JsonObject? o, string field, double fallback) =>
        o?[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;

    private static void WalkNumbers(JsonNode? node, string at, List<string> bad)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) WalkNumbers(v, at.Length == 0 ? k : at + "." + k, bad);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) WalkNumbers(a[i], $"{at}[{i}]", bad);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (!v.TryGetValue(out double d) || !double.IsFinite(d)) bad.Add($"{at}: {v.ToJsonString()} is not a finite number");
                break;
        }
    }
}
