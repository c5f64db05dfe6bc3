using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>Facts about the machine a run is on, read from /proc and /sys.</summary>
public static unsafe class MachineFacts
{
    /// <summary>Cores (online, not this process's affinity), kernel, PREEMPT_RT, isolated cores, governor.</summary>
    public static MachineInfo Read()
    {
        string version = ReadText("/proc/sys/kernel/version") ?? "";
        return new MachineInfo
        {
            Host = ReadText("/proc/sys/kernel/hostname") ?? Environment.MachineName,
            CpuModel = CpuModel(ReadText("/proc/cpuinfo")),
            Cores = OnlineCpus.Count(),
            Kernel = ReadText("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
            PreemptRt = File.Exists("/sys/kernel/realtime") || version.Contains("PREEMPT_RT", StringComparison.Ordinal),
            IsolatedCores = ReadText("/sys/devices/system/cpu/isolated") ?? "",
            Governor = ReadText("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
            Arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            NohzFull = ReadText("/sys/devices/system/cpu/nohz_full") ?? "",
            SchedRtRuntimeUs = ReadLong("/proc/sys/kernel/sched_rt_runtime_us"),
            SchedRtPeriodUs = ReadLong("/proc/sys/kernel/sched_rt_period_us"),
            Thermal = ReadThermal(),
        };
    }

    /// <summary>
    /// The CPU model from /proc/cpuinfo's text: x86's "model name", else what an arm board says
    /// ("Model", "Hardware", or the implementer/part pair), else "".
    /// </summary>
    public static string CpuModel(string? cpuinfo)
    {
        if (cpuinfo is null) return "";
        string? model = null, hardware = null, boardModel = null, implementer = null, part = null;
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (value.Length == 0) continue;
            switch (key)
            {
                case "model name": model ??= value; break;
                case "Hardware": hardware ??= value; break;
                case "Model": boardModel ??= value; break;
                case "CPU implementer": implementer ??= value; break;
                case "CPU part": part ??= value; break;
            }
        }
        return model ?? boardModel ?? hardware ?? (implementer is not null ? $"implementer {implementer} part {part ?? "?"}" : "");
    }

    /// <summary>A file's text as one integer (a /proc or /sys value), or null when unreadable or not one.</summary>
    public static long? ReadLong(string path) =>
        long.TryParse(ReadText(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;

    /// <summary>Every thermal zone's type and temperature.</summary>
    public static System.Collections.Generic.List<ThermalZone> ReadThermal()
    {
        var zones = new System.Collections.Generic.List<ThermalZone>();
        using var found = ThermalZones.Open();
        for (int i = 0; i < found.Count; i++)
        {
            double celsius = found.ReadCelsius(i);
            if (!double.IsNaN(celsius)) zones.Add(new ThermalZone { Zone = found.Zones[i], Type = found.Types[i], TempC = celsius });
        }
        return zones;
    }

    /// <summary>A resource limit of this process (null: unlimited).</summary>
    public static ulong? Rlimit(bool memlock)
    {
        Libc.Rlimit r;
        if (Libc.getrlimit(memlock ? Libc.RLIMIT_MEMLOCK : Libc.RLIMIT_RTPRIO, &r) != 0) return 0;
        return r.Cur == Libc.RLIM_INFINITY ? null : r.Cur;
    }

    /// <summary>
    /// How far before the kernel's start time of this process (its fork, in clock ticks) a launcher's
    /// stamp may lie and still be this launch's: the launcher stamps, prepares and forks.
    /// </summary>
    public const long LaunchStampSlackNs = 1_000_000_000;

    /// <summary>
    /// When this process started, on the monotonic clock (ns), and how that was found: a launcher's
    /// <c>RTAPP_LAUNCH_MONO_NS</c> when given (exact), else /proc/self/stat's start time (clock-tick resolution, ~10 ms).
    /// A stamp that cannot be this launch's (later than now, or more than <see cref="LaunchStampSlackNs"/>
    /// before the kernel's start of this process: a variable exported once and inherited since) is
    /// ignored, and the source says so.
    /// </summary>
    public static (long MonoNs, string Source) ProcessStart()
    {
        const string Given = "launcher (RTAPP_LAUNCH_MONO_NS)";
        string? env = Environment.GetEnvironmentVariable("RTAPP_LAUNCH_MONO_NS");
        long now = MonotonicClock.NowNs();
        long given = 0;
        bool parsed = env is not null && long.TryParse(env, NumberStyles.Integer, CultureInfo.InvariantCulture, out given) && given > 0;
        // A launch's stamp (the usual case, read at Main) is within the slack of now, so within it of the
        // kernel's start too: no /proc read on the way to safe outputs.
        if (parsed && given <= now && now - given <= LaunchStampSlackNs) return (given, Given);
        var (statNs, statSource) = KernelProcessStart();
        if (env is null) return (statNs, statSource);
        if (!parsed)
            return (statNs, $"{statSource}; RTAPP_LAUNCH_MONO_NS ignored: '{MessageText.Shown(env)}' is not a time in ns");
        if (given > now)
            return (statNs, string.Create(CultureInfo.InvariantCulture, $"{statSource}; RTAPP_LAUNCH_MONO_NS ignored: {(given - now) / 1e9:0.###} s in the future"));
        if (statNs > 0 && given < statNs - LaunchStampSlackNs)
            return (statNs, string.Create(CultureInfo.InvariantCulture, $"{statSource}; RTAPP_LAUNCH_MONO_NS ignored: {(statNs - given) / 1e9:0.###} s before this process started, not its launch"));
        return (given, Given);
    }

    /// <summary>This process's start from /proc/self/stat (its fork, in clock ticks) on the monotonic clock, ns; 0 when unknown.</summary>
    private static (long MonoNs, string Source) KernelProcessStart()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            // Field 22 (starttime) counts clock ticks since boot; fields after the ')' of the command name.
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(f[19], CultureInfo.InvariantCulture);
            long hz = Libc.sysconf(Libc._SC_CLK_TCK);
            if (hz <= 0) hz = 100;
            Libc.Timespec boot, mono;
            Libc.clock_gettime(Libc.CLOCK_BOOTTIME, &boot);
            Libc.clock_gettime(Libc.CLOCK_MONOTONIC, &mono);
            long bootNs = boot.Sec * 1_000_000_000 + boot.Nsec;
            long monoNs = mono.Sec * 1_000_000_000 + mono.Nsec;
            long startBootNs = ticks * (1_000_000_000 / hz);
            return (monoNs - (bootNs - startBootNs), $"/proc/self/stat (resolution {1000 / hz} ms)");
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return (0, "unknown");
        }
    }

    /// <summary>The load averages of /proc/loadavg (1, 5, 15 min) as "a b c", or null.</summary>
    public static string? LoadAverage()
    {
        string[]? f = ReadText("/proc/loadavg")?.Split(' ');
        return f is { Length: >= 3 } ? $"{f[0]} {f[1]} {f[2]}" : null;
    }

    private static string? ReadText(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}
