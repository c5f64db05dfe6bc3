using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Reads a <see cref="ResourceReading"/> from /proc and /sys: pressure stall information
/// (<c>/proc/pressure/{cpu,memory,io}</c>), one core's cpufreq and thermal throttle count, the
/// thermal zones, the process's resident memory and CPU time and the machine's CPU time. Meant for
/// a housekeeping thread; each file is opened once and read again by pread at offset 0 (procfs and
/// sysfs show the value afresh) into one reused buffer, so sampling every second for months
/// allocates nothing and never starts a GC, which would stop the pipeline thread too. A file that
/// is not there is a figure that is absent (-1 or NaN), never an error. The roots can be moved for
/// tests, and each file's parser takes the file's text. One reading at a time (one thread).
/// </summary>
public sealed unsafe class ResourceReader : IDisposable
{
    /// <summary>Above this a thermal zone with no passive or hot trip point is counted hot, °C.</summary>
    public const double DefaultHotC = 85;
    /// <summary>The highest core number read (a larger one is not a core).</summary>
    public const int MaxCore = 4095;

    private readonly string _proc, _sys;
    // The zones as /metrics reads them too (one reader of thermal zones), and each one's hot threshold.
    private readonly Realtime.Linux.ThermalZones _zones;
    private readonly double[] _hotC;
    private readonly long _pageSize;
    private readonly KeptFile _cpuPressure, _memoryPressure, _ioPressure, _statm, _selfStat, _stat;
    // Per core (a pipeline thread may move): made for every online core at construction, each file opened the
    // first time its core is asked for, so a thread seen on a new core costs no allocation (a core beyond those,
    // one brought online later, is made when first seen).
    private KeptFile?[] _frequency, _maxFrequency, _throttle;
    private KeptFile? _task;
    private int _taskId;
    // /proc/stat's first line and the other files fit; a longer file is read up to this.
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Reads under <paramref name="procRoot"/> and <paramref name="sysRoot"/> (the real ones by default).</summary>
    public ResourceReader(string procRoot = "/proc", string sysRoot = "/sys")
    {
        _proc = procRoot;
        _sys = sysRoot;
        _pageSize = Math.Max(4096, Environment.SystemPageSize);
        // The zones and their trip points are read once: they do not come and go during a run.
        string thermal = Path.Combine(sysRoot, "class", "thermal");
        _zones = Realtime.Linux.ThermalZones.Open(thermal);
        _hotC = new double[_zones.Count];
        for (int i = 0; i < _hotC.Length; i++) _hotC[i] = HotTrip(Path.Combine(thermal, _zones.Zones[i]));
        _cpuPressure = new KeptFile(Path.Combine(procRoot, "pressure/cpu"));
        _memoryPressure = new KeptFile(Path.Combine(procRoot, "pressure/memory"));
        _ioPressure = new KeptFile(Path.Combine(procRoot, "pressure/io"));
        _statm = new KeptFile(Path.Combine(procRoot, "self/statm"));
        _selfStat = new KeptFile(Path.Combine(procRoot, "self/stat"));
        _stat = new KeptFile(Path.Combine(procRoot, "stat"));
        int cores = CoreSlots(sysRoot);
        _frequency = new KeptFile?[cores];
        _maxFrequency = new KeptFile?[cores];
        _throttle = new KeptFile?[cores];
        for (int core = 0; core < cores; core++) MakeCoreFiles(core);
    }

    // Slots for cores 0 to the highest online one (the list may have holes), at least this process's count.
    private static int CoreSlots(string sysRoot)
    {
        int slots = Environment.ProcessorCount;
        if (Realtime.Core.Profiles.OnlineCpus.Read(sysRoot) is { } online) slots = Math.Max(slots, online.Max + 1);
        return Math.Min(slots, MaxCore + 1);
    }

    private void MakeCoreFiles(int core)
    {
        string cpu = Path.Combine(_sys, "devices/system/cpu", "cpu" + core.ToString(CultureInfo.InvariantCulture));
        _frequency[core] = new KeptFile(Path.Combine(cpu, "cpufreq/scaling_cur_freq"));
        _maxFrequency[core] = new KeptFile(Path.Combine(cpu, "cpufreq/cpuinfo_max_freq"));
        _throttle[core] = new KeptFile(Path.Combine(cpu, "thermal_throttle/core_throttle_count"));
    }

    /// <summary>Thermal zones found.</summary>
    public int ThermalZones => _zones.Count;

    /// <summary>Reads everything now; <paramref name="core"/> is the core whose frequency is read (-1: none).</summary>
    public void Read(ref ResourceReading r, int core)
    {
        r.AtNs = Realtime.Core.Timing.MonotonicClock.NowNs();
        (r.CpuSomeAvg10, r.CpuSomeTotalUs) = ParsePressure(_cpuPressure.Read(_buffer));
        (r.MemorySomeAvg10, r.MemorySomeTotalUs) = ParsePressure(_memoryPressure.Read(_buffer));
        (r.IoSomeAvg10, r.IoSomeTotalUs) = ParsePressure(_ioPressure.Read(_buffer));
        r.Core = core;
        r.FrequencyKhz = r.MaxFrequencyKhz = r.ThrottleEvents = -1;
        if (core >= 0 && core <= MaxCore)
        {
            if (core >= _frequency.Length)
            {
                Array.Resize(ref _frequency, core + 1);
                Array.Resize(ref _maxFrequency, core + 1);
                Array.Resize(ref _throttle, core + 1);
            }
            if (_frequency[core] is null) MakeCoreFiles(core);
            r.FrequencyKhz = ParseLong(_frequency[core]!.Read(_buffer));
            r.MaxFrequencyKhz = ParseLong(_maxFrequency[core]!.Read(_buffer));
            r.ThrottleEvents = ParseLong(_throttle[core]!.Read(_buffer));
        }
        r.TemperatureC = double.NaN;
        r.HotZones = 0;
        for (int i = 0; i < _hotC.Length; i++)
        {
            double c = _zones.ReadCelsius(i);
            if (double.IsNaN(c)) continue;
            if (double.IsNaN(r.TemperatureC) || c > r.TemperatureC) r.TemperatureC = c;
            if (c >= _hotC[i]) r.HotZones++;
        }
        long pages = ParseStatmResident(_statm.Read(_buffer));
        r.RssBytes = pages < 0 ? -1 : pages * _pageSize;
        r.ProcessTicks = ParseProcessTicks(_selfStat.Read(_buffer));
        (r.MachineTicks, r.MachineIdleTicks, r.MachineIoWaitTicks) = ParseMachineTicks(_stat.Read(_buffer));
    }

    /// <summary>The core a thread of this process last ran on (field 39 of /proc/self/task/TID/stat), -1 when unknown.</summary>
    public int CoreOf(int tid)
    {
        if (tid <= 0) return -1;
        if (_task is null || _taskId != tid)
        {
            _task?.Dispose();
            _task = new KeptFile(Path.Combine(_proc, "self/task", tid.ToString(CultureInfo.InvariantCulture), "stat"));
            _taskId = tid;
        }
        return ParseLastCore(_task.Read(_buffer));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _zones.Dispose();
        _cpuPressure.Dispose(); _memoryPressure.Dispose(); _ioPressure.Dispose();
        _statm.Dispose(); _selfStat.Dispose(); _stat.Dispose();
        foreach (KeptFile? f in _frequency) f?.Dispose();
        foreach (KeptFile? f in _maxFrequency) f?.Dispose();
        foreach (KeptFile? f in _throttle) f?.Dispose();
        _task?.Dispose();
    }

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
    public static (double Avg10, long TotalUs) ParsePressure(string? text) => ParsePressure(Bytes(text));

    /// <summary>/proc/self/statm's resident pages (its second field), -1 when unreadable.</summary>
    public static long ParseStatmResident(string? text) => ParseStatmResident(Bytes(text));

    /// <summary>/proc/PID/stat's utime + stime (fields 14 and 15), clock ticks; -1 when unreadable.</summary>
    public static long ParseProcessTicks(string? text) => ParseProcessTicks(Bytes(text));

    /// <summary>/proc/PID/task/TID/stat's processor (field 39): the core it last ran on; -1 when unreadable.</summary>
    public static int ParseLastCore(string? text) => ParseLastCore(Bytes(text));

    /// <summary>
    /// /proc/stat's "cpu" line: every column summed (guest time is already in user, so the guest
    /// columns are left out), idle, and iowait; (-1, -1, -1) when unreadable.
    /// </summary>
    public static (long Total, long Idle, long IoWait) ParseMachineTicks(string? text) => ParseMachineTicks(Bytes(text));

    // The parsers proper read the file's bytes as they came (an absent file: null), allocating nothing.
    private static (double, long) ParsePressure(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return (double.NaN, -1);
        while (!text.IsEmpty)
        {
            ReadOnlySpan<byte> line = TakeLine(ref text);
            if (!line.StartsWith("some "u8)) continue;
            double avg10 = double.NaN;
            long total = -1;
            while (!line.IsEmpty)
            {
                ReadOnlySpan<byte> field = TakeField(ref line);
                if (field.StartsWith("avg10="u8) && Utf8Parser.TryParse(field[6..], out double a, out int n) && n == field.Length - 6) avg10 = a;
                else if (field.StartsWith("total="u8) && Utf8Parser.TryParse(field[6..], out long t, out n) && n == field.Length - 6 && t >= 0) total = t;
            }
            return (avg10, total);
        }
        return (double.NaN, -1);
    }

    private static long ParseStatmResident(ReadOnlySpan<byte> text)
    {
        TakeField(ref text);
        return Number(TakeField(ref text));
    }

    private static long ParseProcessTicks(ReadOnlySpan<byte> text)
    {
        // After the command's ')': field 3 (state) is the first, so utime (14) and stime (15) are the 12th and 13th.
        if (!AfterCommand(ref text)) return -1;
        for (int i = 0; i < 11; i++) TakeField(ref text);
        long u = Number(TakeField(ref text)), s = Number(TakeField(ref text));
        return u < 0 || s < 0 ? -1 : u + s;
    }

    private static int ParseLastCore(ReadOnlySpan<byte> text)
    {
        if (!AfterCommand(ref text)) return -1;
        for (int i = 0; i < 36; i++) TakeField(ref text);
        long c = Number(TakeField(ref text));
        return c is < 0 or > int.MaxValue ? -1 : (int)c;
    }

    private static (long, long, long) ParseMachineTicks(ReadOnlySpan<byte> text)
    {
        if (!text.StartsWith("cpu "u8)) return (-1, -1, -1);
        ReadOnlySpan<byte> line = TakeLine(ref text);
        TakeField(ref line);
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        long total = 0, idle = -1, ioWait = -1;
        for (int i = 1; i < 9; i++)
        {
            ReadOnlySpan<byte> field = TakeField(ref line);
            if (field.IsEmpty) { if (i < 6) return (-1, -1, -1); break; }
            long v = Number(field);
            if (v < 0) return (-1, -1, -1);
            total += v;
            if (i == 4) idle = v;
            else if (i == 5) ioWait = v;
        }
        return (total, idle, ioWait);
    }

    private static bool AfterCommand(ref ReadOnlySpan<byte> text)
    {
        int paren = text.LastIndexOf((byte)')');
        if (paren < 0 || paren + 2 > text.Length) return false;
        text = text[(paren + 2)..];
        return true;
    }

    private static ReadOnlySpan<byte> TakeLine(ref ReadOnlySpan<byte> text)
    {
        int end = text.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
        text = end < 0 ? default : text[(end + 1)..];
        return line;
    }

    // The next field separated by spaces (runs of them count as one); empty at the end.
    private static ReadOnlySpan<byte> TakeField(ref ReadOnlySpan<byte> text)
    {
        int start = 0;
        while (start < text.Length && text[start] is (byte)' ' or (byte)'\n') start++;
        int end = start;
        while (end < text.Length && text[end] is not ((byte)' ' or (byte)'\n')) end++;
        ReadOnlySpan<byte> field = text[start..end];
        text = text[end..];
        return field;
    }

    // A whole non-negative decimal field, -1 when it is not one.
    private static long Number(ReadOnlySpan<byte> field) =>
        !field.IsEmpty && Utf8Parser.TryParse(field, out long v, out int n) && n == field.Length && v >= 0 ? v : -1;

    private static ReadOnlySpan<byte> Bytes(string? text) => text is null ? default : System.Text.Encoding.UTF8.GetBytes(text);

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

    private static long ParseLong(string? text) =>
        text is not null && long.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : -1;

    private static long ParseLong(ReadOnlySpan<byte> text)
    {
        text = text.Trim(" \n"u8);
        return !text.IsEmpty && Utf8Parser.TryParse(text, out long v, out int n) && n == text.Length ? v : -1;
    }

    private static string? Text(string dir, string name) => Text(Path.Combine(dir, name));

    private static string? Text(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}

/// <summary>
/// A /proc or /sys file opened once (lazily: one that is not there is tried once) and read again from
/// offset 0 into the caller's buffer; empty when it cannot be read.
/// </summary>
internal sealed unsafe class KeptFile : IDisposable
{
    private readonly string _path;
    private int _fd = -2; // -2: not opened yet; -1: not there

    public KeptFile(string path) => _path = path;

    /// <summary>Whether the file could be opened (it is opened now if it was not yet).</summary>
    public bool Exists
    {
        get
        {
            if (_fd == -2) _fd = Libc.open(_path, Libc.O_RDONLY | Libc.O_CLOEXEC);
            return _fd >= 0;
        }
    }

    public ReadOnlySpan<byte> Read(byte[] buffer) => Read(buffer.AsSpan());

    public Span<byte> Read(Span<byte> buffer)
    {
        if (!Exists) return default;
        fixed (byte* p = buffer)
        {
            nint n = Libc.pread(_fd, p, (nuint)buffer.Length, 0);
            return n <= 0 ? default : buffer[..(int)n];
        }
    }

    public void Dispose()
    {
        if (_fd >= 0) Libc.close(_fd);
        _fd = -1;
    }
}
