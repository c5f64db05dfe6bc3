using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Realtime.Core.Profiles;

namespace Realtime.Core.Scheduling;

/// <summary>
/// What <c>rtapp bench --calibrate</c> measured, written beside the profile and read by admission
/// (<c>rtapp check --admit</c>, <c>rtapp run</c>): each loop's frame and stage times with their pWCET,
/// the machine, and the hash of the profile they were measured under (a changed one makes it stale).
/// </summary>
public sealed class TimingFile
{
    /// <summary>The format's version; another is refused.</summary>
    public const int CurrentVersion = 1;
    /// <summary>The largest timing file read.</summary>
    public const int MaxBytes = 1 << 20;
    /// <summary>The most loops, and stages per loop, a file may hold.</summary>
    public const int MaxEntries = 64;

    /// <summary>The format's version.</summary>
    public int Version { get; set; } = CurrentVersion;
    /// <summary>When it was written (UTC, ISO 8601).</summary>
    public string Written { get; set; } = "";
    /// <summary>The profile it was measured under (a path, or a built-in name).</summary>
    public string Profile { get; set; } = "";
    /// <summary>SHA-256 of that profile as resolved, its timing left out (see <c>Admission.ProfileHash</c>).</summary>
    public string ProfileSha256 { get; set; } = "";
    /// <summary>The machine.</summary>
    public TimingMachine Machine { get; set; } = new();
    /// <summary>The loops measured.</summary>
    public List<LoopTiming> Loops { get; set; } = new();

    /// <summary>The loop named <paramref name="name"/>, or null.</summary>
    public LoopTiming? Loop(string name)
    {
        foreach (var l in Loops) if (l.Name == name) return l;
        return null;
    }

    /// <summary>The file's JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TimingJsonContext.Default.TimingFile);

    /// <summary>
    /// Reads and checks <paramref name="path"/>; null when it does not exist. Anything else wrong (not a
    /// regular file, too large, not JSON, a field missing, negative, out of order or not finite) is a
    /// <see cref="ProfileException"/> naming the file and the field.
    /// </summary>
    public static TimingFile? Read(string path)
    {
        if (!System.IO.Path.Exists(path)) return null;
        byte[] bytes = InputFile.ReadBytes(path, MaxBytes, out string? problem)
            ?? throw new ProfileException(path, new[] { $"the timing file {problem}" });
        TimingFile? file;
        try { file = JsonSerializer.Deserialize(bytes, TimingJsonContext.Default.TimingFile); }
        catch (JsonException ex)
        {
            throw new ProfileException(path, new[] { $"not a timing file (a calibration run writes one): {FirstSentence(ex.Message)}" });
        }
        if (file is null) throw new ProfileException(path, new[] { "not a timing file: it holds null" });
        var problems = file.Problems();
        if (problems.Count > 0) throw new ProfileException(path, problems);
        return file;
    }

    // The path and line a JsonException names, not the serializer's advice after them.
    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        int end = message.IndexOf(" BytePositionInLine", StringComparison.Ordinal);
        return cut >= 0 && end > cut ? message[..end].TrimEnd('.', ' ', '|') : message;
    }

    /// <summary>Every field that is missing or impossible, each as "field: what is wrong".</summary>
    public List<string> Problems()
    {
        var p = new List<string>();
        if (Version != CurrentVersion) p.Add($"version: {Version}; this rtapp reads version {CurrentVersion} (calibrate again)");
        if (Loops is null || Loops.Count == 0) { p.Add("loops: no loop measured"); return p; }
        if (Loops.Count > MaxEntries) { p.Add($"loops: {Loops.Count} loops; at most {MaxEntries}"); return p; }
        for (int i = 0; i < Loops.Count; i++)
        {
            var l = Loops[i];
            if (l is null) { p.Add($"loops[{i}]: null"); continue; }
            string at = $"loops[{i}]";
            if (string.IsNullOrEmpty(l.Name) || l.Name.Length > 200) p.Add($"{at}.name: missing or longer than 200 characters");
            else at = $"loops[{MessageText.Shown(l.Name)}]";
            if (!(l.RateHz > 0) || double.IsInfinity(l.RateHz)) p.Add($"{at}.rate_hz: must be a positive number, got {Show(l.RateHz)}");
            if (l.DeadlineUs <= 0) p.Add($"{at}.deadline_us: must be positive, got {l.DeadlineUs}");
            if (l.Frame is null) p.Add($"{at}.frame: missing");
            else Check(p, $"{at}.frame", l.Frame);
            if (l.Stages is null || l.Stages.Count > MaxEntries) { p.Add($"{at}.stages: missing or more than {MaxEntries}"); continue; }
            for (int s = 0; s < l.Stages.Count; s++)
                if (l.Stages[s] is null) p.Add($"{at}.stages[{s}]: null");
                else Check(p, $"{at}.stages[{(string.IsNullOrEmpty(l.Stages[s].Name) ? s.ToString(CultureInfo.InvariantCulture) : MessageText.Shown(l.Stages[s].Name))}]", l.Stages[s]);
        }
        return p;
    }

    private static void Check(List<string> p, string at, StageTiming t)
    {
        if (t.Samples < 1) p.Add($"{at}.samples: must be at least 1, got {t.Samples}");
        Time(p, $"{at}.p50_us", t.P50Us);
        Time(p, $"{at}.p99_us", t.P99Us);
        Time(p, $"{at}.p999_us", t.P999Us);
        Time(p, $"{at}.max_us", t.MaxUs);
        if (t.P50Us > t.P99Us || t.P99Us > t.P999Us || t.P999Us > t.MaxUs)
            p.Add($"{at}: percentiles out of order (p50 {Show(t.P50Us)} ≤ p99 {Show(t.P99Us)} ≤ p99.9 {Show(t.P999Us)} ≤ max {Show(t.MaxUs)} µs must hold)");
        if (t.PwcetUs is double w)
        {
            Time(p, $"{at}.pwcet_us", w);
            if (t.PwcetPerFrameExceedance is not double e || !(e > 0 && e < 1)) p.Add($"{at}.pwcet_per_frame_exceedance: must be a probability in (0, 1) beside pwcet_us, got {Show(t.PwcetPerFrameExceedance)}");
            if (t.PwcetPerHourExceedance is double h && !(h >= 0 && h <= 1)) p.Add($"{at}.pwcet_per_hour_exceedance: must be a probability in [0, 1], got {Show(h)}");
        }
        if (t.PwcetMethod is string m && m != TimingCalibration.BlockMaxima && m != TimingCalibration.PeaksOverThresholdMethod)
            p.Add($"{at}.pwcet_method: '{MessageText.Shown(m)}' is not a fit; {TimingCalibration.BlockMaxima} or {TimingCalibration.PeaksOverThresholdMethod}");
        if (t.BlockMaximaPwcetUs is double b) Time(p, $"{at}.block_maxima_pwcet_us", b);
        if (t.PotPwcetUs is double pot) Time(p, $"{at}.pot_pwcet_us", pot);
        if (t.PotThresholdUs is double u) Time(p, $"{at}.pot_threshold_us", u);
    }

    private static void Time(List<string> p, string field, double us)
    {
        // An hour is far beyond any frame: a larger figure is not a measurement.
        if (!(us >= 0 && us <= 3.6e9)) p.Add($"{field}: must be a time in µs from 0 to 3.6e9, got {Show(us)}");
    }

    private static string Show(double? x) => x is double v ? v.ToString("G6", CultureInfo.InvariantCulture) : "nothing";
}
