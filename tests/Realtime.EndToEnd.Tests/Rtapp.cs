using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>What one run of the binary did.</summary>
public sealed record RtappResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the published rtapp binary (or another program) as a user would.</summary>
public static class Rtapp
{
    /// <summary>Runs rtapp with arguments; the launch time goes in RTAPP_LAUNCH_MONO_NS so cold start is exact.</summary>
    public static RtappResult Run(TimeSpan timeout, params string[] args) => Exec(TestAssets.Rtapp, timeout, null, args);

    /// <summary>Runs rtapp with extra environment variables.</summary>
    public static RtappResult Run(TimeSpan timeout, IDictionary<string, string>? env, params string[] args) => Exec(TestAssets.Rtapp, timeout, env, args);

    /// <summary>
    /// Runs any program (a script, qemu, ssh) the way <see cref="Run(TimeSpan, string[])"/> runs rtapp: in the temp
    /// folder, with RTAPP_ASSETS set, output captured, killed after <paramref name="timeout"/>.
    /// </summary>
    public static RtappResult Exec(string program, TimeSpan timeout, IDictionary<string, string>? environment, params string[] args)
    {
        var (p, stdout, stderr) = StartProgram(program, environment, args);
        using var _ = p;
        return Wait(p, stdout, stderr, timeout, args);
    }

    /// <summary>Starts rtapp and returns the running process with its output being read.</summary>
    public static (Process Process, Task<string> Stdout, Task<string> Stderr) Start(IDictionary<string, string>? env, params string[] args) =>
        StartProgram(TestAssets.Rtapp, env, args);

    private static (Process Process, Task<string> Stdout, Task<string> Stderr) StartProgram(string program, IDictionary<string, string>? env, string[] args)
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
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        var p = Process.Start(psi)!;
        return (p, p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
    }

    /// <summary>Waits for a started program.</summary>
    public static RtappResult Wait(Process p, Task<string> stdout, Task<string> stderr, TimeSpan timeout, string[] args)
    {
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{p.StartInfo.FileName} {string.Join(' ', args)} did not finish within {timeout}");
        }
        p.WaitForExit();
        return new RtappResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A loopback port nothing listens on now (the kernel's choice), for a server a test starts.</summary>
    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
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
