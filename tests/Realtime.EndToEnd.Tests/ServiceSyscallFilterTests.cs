using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The bundle's unit allows only <c>SystemCallFilter=@system-service</c>. No systemd runs here to
/// enforce it, so the test records every system call rtapp really makes (strace, all threads) in
/// the sim demo's run with real-time scheduling and in <c>rtapp safe</c>, and checks each is in the
/// set systemd-analyze expands <c>@system-service</c> to: a call outside it would fail with EPERM
/// on the board.
/// </summary>
public sealed partial class ServiceSyscallFilterTests : IDisposable
{
    private readonly string _dir = Rtapp.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)(?:\(| resumed>)")]
    private static partial Regex SyscallName();

    /// <summary>The system calls of a systemd group, groups within it expanded.</summary>
    private static SortedSet<string> Expand(string group, SortedSet<string>? into = null, HashSet<string>? seen = null)
    {
        into ??= new SortedSet<string>(StringComparer.Ordinal);
        seen ??= new HashSet<string>(StringComparer.Ordinal);
        if (!seen.Add(group)) return into;
        var r = Rtapp.Exec("systemd-analyze", TimeSpan.FromMinutes(1), null, "syscall-filter", "--no-pager", group);
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string raw in r.Stdout.Split('\n').Skip(1))
        {
            string item = raw.Trim();
            if (item.Length == 0 || item.StartsWith('#')) continue;
            if (item.StartsWith('@')) Expand(item, into, seen);
            else into.Add(item);
        }
        return into;
    }

    private SortedSet<string> Traced(string name, params string[] args)
    {
        string log = Path.Combine(_dir, name + ".strace");
        var r = Rtapp.Exec("strace", TimeSpan.FromMinutes(5), null, new[] { "-f", "-qq", "-o", log, Realtime.Tests.TestAssets.Rtapp }.Concat(args).ToArray());
        Assert.True(r.ExitCode == 0, r.ToString());
        var calls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(log))
            if (SyscallName().Match(line) is { Success: true } m) calls.Add(m.Groups[1].Value);
        return calls;
    }

    [Fact]
    public void EveryCallTheLoopAndTheSafeStepMakeIsInSystemService()
    {
        var allowed = Expand("@system-service");
        Assert.Contains("sched_setattr", allowed); // the expansion worked
        var run = Traced("run", "run", "--board", "sim", "--frames", "40", "--warmup", "5", "--no-floor", "--quiet");
        var safe = Traced("safe", "safe", "--board", "sim", "--quiet");
        Assert.Contains("clock_nanosleep", run); // the trace saw the loop
        // execve is strace starting the program (systemd's own exec, outside the filter).
        var outside = run.Union(safe).Where(c => !allowed.Contains(c) && c != "execve").ToList();
        Assert.True(outside.Count == 0, "system calls outside @system-service: " + string.Join(", ", outside));
    }
}
