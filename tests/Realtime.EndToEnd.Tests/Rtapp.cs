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
    public static RtappResult Run(TimeSpan timeout, params string[] args) => Run(timeout, null, args);

    /// <summary>Runs rtapp with arguments and extra environment variables.</summary>
    public static RtappResult Run(TimeSpan timeout, System.Collections.Generic.IDictionary<string, string>? env, params string[] args)
    {
        var (p, stdout, stderr) = Start(env, args);
        using var _ = p;
        return Wait(p, stdout, stderr, timeout, args);
    }

    /// <summary>Starts rtapp and returns the running process with its output being read.</summary>
    public static (Process Process, System.Threading.Tasks.Task<string> Stdout, System.Threading.Tasks.Task<string> Stderr) Start(
        System.Collections.Generic.IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(TestAssets.Rtapp)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["RTAPP_ASSETS"] = TestAssets.Dir;
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        // Stopwatch is CLOCK_MONOTONIC in ns on Linux: the same clock rtapp stamps with.
        psi.Environment["RTAPP_LAUNCH_MONO_NS"] = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var p = Process.Start(psi)!;
        return (p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
    }

    /// <summary>Waits for a started rtapp.</summary>
    public static RtappResult Wait(Process p, System.Threading.Tasks.Task<string> stdout, System.Threading.Tasks.Task<string> stderr, TimeSpan timeout, string[] args)
    {
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"rtapp {string.Join(' ', args)} did not finish within {timeout}");
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
