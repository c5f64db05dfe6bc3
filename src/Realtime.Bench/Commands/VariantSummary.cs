using System;
using System.Globalization;
using Realtime.Bench.Variants;

namespace Realtime.Bench.Commands;

/// <summary>The trade-off table: what each variant costs, and how far its answers are from the reference's.</summary>
internal static class VariantSummary
{
    public static void Print(VariantReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"Data: {r.Data}; {r.Frames} {(IsVad(r) ? "chunks" : "frames")}, {r.WarmupRuns} warm-up runs per variant");
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{"latency, µs",-16} {"input",6} {"KiB",6} {"load ms",8} {"prep p50",9} {"infer p50",10} {"infer p90",10} {"infer p99",10} {"infer max",10} {"decode p50",11} {"total p50",10} {"total p99",10}"));
        foreach (var v in r.Variants)
            Console.WriteLine(string.Create(c, $"{v.Name,-16} {v.InputSize,6} {v.ModelBytes / 1024,6} {v.ModelLoadMs,8:0.0} {v.Preprocess.P50Us,9:0.0} {v.Infer.P50Us,10:0.0} {v.Infer.P90Us,10:0.0} {v.Infer.P99Us,10:0.0} {v.Infer.MaxUs,10:0.0} {v.Decode.P50Us,11:0.0} {v.Total.P50Us,10:0.0} {v.Total.P99Us,10:0.0}"));
        if (r.Variants.Count > 0 && r.Variants[0].Total.NotEstablished is { Length: > 0 } ne)
            Console.WriteLine(string.Create(c, $"(n={r.Frames}: {string.Join(",", ne)} not established by MLPerf LoadGen's rule; more with --data-frames N)"));
        Console.WriteLine();
        if (IsVad(r)) PrintVad(r);
        else if (IsLines(r)) PrintLines(r);
        else PrintDetections(r);
        foreach (string note in r.Notes) Console.WriteLine($"Note: {note}");
    }

    private static bool IsLines(VariantReport r) => r.Variants.Count > 0 && r.Variants[0].SegmentsPerFrame is not null;

    private static void PrintLines(VariantReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{"agreement",-16} {"segs/frame",11} {"line found",11} {"seg recall %",13} {"seg precision %",16} {"line both",10} {"only ref",9} {"only this",10} {"|Δoffset| p50 cm",17} {"p95 cm",7} {"max cm",7} {"|Δangle| p50 °",15} {"p95 °",6}"));
        foreach (var v in r.Variants)
        {
            string head = string.Create(c, $"{v.Name,-16} {v.SegmentsPerFrame,11:0.0} {v.FramesWithLine,11}");
            Console.WriteLine(v.Lines is { } a
                ? head + string.Create(c, $" {a.SegmentRecallPct,13:0.0} {a.SegmentPrecisionPct,16:0.0} {a.LineBothFound,10} {a.LineOnlyReference,9} {a.LineOnlyVariant,10} {a.OffsetDiffCmP50,17:0.00} {a.OffsetDiffCmP95,7:0.00} {a.OffsetDiffCmMax,7:0.00} {a.AngleDiffDegP50,15:0.00} {a.AngleDiffDegP95,6:0.00}")
                : head + "  (reference)");
        }
        Console.WriteLine();
        for (int i = 1; i < r.Variants.Count; i++)
        {
            var a = r.Variants[0];
            var b = r.Variants[i];
            double ratio = a.Infer.P50Us > 0 ? b.Infer.P50Us / a.Infer.P50Us : 0;
            var g = b.Lines;
            Console.WriteLine(string.Create(c, $"{b.Name} against {a.Name}: inference p50 ×{ratio:0.00} ({a.Infer.P50Us / 1000:0.0} → {b.Infer.P50Us / 1000:0.0} ms), {g?.SegmentRecallPct:0.0}% of its segments found again, line found {a.FramesWithLine} → {b.FramesWithLine} of {r.Frames}, offset within {g?.OffsetDiffCmP95:0.00} cm and bearing within {g?.AngleDiffDegP95:0.00}° (p95) where both found it"));
        }
    }

    private static bool IsVad(VariantReport r) => r.Variants.Count > 0 && r.Variants[0].VadTruth is not null;

    private static void PrintDetections(VariantReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{"agreement",-16} {"faces",6} {"both",6} {"only ref",9} {"only this",10} {"neither",8} {"presence %",11} {"IoU mean",9} {"IoU p50",8} {"IoU p5",7} {"IoU≥.5",7} {"Δc p50 px",10} {"Δc p95 px",10}"));
        foreach (var v in r.Variants)
        {
            if (v.Agreement is not { } a)
            {
                Console.WriteLine(string.Create(c, $"{v.Name,-16} {v.FramesWithFace,6}  (reference)"));
                continue;
            }
            Console.WriteLine(string.Create(c, $"{v.Name,-16} {v.FramesWithFace,6} {a.BothFound,6} {a.OnlyReference,9} {a.OnlyVariant,10} {a.Neither,8} {a.PresenceAgreementPct,11:0.0} {a.IouMean,9:0.000} {a.IouP50,8:0.000} {a.IouP5,7:0.000} {a.IouAtLeastHalf,7} {a.CenterDistancePxP50,10:0.0} {a.CenterDistancePxP95,10:0.0}"));
        }
        Console.WriteLine();
        for (int i = 1; i < r.Variants.Count; i++)
        {
            var a = r.Variants[0];
            var b = r.Variants[i];
            double ratio = a.Infer.P50Us > 0 ? b.Infer.P50Us / a.Infer.P50Us : 0;
            string where = b.Agreement is { BothFound: > 0 } g
                ? string.Create(c, $", where both found one: IoU p50 {g.IouP50:0.00}, centres {g.CenterDistancePxP50:0.0} px apart (p50)")
                : "";
            Console.WriteLine(string.Create(c, $"{b.Name} against {a.Name}: inference p50 ×{ratio:0.00} ({a.Infer.P50Us:0} → {b.Infer.P50Us:0} µs), faces found {a.FramesWithFace} → {b.FramesWithFace} of {r.Frames}{where}"));
        }
    }

    private static void PrintVad(VariantReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{"decisions",-16} {"speech",7} {"recall %",9} {"false alarm %",14} {"accuracy %",11} {"agree %",8} {"both",6} {"only ref",9} {"only this",10} {"neither",8} {"|Δp| mean",10} {"|Δp| max",9}"));
        foreach (var v in r.Variants)
        {
            var t = v.VadTruth!;
            string head = string.Create(c, $"{v.Name,-16} {v.ChunksWithSpeech,7} {t.SpeechRecallPct,9:0.0} {t.SilenceFalseAlarmPct,14:0.0} {t.AccuracyPct,11:0.0}");
            Console.WriteLine(v.Vad is { } a
                ? head + string.Create(c, $" {a.DecisionAgreementPct,8:0.0} {a.BothSpeech,6} {a.OnlyReference,9} {a.OnlyVariant,10} {a.Neither,8} {a.ProbabilityMeanAbsDiff,10:0.0000} {a.ProbabilityMaxAbsDiff,9:0.0000}")
                : head + "  (reference)");
        }
        Console.WriteLine();
        for (int i = 1; i < r.Variants.Count; i++)
        {
            var a = r.Variants[0];
            var b = r.Variants[i];
            double ratio = a.Infer.P50Us > 0 ? b.Infer.P50Us / a.Infer.P50Us : 0;
            double agree = b.Vad?.DecisionAgreementPct ?? 0;
            Console.WriteLine(string.Create(c, $"{b.Name} against {a.Name}: inference p50 ×{ratio:0.00} ({a.Infer.P50Us:0.0} → {b.Infer.P50Us:0.0} µs), model {a.ModelBytes / 1024} → {b.ModelBytes / 1024} KiB, the same decision on {agree:0.0}% of {r.Frames} chunks"));
        }
    }
}
