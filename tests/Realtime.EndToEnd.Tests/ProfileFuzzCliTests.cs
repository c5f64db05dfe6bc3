using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json.Nodes;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The profile fuzzer (<see cref="ProfileMutator"/>) through the published binary, to catch what an
/// in-process test cannot: an exit 134, a stack trace on stderr, a process that never ends. Each
/// case runs <c>rtapp boards --show</c>, <c>rtapp check</c> or <c>rtapp run --frames 1</c>; each
/// must exit 0 or 2 (check: 1 when this machine lacks what the board needs; run: 1 when an injected
/// crash fires), print one line per problem naming the file and the field, and for an accepted
/// profile print JSON that keeps the loader's promises. 300 cases by default; RTAPP_FUZZ_CLI_CASES
/// runs more, RTAPP_FUZZ_SEED others.
/// </summary>
public sealed class ProfileFuzzCliTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    [Fact]
    public void MutatedProfilesThroughTheBinaryNeverCrashHangOrPrintAStackTrace()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("RTAPP_FUZZ_CLI_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 300;
        string scratch = Rtapp.TempDir();
        var fuzz = new ProfileMutator(ProfileMutator.Seed(1717), Path.Combine(TestAssets.RepoRoot, "boards"), scratch);
        var findings = new List<string>();
        int shown = 0, checkedRuns = 0, runs = 0, refused = 0;
        for (int i = 0; i < cases && findings.Count < 10; i++)
        {
            var c = fuzz.Next();
            int roll = i % 10;
            string command = roll < 7 ? "boards" : roll < 9 ? "check" : "run";
            var args = new List<string>();
            switch (command)
            {
                case "boards": args.AddRange(new[] { "boards", "--show", c.BoardArgument }); break;
                case "check": args.AddRange(new[] { "check", "--board", c.BoardArgument }); break;
                default:
                    args.AddRange(new[] { "run", "--board", c.BoardArgument, "--frames", "1", "--warmup", "0", "--no-floor", "--no-rt", "--quiet",
                        "--report", Path.Combine(scratch, $"report-{i}.json") });
                    if (c.Inject is not null) { args.Add("--inject"); args.Add(c.Inject); }
                    break;
            }
            foreach (string set in c.Sets) { args.Add("--set"); args.Add(set); }
            RtappResult r;
            try
            {
                r = Rtapp.Run(HangBound, args.ToArray());
            }
            catch (TimeoutException)
            {
                findings.Add($"{c} [{command}]: no exit within {HangBound.TotalSeconds} s");
                continue;
            }
            if (Problem(c, command, r) is string finding) findings.Add($"{c} [{command}]: {finding}\n{r}");
            else if (r.ExitCode == 2) refused++;
            else if (command == "boards") shown++;
            else if (command == "check") checkedRuns++;
            else runs++;
        }
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        Assert.True(findings.Count == 0, $"{findings.Count} cases broke a promise:\n" + string.Join("\n\n", findings));
        // Both outcomes are reached through the binary.
        Assert.True(shown >= cases / 20, $"only {shown} profiles shown");
        Assert.True(refused >= cases / 4, $"only {refused} refused");
        Assert.True(checkedRuns + runs > 0, "no check or run got past loading");
    }

    private static string? Problem(ProfileFuzzCase c, string command, RtappResult r)
    {
        if (r.Stderr.Contains("   at ", StringComparison.Ordinal) || r.Stderr.Contains("Unhandled exception", StringComparison.Ordinal))
            return "a stack trace";
        bool crashInjected = command == "run" && c.Inject is string inject && inject.Contains("crash", StringComparison.Ordinal);
        bool allowed = r.ExitCode switch
        {
            0 or 2 => true,
            1 => command == "check" || crashInjected,
            _ => false,
        };
        if (!allowed) return $"exit {r.ExitCode}";
        if (r.ExitCode == 2) return ErrorLines(r.Stderr);
        if (command == "boards")
        {
            JsonObject shown;
            try
            {
                shown = (JsonObject)JsonNode.Parse(r.Stdout)!;
            }
            catch (System.Text.Json.JsonException ex)
            {
                return "boards --show printed no JSON: " + ex.Message;
            }
            var broken = ProfileInvariants.Check(shown);
            if (broken.Count > 0) return "accepted, but " + string.Join("; ", broken);
        }
        return null;
    }

    /// <summary>Null when every line of stderr is one problem naming a file and a field (or a usage line and its hint).</summary>
    private static string? ErrorLines(string stderr)
    {
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        if (lines.Length == 0 || lines[0].Length == 0) return "exit 2 with nothing on stderr";
        if (lines[0].StartsWith("rtapp: --", StringComparison.Ordinal) || lines[0].StartsWith("rtapp: unknown", StringComparison.Ordinal))
            return lines.Length == 2 && lines[1] == "Try 'rtapp help'." ? null : "a usage error of more than its line and hint";
        foreach (string line in lines)
        {
            if (!line.StartsWith("rtapp: error: ", StringComparison.Ordinal)) return "a line that is not an error: " + line;
            // "rtapp: error: SOURCE: FIELD: problem": some split after the source leaves a line that names a field.
            string rest = line["rtapp: error: ".Length..];
            bool named = false;
            for (int at = rest.IndexOf(": ", StringComparison.Ordinal); at > 0 && !named; at = rest.IndexOf(": ", at + 2, StringComparison.Ordinal))
                named = ProfileInvariants.ProblemLine.IsMatch(rest[(at + 2)..]);
            if (!named) return "a line that names no file and field: " + line;
        }
        return null;
    }
}
