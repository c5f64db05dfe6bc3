using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Realtime.Core.Reporting;
using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// Samples the machine and the process once a period on a housekeeping thread of its own (never
/// the pipeline thread): pressure stall information, the pipeline core's frequency and throttle
/// count, the hottest thermal zone, the process's resident memory and CPU use, the machine's I/O
/// wait (<see cref="ResourceReader"/>). Samples go into a ring allocated once
/// (<see cref="Capacity"/>), so a run that does not end keeps constant memory.
/// <para>
/// One writer (the sampler's thread, or a test calling <see cref="SampleNow"/>); readers on other
/// threads (the scrape, the interval reports, the cause recorder on the pipeline thread) read the
/// sample count (<see cref="Sequence"/>, published after each sample is complete) and then only
/// samples below it, which the writer does not touch again until it has gone round the ring.
/// </para>
/// </summary>
public sealed class ResourceSampler : IDisposable
{
    /// <summary>Samples kept by default: an hour at one a second.</summary>
    public const int DefaultCapacity = 3600;
    /// <summary>A core below this share of its maximum frequency counts as throttled.</summary>
    public const double ThrottledBelow = 0.75;
    /// <summary>Memory or I/O pressure counts when some task waited this share of the interval or more.</summary>
    public const double PressureAbove = 0.10;

    private readonly ResourceReader _reader;
    private readonly ResourceSample[] _ring;
    private readonly long _periodNs;
    private readonly double _ticksPerSecond = ResourceReader.TicksPerSecond;
    private readonly ManualResetEventSlim _stop = new(false);
    private ResourceReading _last;
    private bool _haveLast;
    private long _sequence;
    private volatile int _pipelineTid;
    private Thread? _thread;

    /// <summary>Samples every <paramref name="periodS"/> seconds from <paramref name="reader"/> (the real machine by default), keeping <paramref name="capacity"/>.</summary>
    public ResourceSampler(ResourceReader? reader = null, double periodS = 1, int capacity = DefaultCapacity)
    {
        if (!(periodS > 0)) throw new ArgumentOutOfRangeException(nameof(periodS), "the period must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _reader = reader ?? new ResourceReader();
        _periodNs = (long)(periodS * 1e9);
        PeriodS = periodS;
        _ring = new ResourceSample[capacity];
    }

    /// <summary>Seconds between samples.</summary>
    public double PeriodS { get; }
    /// <summary>Where each reading's frequency and temperature are published for the hot path (a model ladder's slowdown): the process's unless a test gives its own.</summary>
    public Realtime.Core.Timing.MachineSpeed Speed { get; init; } = Realtime.Core.Timing.MachineSpeed.Process;
    /// <summary>Samples the ring keeps.</summary>
    public int Capacity => _ring.Length;
    /// <summary>Samples taken so far (each covers the interval since the one before).</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>The pipeline thread (its kernel id): the core it runs on is the one whose frequency is read. 0: none.</summary>
    public int PipelineThreadId
    {
        get => _pipelineTid;
        set => _pipelineTid = value;
    }

    /// <summary>Sample <paramref name="index"/>'s conditions (from 0); None when it is not taken yet or no longer kept.</summary>
    public MachineConditions ConditionsOf(long index)
    {
        long taken = Sequence;
        return index < taken && index > taken - _ring.Length ? _ring[index % _ring.Length].Conditions : MachineConditions.None;
    }

    /// <summary>The newest sample; false before the first.</summary>
    public bool TryLatest(out ResourceSample sample)
    {
        long taken = Sequence;
        sample = taken > 0 ? _ring[(taken - 1) % _ring.Length] : default;
        return taken > 0;
    }

    /// <summary>Takes the first reading now and starts the thread (its first act: <paramref name="onThreadStart"/>, e.g. its cores).</summary>
    public void Start(Action? onThreadStart = null)
    {
        if (_thread is not null) throw new InvalidOperationException("the sampler is already started");
        SampleNow();
        _thread = new Thread(() =>
        {
            onThreadStart?.Invoke();
            while (!_stop.Wait(TimeSpan.FromTicks(_periodNs / 100))) SampleNow();
        }, 256 * 1024) { Name = "rt-resources", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops the thread and takes a last sample, so the interval of the run's last frames is covered.</summary>
    public void Stop()
    {
        if (_thread is null || _stop.IsSet) return;
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
        SampleNow();
    }

    /// <summary>
    /// Reads now; from the second reading on, stores the sample of the interval since the one
    /// before. One caller at a time (the sampler's thread, or a test before <see cref="Start"/>).
    /// </summary>
    public void SampleNow()
    {
        ResourceReading r = default;
        _reader.Read(ref r, _reader.CoreOf(_pipelineTid));
        Speed.Publish(r.FrequencyKhz > 0 && r.MaxFrequencyKhz > 0 ? (double)r.FrequencyKhz / r.MaxFrequencyKhz : double.NaN, r.TemperatureC);
        if (!_haveLast)
        {
            (_last, _haveLast) = (r, true);
            return;
        }
        long taken = _sequence;
        ref ResourceSample s = ref _ring[taken % _ring.Length];
        s = Derive(_last, r, _ticksPerSecond);
        _last = r;
        Volatile.Write(ref _sequence, taken + 1);
    }

    /// <summary>The sample of the interval from <paramref name="before"/> to <paramref name="now"/> (<paramref name="ticksPerSecond"/>: the tick counts' unit).</summary>
    public static ResourceSample Derive(in ResourceReading before, in ResourceReading now, double ticksPerSecond)
    {
        double seconds = Math.Max(1e-9, (now.AtNs - before.AtNs) / 1e9);
        static double Stall(long a, long b, double s) => a < 0 || b < 0 ? double.NaN : Math.Clamp((b - a) / (s * 1e6), 0, 1);
        long machine = now.MachineTicks - before.MachineTicks;
        var s = new ResourceSample
        {
            Reading = now,
            Seconds = seconds,
            CpuPressure = Stall(before.CpuSomeTotalUs, now.CpuSomeTotalUs, seconds),
            MemoryPressure = Stall(before.MemorySomeTotalUs, now.MemorySomeTotalUs, seconds),
            IoPressure = Stall(before.IoSomeTotalUs, now.IoSomeTotalUs, seconds),
            ProcessCpu = now.ProcessTicks >= 0 && before.ProcessTicks >= 0 ? Math.Max(0, (now.ProcessTicks - before.ProcessTicks) / ticksPerSecond / seconds) : 0,
            IoWait = before.MachineTicks >= 0 && machine > 0 ? (double)(now.MachineIoWaitTicks - before.MachineIoWaitTicks) / machine : double.NaN,
            MachineBusy = before.MachineTicks >= 0 && machine > 0 ? 1 - (double)(now.MachineIdleTicks - before.MachineIdleTicks + now.MachineIoWaitTicks - before.MachineIoWaitTicks) / machine : double.NaN,
            FrequencyRatio = now.FrequencyKhz > 0 && now.MaxFrequencyKhz > 0 ? (double)now.FrequencyKhz / now.MaxFrequencyKhz : double.NaN,
        };
        MachineConditions c = MachineConditions.None;
        if (s.FrequencyRatio < ThrottledBelow || (before.ThrottleEvents >= 0 && now.ThrottleEvents > before.ThrottleEvents && before.Core == now.Core)) c |= MachineConditions.Throttled;
        if (now.HotZones > 0) c |= MachineConditions.Hot;
        if (s.MemoryPressure >= PressureAbove) c |= MachineConditions.MemoryPressure;
        if (s.IoPressure >= PressureAbove) c |= MachineConditions.IoPressure;
        s.Conditions = c;
        return s;
    }

    /// <summary>The conditions' names, as a miss's cause and the report give them ("throttled+hot"); null for none.</summary>
    public static string? Names(MachineConditions c)
    {
        if (c == MachineConditions.None) return null;
        var parts = new List<string>(4);
        if ((c & MachineConditions.Throttled) != 0) parts.Add("throttled");
        if ((c & MachineConditions.Hot) != 0) parts.Add("hot");
        if ((c & MachineConditions.MemoryPressure) != 0) parts.Add("memory_pressure");
        if ((c & MachineConditions.IoPressure) != 0) parts.Add("io_pressure");
        return string.Join('+', parts);
    }

    /// <summary>Samples <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) in a few figures (those still kept); null when there are none.</summary>
    public ResourceSummary? Summarize(long from, long to)
    {
        var r = new ResourceSummary();
        return SummarizeInto(from, to, r) ? r : null;
    }

    /// <summary>
    /// <see cref="Summarize"/> into a summary the caller keeps (every figure overwritten), allocating
    /// nothing; false, and <paramref name="r"/> untouched, when there are no samples in the span.
    /// </summary>
    public bool SummarizeInto(long from, long to, ResourceSummary r)
    {
        ArgumentNullException.ThrowIfNull(r);
        long taken = Sequence;
        to = Math.Min(to, taken);
        from = Math.Max(from, Math.Max(0, taken - _ring.Length + 1));
        if (to <= from) return false;
        r.Samples = (int)(to - from);
        r.CpuPressureMax = r.MemoryPressureMax = r.IoPressureMax = r.IoWaitMax = r.TemperatureMaxC = r.FrequencyRatioMin = r.FrequencyMhzMin = null;
        r.ProcessCpuMax = 0;
        r.ThrottledSamples = r.HotSamples = r.MemoryPressureSamples = r.IoPressureSamples = 0;
        double cpuSum = 0;
        long firstRss = -1, lastRss = -1, maxRss = 0;
        for (long i = from; i < to; i++)
        {
            ref readonly ResourceSample s = ref _ring[i % _ring.Length];
            r.CpuPressureMax = Max(r.CpuPressureMax, s.CpuPressure);
            r.MemoryPressureMax = Max(r.MemoryPressureMax, s.MemoryPressure);
            r.IoPressureMax = Max(r.IoPressureMax, s.IoPressure);
            r.IoWaitMax = Max(r.IoWaitMax, s.IoWait);
            r.TemperatureMaxC = Max(r.TemperatureMaxC, s.Reading.TemperatureC);
            r.FrequencyRatioMin = Min(r.FrequencyRatioMin, s.FrequencyRatio);
            if (s.Reading.FrequencyKhz > 0) r.FrequencyMhzMin = Min(r.FrequencyMhzMin, s.Reading.FrequencyKhz / 1000.0);
            cpuSum += s.ProcessCpu;
            r.ProcessCpuMax = Math.Max(r.ProcessCpuMax, s.ProcessCpu);
            if (s.Reading.RssBytes >= 0)
            {
                if (firstRss < 0) firstRss = s.Reading.RssBytes;
                lastRss = s.Reading.RssBytes;
                maxRss = Math.Max(maxRss, lastRss);
            }
            if ((s.Conditions & MachineConditions.Throttled) != 0) r.ThrottledSamples++;
            if ((s.Conditions & MachineConditions.Hot) != 0) r.HotSamples++;
            if ((s.Conditions & MachineConditions.MemoryPressure) != 0) r.MemoryPressureSamples++;
            if ((s.Conditions & MachineConditions.IoPressure) != 0) r.IoPressureSamples++;
        }
        r.ProcessCpuMean = Math.Round(cpuSum / r.Samples, 4);
        r.ProcessCpuMax = Math.Round(r.ProcessCpuMax, 4);
        r.RssMaxMb = Math.Round(maxRss / 1e6, 3);
        r.RssGrowthMb = firstRss < 0 ? 0 : Math.Round((lastRss - firstRss) / 1e6, 3);
        return true;
    }

    /// <summary>The report's section: every kept sample (time from <paramref name="runStartNs"/>) and their summary.</summary>
    public ResourceReport ToReport(long runStartNs)
    {
        long taken = Sequence;
        long from = Math.Max(0, taken - _ring.Length + 1);
        var report = new ResourceReport { PeriodS = PeriodS, Samples = taken, Kept = _ring.Length - 1, Summary = Summarize(from, taken) ?? new ResourceSummary() };
        bool psi = false, freq = false, thermal = false;
        for (long i = from; i < taken; i++)
        {
            ref readonly ResourceSample s = ref _ring[i % _ring.Length];
            psi |= !double.IsNaN(s.CpuPressure);
            freq |= !double.IsNaN(s.FrequencyRatio);
            thermal |= !double.IsNaN(s.Reading.TemperatureC);
            report.Trace.Add(new ResourcePoint
            {
                AtMs = Math.Round((s.Reading.AtNs - runStartNs) / 1e6, 3),
                ProcessCpu = Math.Round(s.ProcessCpu, 4),
                RssMb = Math.Round(Math.Max(0, s.Reading.RssBytes) / 1e6, 3),
                IoWait = Rounded(s.IoWait),
                CpuPressure = Rounded(s.CpuPressure),
                MemoryPressure = Rounded(s.MemoryPressure),
                IoPressure = Rounded(s.IoPressure),
                TemperatureC = Rounded(s.Reading.TemperatureC),
                FrequencyRatio = Rounded(s.FrequencyRatio),
                Conditions = Names(s.Conditions),
            });
        }
        if (taken > 0)
        {
            if (!psi) report.Absent.Add("pressure (/proc/pressure: a kernel without CONFIG_PSI, or psi=0)");
            if (!freq) report.Absent.Add("cpu frequency (no cpufreq for the pipeline's core)");
            if (!thermal) report.Absent.Add("temperature (no /sys/class/thermal zones)");
        }
        return report;
    }

    /// <summary>The newest sample's gauges and counters, in Prometheus's units (seconds, ratios, bytes, hertz, celsius); one caller at a time (the scrape), allocating nothing.</summary>
    public void Render(PrometheusText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryLatest(out ResourceSample s)) return;
        ResourceReading r = s.Reading;
        // A family's samples together (its HELP and TYPE are written once): the ratios, then the totals.
        Avg10(text, CpuLabels, r.CpuSomeAvg10);
        Avg10(text, MemoryLabels, r.MemorySomeAvg10);
        Avg10(text, IoLabels, r.IoSomeAvg10);
        Total(text, CpuLabels, r.CpuSomeTotalUs);
        Total(text, MemoryLabels, r.MemorySomeTotalUs);
        Total(text, IoLabels, r.IoSomeTotalUs);
        string core = CoreLabels(r.Core);
        if (r.FrequencyKhz > 0) text.Gauge("rtapp_cpu_frequency_hertz", "The pipeline thread's core's frequency (cpufreq scaling_cur_freq).", r.FrequencyKhz * 1000.0, core);
        if (r.MaxFrequencyKhz > 0) text.Gauge("rtapp_cpu_frequency_max_hertz", "That core's highest frequency (cpufreq cpuinfo_max_freq).", r.MaxFrequencyKhz * 1000.0, core);
        if (r.ThrottleEvents >= 0) text.Counter("rtapp_cpu_throttle_events_total", "That core's thermal throttle events (thermal_throttle/core_throttle_count).", r.ThrottleEvents, core);
        if (!double.IsNaN(r.TemperatureC)) text.Gauge("rtapp_temperature_max_celsius", "The hottest thermal zone.", r.TemperatureC);
        if (r.RssBytes >= 0) text.Gauge("rtapp_process_resident_memory_bytes", "The process's resident memory.", r.RssBytes);
        if (r.ProcessTicks >= 0) text.Counter("rtapp_process_cpu_seconds_total", "The process's CPU time, user and system.", r.ProcessTicks / _ticksPerSecond);
        if (!double.IsNaN(s.IoWait)) text.Gauge("rtapp_machine_iowait_ratio", "Share of the machine's CPU time waiting for I/O over the last sample interval.", s.IoWait);
        text.Gauge("rtapp_machine_conditions", "What the last sample interval says about the machine (each label 0 or 1): throttled, hot, memory_pressure, io_pressure.", (s.Conditions & MachineConditions.Throttled) != 0 ? 1 : 0, "condition=\"throttled\"");
        text.Gauge("rtapp_machine_conditions", "", (s.Conditions & MachineConditions.Hot) != 0 ? 1 : 0, "condition=\"hot\"");
        text.Gauge("rtapp_machine_conditions", "", (s.Conditions & MachineConditions.MemoryPressure) != 0 ? 1 : 0, "condition=\"memory_pressure\"");
        text.Gauge("rtapp_machine_conditions", "", (s.Conditions & MachineConditions.IoPressure) != 0 ? 1 : 0, "condition=\"io_pressure\"");
    }

    private static void Avg10(PrometheusText text, string labels, double avg10)
    {
        if (!double.IsNaN(avg10)) text.Gauge("rtapp_pressure_some_ratio", "Share of the last 10 s some task waited for the resource (PSI some avg10).", avg10 / 100, labels);
    }

    private static void Total(PrometheusText text, string labels, long totalUs)
    {
        if (totalUs >= 0) text.Counter("rtapp_pressure_some_stall_seconds_total", "Time some task waited for the resource (PSI some total).", totalUs / 1e6, labels);
    }

    // Label sets made once, so a scrape allocates nothing (a core's the first time it is watched).
    private const string CpuLabels = "resource=\"cpu\"", MemoryLabels = "resource=\"memory\"", IoLabels = "resource=\"io\"";
    private string[] _coreLabels = Array.Empty<string>();

    private string CoreLabels(int core)
    {
        if (core < 0) return "cpu=\"unknown\"";
        if (core >= _coreLabels.Length) Array.Resize(ref _coreLabels, core + 1);
        return _coreLabels[core] ??= PrometheusText.Labels(("cpu", core.ToString(CultureInfo.InvariantCulture)));
    }

    private static double? Max(double? a, double v) => double.IsNaN(v) ? a : Math.Round(a is double x ? Math.Max(x, v) : v, 4);
    private static double? Min(double? a, double v) => double.IsNaN(v) ? a : Math.Round(a is double x ? Math.Min(x, v) : v, 4);
    private static double? Rounded(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);

    /// <summary>Stops the thread (without a last sample when <see cref="Stop"/> was not called).</summary>
    public void Dispose()
    {
        _stop.Set();
        // The reader's descriptors close only once no reading can be under way.
        if (_thread is null || _thread.Join(TimeSpan.FromSeconds(5))) _reader.Dispose();
    }
}
