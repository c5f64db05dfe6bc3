using System;
using System.Linq;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// A process confined to fewer CPUs than the machine has (as isolcpus confines every process
/// started without an affinity of its own, or taskset here) still sees every core: `rtapp check`
/// counts the online CPUs, and the sim profile (cpu_cores 0: this machine's cores) may pin its
/// pipeline to core 1 although rtapp itself was started on core 0 only.
/// </summary>
public sealed class OnlineCpusCliTests
{
    [Fact]
    public void CheckUnderANarrowAffinityCountsTheOnlineCpus()
    {
        // glibc's own count of online CPUs, the reference.
        var g = Rtapp.Exec("getconf", TimeSpan.FromSeconds(10), null, "_NPROCESSORS_ONLN");
        Assert.True(g.ExitCode == 0, g.ToString());
        int online = int.Parse(g.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(online >= 2, $"this test needs 2 or more online CPUs to confine rtapp to one of them; the machine has {online}");
        var r = Rtapp.Exec("taskset", TimeSpan.FromSeconds(60), null, "-c", "0", TestAssets.Rtapp, "check", "--board", "sim");
        Assert.True(r.ExitCode == 0, r.ToString());
        string header = r.Stdout.Split('\n').First(l => l.StartsWith("rtapp check:", StringComparison.Ordinal));
        Assert.Contains($", {online} cores, ", header);
        Assert.DoesNotContain("this machine has 1 cores", r.Stdout);
    }
}
