using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// One boot of the real-driver rig (scripts/rig.sh boot: Debian's PREEMPT_RT kernel under qemu,
/// every check in tests/rig/guest-checks.sh) for all of <see cref="RigTests"/>; the facts each
/// check wrote back over 9p, by check and key.
/// </summary>
public sealed class RigFixture
{
    /// <summary>Where the guest wrote its results.</summary>
    public string Results { get; }
    /// <summary>What scripts/rig.sh said.</summary>
    public RtappResult Boot { get; }
    private readonly Dictionary<string, Dictionary<string, string>> _facts = new();

    public RigFixture()
    {
        Results = Path.Combine(TestAssets.RepoRoot, "out", "rig", "results");
        var env = new Dictionary<string, string> { ["RTAPP_BIN"] = TestAssets.Rtapp, ["RTAPP_ASSETS"] = TestAssets.Dir };
        Boot = Rtapp.Exec(Path.Combine(TestAssets.RepoRoot, "scripts", "rig.sh"), TimeSpan.FromMinutes(42), env, "boot");
    }

    /// <summary>One fact of one check; fails naming the check's output when the check did not write it.</summary>
    public string Fact(string check, string key)
    {
        if (!_facts.TryGetValue(check, out var facts))
        {
            facts = new Dictionary<string, string>();
            string file = Path.Combine(Results, check + ".env");
            Assert.True(Boot.ExitCode == 0 && File.Exists(file), $"the rig wrote no {check}.env\n{Boot}");
            foreach (string line in File.ReadAllLines(file))
            {
                int eq = line.IndexOf('=');
                if (eq > 0) facts[line[..eq]] = line[(eq + 1)..];
            }
            _facts[check] = facts;
        }
        Assert.True(facts.TryGetValue(key, out string? v), $"{check}.env has no {key}: {Output(check)}");
        return v!;
    }

    /// <summary>A check's program output, for failure messages.</summary>
    public string Output(string check)
    {
        string f = Path.Combine(Results, check + ".out");
        return File.Exists(f) ? $"\n--- {check}.out\n{File.ReadAllText(f)}" : $"(no {check}.out)";
    }
}
