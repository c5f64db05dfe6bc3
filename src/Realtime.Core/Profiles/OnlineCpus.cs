using System;
using System.Collections.Generic;
using System.IO;

namespace Realtime.Core.Profiles;

/// <summary>
/// How many CPUs the machine has online, from /sys/devices/system/cpu/online. Not
/// <see cref="Environment.ProcessorCount"/>: that follows this process's affinity mask, which
/// <c>isolcpus</c> (and <c>taskset</c>, cgroups) shrinks, so on a board with core 3 isolated it
/// says 3 and core 3 would look missing.
/// </summary>
public static class OnlineCpus
{
    /// <summary>Where the kernel lists the online CPUs.</summary>
    public const string SysfsPath = "/sys/devices/system/cpu/online";

    /// <summary>The online CPU count; <see cref="Environment.ProcessorCount"/> when the kernel's list cannot be read (not Linux, no /sys).</summary>
    public static int Count() => Read("/sys")?.Count ?? Environment.ProcessorCount;

    /// <summary>The CPUs online as listed under <paramref name="sysRoot"/> (/sys, or a copy of its tree); null when the list cannot be read or is not one.</summary>
    public static SortedSet<int>? Read(string sysRoot)
    {
        string path = Path.Combine(sysRoot, "devices/system/cpu/online");
        string? text;
        try { text = File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { text = null; }
        return List(text);
    }

    /// <summary>The number of CPUs a kernel CPU list names (<c>0-3</c>, <c>0,2-3</c>); null when it is not one.</summary>
    public static int? Parse(string? cpuList) => List(cpuList)?.Count;

    private static SortedSet<int>? List(string? cpuList) =>
        cpuList is not null && KernelCmdline.TryParseCpuList(cpuList.Trim(), out var cpus) && cpus.Count > 0 ? cpus : null;
}
