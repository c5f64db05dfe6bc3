using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>What one run of the binary did.</summary>
public sealed record RtappResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the published rtapp binary as a user would.</summary>
public static class Rtapp
{
    /// <summary>Runs rtapp with arguments; the launch time goes in RTAPP_LAUNCH_MONO_NS so cold start is exact.</summary>
    public static RtappResult Run(TimeSpan timeout, params string[] args) => Exec(TestAssets.Rtapp, timeout, null, args);

    /// <summary>Runs rtapp with extra environment variables.</summary>
    public static RtappResult RunWithEnvironment(TimeSpan timeout, System.Collections.Generic.IDictionary<string, string> environment, params string[] args) =>
        Exec(TestAssets.Rtapp, timeout, environment, args);

    /// <summary>
    /// Runs any program (a script, qemu, ssh) the way <see cref="Run"/> runs rtapp: in the temp folder,
    /// with RTAPP_ASSETS set, output captured, killed after <paramref name="timeout"/>.
    /// </summary>
    public static RtappResult Exec(string program, TimeSpan timeout, System.Collections.Generic.IDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["RTAPP_ASSETS"] = TestAssets.Dir;
        // Stopwatch is CLOCK_MONOTONIC in ns on Linux: the same clock rtapp stamps with.
        psi.Environment["RTAPP_LAUNCH_MONO_NS"] = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (environment is not null) foreach (var kv in environment) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', args)} did not finish within {timeout}");
        }
        p.WaitForExit();
        return new RtappResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "rtapp-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>The sim profile's JSON with comments removed, for tests to edit.</summary>
    public static System.Text.Json.Nodes.JsonObject SimProfileJson() =>
        (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(TestAssets.SimProfile), null,
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
}
