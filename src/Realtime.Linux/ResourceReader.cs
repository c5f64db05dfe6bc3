using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Reads a <see cref="ResourceReading"/> from /proc and /sys: pressure stall information
/// (<c>/proc/pressure/{cpu,memory,io}</c>), one core's cpufreq and thermal throttle count, the
/// thermal zones, the process's resident memory and CPU time and the machine's CPU time. Meant for
/// an ordinary housekeeping thread (it allocates a little per read); a file that is not there is a
/// figure that is absent (-1 or NaN), never an error. The roots can be moved for tests, and each
/// file's parser takes the file's text.
/// </summary>
public sealed class ResourceReader
{
    /// <summary>Above this a thermal zone with no passive or hot trip point is counted hot, °C.</summary>
    public const double DefaultHotC = 85;

    private readonly string _proc, _sys;
    private readonly (string Temp, double HotC)[] _zones;
    private readonly long _pageSize;

    /// <summary>Reads under <paramref name="procRoot"/> and <paramref name="sysRoot"/> (the real ones by default).</summary>
    public ResourceReader(string procRoot = "/proc", string sysRoot = "/sys")
    {
        _proc = procRoot;
        _sys = sysRoot;
        _pageSize = Math.Max(4096, Environment.SystemPageSize);
        // The zones and their trip points are read once: they do not come and go during a run.
        var zones = new List<(string, double)>();
        string thermal = Path.Combine(sysRoot, "class", "thermal");
        if (Directory.Exists(thermal))
        {
            var dirs = Directory.GetDirectories(thermal, "thermal_zone*");
            Array.Sort(dirs, StringComparer.Ordinal);
            foreach (string dir in dirs)
            {
                string temp = Path.Combine(dir, "temp");
                if (File.Exists(temp)) zones.Add((temp, HotTrip(dir)));
            }
        }
        _zones = zones.ToArray();
    }

    /// <summary>Thermal zones found.</summary>
    public int ThermalZones => _zones.Length;

    /// <summary>Reads everything now; <paramref name="core"/> is the core whose frequency is read (-1: none).</summary>
    public void Read(ref ResourceReading r, int core)
    {
        r.AtNs = Realtime.Core.Timing.MonotonicClock.NowNs();
        (r.CpuSomeAvg10, r.CpuSomeTotalUs) = ParsePressure(Text(_proc, "pressure/cpu"));
        (r.MemorySomeAvg10, r.MemorySomeTotalUs) = ParsePressure(Text(_proc, "pressure/memory"));
        (r.IoSomeAvg10, r.IoSomeTotalUs) = ParsePressure(Text(_proc, "pressure/io"));
        r.Core = core;
        r.FrequencyKhz = r.MaxFrequencyKhz = r.ThrottleEvents = -1;
        if (core >= 0)
        {
            string cpu = Path.Combine(_sys, "devices/system/cpu", "cpu" + core.ToString(CultureInfo.InvariantCulture));
            r.FrequencyKhz = ParseLong(Text(cpu, "cpufreq/scaling_cur_freq"));
            r.MaxFrequencyKhz = ParseLong(Text(cpu, "cpufreq/cpuinfo_max_freq"));
            r.ThrottleEvents = ParseLong(Text(cpu, "thermal_throttle/core_throttle_count"));
        }
        r.TemperatureC = double.NaN;
        r.HotZones = 0;
        foreach (var (temp, hotC) in _zones)
        {
            long milli = ParseLong(Text(temp));
            if (milli == -1) continue;
            double c = milli / 1000.0;
            if (double.IsNaN(r.TemperatureC) || c > r.TemperatureC) r.TemperatureC = c;
            if (c >= hotC) r.HotZones++;
        }
        long pages = ParseStatmResident(Text(_proc, "self/statm"));
        r.RssBytes = pages < 0 ? -1 : pages * _pageSize;
        r.ProcessTicks = ParseProcessTicks(Text(_proc, "self/stat"));
        (r.MachineTicks, r.MachineIdleTicks, r.MachineIoWaitTicks) = ParseMachineTicks(Text(_proc, "stat"));
    }

    /// <summary>The core a thread of this process last ran on (field 39 of /proc/self/task/TID/stat), -1 when unknown.</summary>
    public int CoreOf(int tid) => tid <= 0 ? -1 : ParseLastCore(Text(_proc, "self/task/" + tid.ToString(CultureInfo.InvariantCulture) + "/stat"));

    /// <summary>Clock ticks a second (the unit of the tick counts).</summary>
    public static long TicksPerSecond
    {
        get
        {
            long hz = Libc.sysconf(Libc._SC_CLK_TCK);
            return hz > 0 ? hz : 100;
        }
    }

    /// <summary>A pressure file's "some" line: its avg10 (percent) and total (µs); (NaN, -1) when absent or unreadable.</summary>
    public static (double Avg10, long TotalUs) ParsePressure(string? text)
    {
        if (text is null) return (double.NaN, -1);
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith("some ", StringComparison.Ordinal)) continue;
            double avg10 = double.NaN;
            long total = -1;
            foreach (string field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (field.StartsWith("avg10=", StringComparison.Ordinal) && double.TryParse(field.AsSpan(6), NumberStyles.Float, CultureInfo.InvariantCulture, out double a)) avg10 = a;
                else if (field.StartsWith("total=", StringComparison.Ordinal) && long.TryParse(field.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out long t)) total = t;
            }
            return (avg10, total);
        }
        return (double.NaN, -1);
    }

    /// <summary>/proc/self/statm's resident pages (its second field), -1 when unreadable.</summary>
    public static long ParseStatmResident(string? text)
    {
        if (text is null) return -1;
        string[] f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return f.Length > 1 && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1;
    }

    /// <summary>/proc/PID/stat's utime + stime (fields 14 and 15), clock ticks; -1 when unreadable.</summary>
    public static long ParseProcessTicks(string? text)
    {
        string[]? f = StatFields(text);
        // After the command's ')': field 3 (state) is index 0, so field N is index N - 3.
        return f is { Length: > 12 } && long.TryParse(f[11], NumberStyles.None, CultureInfo.InvariantCulture, out long u) && long.TryParse(f[12], NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? u + s : -1;
    }

    /// <summary>/proc/PID/task/TID/stat's processor (field 39): the core it last ran on; -1 when unreadable.</summary>
    public static int ParseLastCore(string? text)
    {
        string[]? f = StatFields(text);
        return f is { Length: > 36 } && int.TryParse(f[36], NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : -1;
    }

    /// <summary>
    /// /proc/stat's "cpu" line: every column summed (guest time is already in user, so the guest
    /// columns are left out), idle, and iowait; (-1, -1, -1) when unreadable.
    /// </summary>
    public static (long Total, long Idle, long IoWait) ParseMachineTicks(string? text)
    {
        if (text is null || !text.StartsWith("cpu ", StringComparison.Ordinal)) return (-1, -1, -1);
        int end = text.IndexOf('\n');
        string[] f = (end < 0 ? text : text[..end]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        long total = 0;
        for (int i = 1; i < Math.Min(f.Length, 9); i++)
        {
            if (!long.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out long v)) return (-1, -1, -1);
            total += v;
        }
        if (f.Length < 6) return (-1, -1, -1);
        return (total, long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The temperature at which a zone counts hot: its lowest passive or hot trip point, else
    /// <see cref="DefaultHotC"/> (°C). <paramref name="trips"/> are (type, millidegrees) pairs as in trip_point_N_type/_temp.
    /// </summary>
    public static double HotThreshold(IEnumerable<(string Type, string Temp)> trips)
    {
        ArgumentNullException.ThrowIfNull(trips);
        double hot = double.NaN;
        foreach (var (type, temp) in trips)
        {
            string t = type.Trim();
            if (t != "passive" && t != "hot") continue;
            long milli = ParseLong(temp);
            if (milli <= 0) continue;
            if (double.IsNaN(hot) || milli / 1000.0 < hot) hot = milli / 1000.0;
        }
        return double.IsNaN(hot) ? DefaultHotC : hot;
    }

    private static double HotTrip(string zone)
    {
        var trips = new List<(string, string)>();
        for (int i = 0; i < 32; i++)
        {
            string? type = Text(zone, $"trip_point_{i}_type");
            if (type is null) break;
            trips.Add((type, Text(zone, $"trip_point_{i}_temp") ?? ""));
        }
        return HotThreshold(trips);
    }

    private static string[]? StatFields(string? text)
    {
        if (text is null) return null;
        int paren = text.LastIndexOf(')');
        return paren < 0 || paren + 2 > text.Length ? null : text[(paren + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static long ParseLong(string? text) =>
        text is not null && long.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : -1;

    private static string? Text(string dir, string name) => Text(Path.Combine(dir, name));

    private static string? Text(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}
