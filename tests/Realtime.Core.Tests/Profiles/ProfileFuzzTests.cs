using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// The seeded mutation fuzzer (<see cref="ProfileMutator"/>) against the loader in-process, as
/// <c>rtapp</c> loads a profile: every case either loads, keeping every promise the loader makes
/// (<see cref="ProfileInvariants"/>), or fails with a <see cref="ProfileException"/> whose every
/// line names the file and the field; never another exception, never a hang. 2,000 cases by
/// default; <c>RTAPP_FUZZ_CASES</c> runs more, <c>RTAPP_FUZZ_SEED</c> others.
/// </summary>
public sealed class ProfileFuzzTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryMutatedProfileSetAndInjectionLoadsSafelyOrFailsWithOneLinePerProblem()
    {
        int cases = ProfileMutator.CaseCount(2000);
        string scratch = Path.Combine(Path.GetTempPath(), "rtapp-fuzz-" + Guid.NewGuid().ToString("N"));
        var fuzz = new ProfileMutator(ProfileMutator.Seed(17), BoardFiles.Dir, scratch);
        var findings = new List<string>();
        int accepted = 0, refused = 0, injections = 0;
        try
        {
            for (int i = 0; i < cases; i++)
            {
                var c = fuzz.Next();
                Outcome outcome;
                string? finding, detail;
                try
                {
                    (outcome, finding, detail) = await Task.Run(() => RunCase(c)).WaitAsync(HangBound);
                }
                catch (TimeoutException)
                {
                    findings.Add($"{c}: no answer within {HangBound.TotalSeconds} s");
                    break; // the stuck thread keeps its file open; later cases would tell nothing new
                }
                if (Environment.GetEnvironmentVariable("RTAPP_FUZZ_LOG") is { Length: > 0 } log) File.AppendAllText(log, $"{c}\n  -> {outcome} {finding} {detail}\n");
                if (finding is not null) findings.Add(finding);
                else if (outcome == Outcome.Accepted) accepted++;
                else refused++;
                if (c.Inject is not null) injections++;
            }
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
        Assert.True(findings.Count == 0, $"{findings.Count} of {cases} cases broke a promise:\n" + string.Join("\n", findings.GetRange(0, Math.Min(25, findings.Count))));
        // Both paths are exercised: a fuzzer whose every case fails to parse would prove nothing about accepted profiles.
        Assert.True(accepted >= cases / 20, $"only {accepted} of {cases} cases were accepted");
        Assert.True(refused >= cases / 4, $"only {refused} of {cases} cases were refused");
        Assert.True(injections >= cases / 20, $"only {injections} cases injected faults");
    }

    private enum Outcome { Accepted, Refused }

    private static (Outcome, string?, string) RunCase(ProfileFuzzCase c)
    {
        string text, source;
        string? baseDir = null;
        try
        {
            if (c.FilePath is string path)
            {
                text = ProfileFile.Read(path, path, null);
                source = path;
                baseDir = Path.GetDirectoryName(path);
            }
            else
            {
                text = File.ReadAllText(BoardFiles.PathOf(c.Board));
                source = $"boards/{c.Board}.json (built in)";
            }
            var options = new ProfileLoadOptions
            {
                BuiltInText = BoardFiles.Options().BuiltInText,
                BuiltInNames = BoardFiles.Names(),
                BaseDirectory = baseDir,
                Sets = c.Sets,
            };
            var (profile, _) = ProfileLoader.ParseWithSource(text, source, options);
            // What `rtapp boards --show` prints must be writable and keep every promise.
            JsonObject resolved = ProfileLoader.Resolve(text, source, options);
            string shown = resolved.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            var broken = ProfileInvariants.Check((JsonObject)JsonNode.Parse(shown)!);
            if (broken.Count > 0) return (Outcome.Accepted, $"{c}: accepted, but {string.Join("; ", broken)}", "");
            if (c.Inject is string inject) { var (o, f) = CheckInjection(c, inject, profile.Timing.WarmupFrames + profile.Timing.Frames); return (o, f, "inject " + o); }
            return (Outcome.Accepted, null, "");
        }
        catch (ProfileException ex)
        {
            return (Outcome.Refused, CheckError(c, ex), ex.Message);
        }
        catch (Exception ex)
        {
            return (Outcome.Refused, $"{c}: {ex.GetType().Name}: {ex.Message}", "");
        }
    }

    private static (Outcome, string?) CheckInjection(ProfileFuzzCase c, string inject, int totalFrames)
    {
        FaultPlan plan;
        try
        {
            plan = FaultPlan.Parse(inject);
            plan.CheckWithin(totalFrames);
        }
        catch (FormatException ex)
        {
            return ex.Message.Contains('\n') || ex.Message.Length == 0 ? (Outcome.Refused, $"{c}: --inject error is not one line: {ex.Message}") : (Outcome.Refused, null);
        }
        foreach (var f in plan.Faults)
        {
            if (f.From >= totalFrames) return (Outcome.Accepted, $"{c}: a fault from frame {f.From} was accepted for a run of {totalFrames} frames");
            if (f.Every < 1 || f.From > f.To || f.DurationNs < 0) return (Outcome.Accepted, $"{c}: accepted a fault with every={f.Every} from={f.From} to={f.To} {f.DurationNs} ns");
        }
        return (Outcome.Accepted, null);
    }

    private static string? CheckError(ProfileFuzzCase c, ProfileException ex)
    {
        if (ex.Problems.Count == 0) return $"{c}: an error with no problem";
        if (string.IsNullOrWhiteSpace(ex.Source)) return $"{c}: an error that names no file: {ex.Message}";
        string[] lines = ex.Message.Split('\n');
        if (lines.Length != ex.Problems.Count) return $"{c}: {ex.Problems.Count} problems printed as {lines.Length} lines";
        foreach (string line in lines)
        {
            if (!line.StartsWith(ex.Source + ": ", StringComparison.Ordinal)) return $"{c}: a line that does not start with the file: {line}";
            string problem = line[(ex.Source.Length + 2)..];
            if (!ProfileInvariants.ProblemLine.IsMatch(problem)) return $"{c}: a line that names no field: {line}";
            if (problem.Contains("Exception", StringComparison.Ordinal) || problem.Contains("   at ", StringComparison.Ordinal)) return $"{c}: a stack trace or exception name: {line}";
            if (line.Length > ProfileException.MaxLineLength + 400) return $"{c}: a line of {line.Length} characters";
        }
        return null;
    }

    [Fact]
    public void TheInvariantsCheckedAreTheLoadersOwnLimits()
    {
        Assert.Equal(ProfileLoader.MaxFrames, ProfileInvariants.MaxFrames);
        Assert.Equal(ProfileLoader.MaxWarmupFrames, ProfileInvariants.MaxWarmupFrames);
        Assert.Equal(ProfileLoader.MinRateHz, ProfileInvariants.MinRateHz);
        Assert.Equal(ProfileLoader.MaxRateHz, ProfileInvariants.MaxRateHz);
        Assert.Equal(ProfileLoader.MaxTimeUs, ProfileInvariants.MaxTimeUs);
        Assert.Equal(ProfileLoader.MaxAngleDeg, ProfileInvariants.MaxAngleDeg);
    }

    [Fact]
    public void TheInvariantsFindWhatTheyLookFor()
    {
        // The checker itself can fail: a profile that breaks each promise is named.
        var p = BoardFiles.Json("jetson-orin-nano");
        Assert.Empty(ProfileInvariants.Check(p));
        p["pwm"]![1]!["max_angle_deg"] = 45;
        p["pwm"]![1]!["safe_angle_deg"] = 50;
        ((JsonObject)p["threads"]!).Remove("pipeline");
        p["timing"]!["frames"] = 2147483647;
        var broken = ProfileInvariants.Check(p);
        Assert.Contains(broken, b => b.StartsWith("pwm[1].safe_angle_deg", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.Contains("SCHED_OTHER", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.StartsWith("timing.frames", StringComparison.Ordinal));
        Assert.Matches(ProfileInvariants.ProblemLine, "pwm[1].max_angle_deg: required");
        Assert.DoesNotMatch(ProfileInvariants.ProblemLine, "timing: bad\n   at Realtime.Core");
    }
}
