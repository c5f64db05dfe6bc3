using System;
using System.Globalization;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Core.Reporting;
using Realtime.Hosting.Telemetry;
using Realtime.Linux;
using Realtime.Tests;

namespace Realtime.Hosting.Tests.Telemetry;

/// <summary>
/// The machine sampler on file contents as the kernel writes them (a /proc and /sys tree in a
/// temporary folder: this machine has no cpufreq or thermal zones), on this machine's real /proc,
/// and the causes a miss takes from it: a slow stage in a throttled, hot or pressured interval is
/// the machine's, a preempted frame stays preempted and carries the condition beside its cause.
/// </summary>
public sealed class ResourceSamplerTests : IDisposable
{
    private const long Ms = 1_000_000, Hour = 3_600_000 * Ms;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rtapp-resources-" + Guid.NewGuid().ToString("N"));
    private string Proc => Path.Combine(_root, "proc");
    private string Sys => Path.Combine(_root, "sys");

    public ResourceSamplerTests()
    {
        Write("proc/pressure/cpu", "some avg10=12.50 avg60=3.00 avg300=1.00 total=1000000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Write("proc/pressure/memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        Write("proc/pressure/io", "some avg10=0.00 avg60=0.00 avg300=0.00 total=5000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=4000\n");
        Write("proc/self/statm", "60000 20000 3000 100 0 40000 0\n");
        Write("proc/self/stat", Stat("rt app (x)", utime: 100, stime: 50, processor: 0));
        Write("proc/self/task/4242/stat", Stat("rt-pipeline", utime: 80, stime: 10, processor: 2));
        Write("proc/stat", "cpu  1000 0 500 8000 100 0 0 0 0 0\ncpu0 500 0 250 4000 50 0 0 0 0 0\nintr 1\n");
        Write("sys/devices/system/cpu/cpu2/cpufreq/scaling_cur_freq", "2400000\n");
        Write("sys/devices/system/cpu/cpu2/cpufreq/cpuinfo_max_freq", "2400000\n");
        Write("sys/devices/system/cpu/cpu2/thermal_throttle/core_throttle_count", "7\n");
        Write("sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
        Write("sys/class/thermal/thermal_zone0/temp", "55000\n");
        Write("sys/class/thermal/thermal_zone0/trip_point_0_type", "critical\n");
        Write("sys/class/thermal/thermal_zone0/trip_point_0_temp", "105000\n");
        Write("sys/class/thermal/thermal_zone0/trip_point_1_type", "passive\n");
        Write("sys/class/thermal/thermal_zone0/trip_point_1_temp", "90000\n");
        Write("sys/class/thermal/thermal_zone1/type", "acpitz\n");
        Write("sys/class/thermal/thermal_zone1/temp", "41000\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string text)
    {
        string full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    /// <summary>A /proc/PID/stat line: the fields up to 39 (processor), utime 14, stime 15.</summary>
    private static string Stat(string comm, long utime, long stime, int processor)
    {
        var f = new string[52];
        for (int i = 0; i < f.Length; i++) f[i] = "0";
        f[0] = "4242"; f[1] = "(" + comm + ")"; f[2] = "R";
        f[13] = utime.ToString(CultureInfo.InvariantCulture);
        f[14] = stime.ToString(CultureInfo.InvariantCulture);
        f[38] = processor.ToString(CultureInfo.InvariantCulture);
        return string.Join(' ', f) + "\n";
    }

    [Fact]
    public void EachFileIsParsedAsTheKernelWritesIt()
    {
        Assert.Equal((12.5, 1_000_000L), ResourceReader.ParsePressure(File.ReadAllText(Path.Combine(Proc, "pressure/cpu"))));
        Assert.Equal(5000L, ResourceReader.ParsePressure(File.ReadAllText(Path.Combine(Proc, "pressure/io"))).TotalUs);
        var (avg, total) = ResourceReader.ParsePressure(null);
        Assert.True(double.IsNaN(avg));
        Assert.Equal(-1, total);
        Assert.Equal(20000, ResourceReader.ParseStatmResident("60000 20000 3000 100 0 40000 0\n"));
        // A command name with spaces and parentheses does not move the fields.
        Assert.Equal(150, ResourceReader.ParseProcessTicks(Stat("rt app (x)", 100, 50, 3)));
        Assert.Equal(3, ResourceReader.ParseLastCore(Stat("a) b", 1, 1, 3)));
        Assert.Equal((9600L, 8000L, 100L), ResourceReader.ParseMachineTicks("cpu  1000 0 500 8000 100 0 0 0 7 7\ncpu0 1 2 3\n"));
        Assert.Equal((-1L, -1L, -1L), ResourceReader.ParseMachineTicks("garbage"));
        Assert.Equal(90, ResourceReader.HotThreshold(new[] { ("critical", "105000"), ("passive\n", "90000"), ("hot", "95000") }));
        Assert.Equal(ResourceReader.DefaultHotC, ResourceReader.HotThreshold(new[] { ("critical", "105000") }));
    }

    [Fact]
    public void AReadingTakesEveryFigureFromTheTreeAndTheWatchedCore()
    {
        var reader = new ResourceReader(Proc, Sys);
        Assert.Equal(2, reader.ThermalZones);
        Assert.Equal(2, reader.CoreOf(4242));
        Assert.Equal(-1, reader.CoreOf(999));
        ResourceReading r = default;
        reader.Read(ref r, reader.CoreOf(4242));
        Assert.Equal(12.5, r.CpuSomeAvg10);
        Assert.Equal(0, r.MemorySomeTotalUs);
        Assert.Equal(2_400_000, r.FrequencyKhz);
        Assert.Equal(2_400_000, r.MaxFrequencyKhz);
        Assert.Equal(7, r.ThrottleEvents);
        Assert.Equal(55, r.TemperatureC);
        Assert.Equal(0, r.HotZones);
        Assert.Equal(20000L * Math.Max(4096, Environment.SystemPageSize), r.RssBytes);
        Assert.Equal(150, r.ProcessTicks);
        Assert.Equal(9600, r.MachineTicks);
        // A core with no cpufreq: absent, not zero.
        reader.Read(ref r, 0);
        Assert.Equal(-1, r.FrequencyKhz);
        Assert.Equal(-1, r.ThrottleEvents);
    }

    [Fact]
    public void EveryOnlineCoreIsReadyBeforeTheFirstReadingAndAnyOtherCoreIsStillRead()
    {
        // Online cores 0-1 and 6 (a hole, as after hot-unplug): core 6's files are made with the reader,
        // so the first reading there allocates nothing; core 9, not online when it was made, is still read.
        Write("sys/devices/system/cpu/online", "0-1,6\n");
        Write("sys/devices/system/cpu/cpu6/cpufreq/scaling_cur_freq", "1200000\n");
        Write("sys/devices/system/cpu/cpu9/cpufreq/scaling_cur_freq", "900000\n");
        using var reader = new ResourceReader(Proc, Sys);
        ResourceReading r = default;
        reader.Read(ref r, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        reader.Read(ref r, 6);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_200_000, r.FrequencyKhz);
        reader.Read(ref r, 9);
        Assert.Equal(900_000, r.FrequencyKhz);
        // Not cores: nothing read, nothing made.
        foreach (int core in new[] { -1, ResourceReader.MaxCore + 1, int.MaxValue })
        {
            reader.Read(ref r, core);
            Assert.Equal(-1, r.FrequencyKhz);
        }
        // A list that is not one (or names a core past the largest) sizes the reader by this process's count.
        Write("sys/devices/system/cpu/online", "0-99999999\n");
        using var odd = new ResourceReader(Proc, Sys);
        odd.Read(ref r, 6);
        Assert.Equal(1_200_000, r.FrequencyKhz);
    }

    [Fact]
    public void AnIntervalIsTheDifferenceOfTwoReadingsAndItsConditionsFollowTheThresholds()
    {
        var before = new ResourceReading
        {
            AtNs = 0, CpuSomeTotalUs = 0, MemorySomeTotalUs = 0, IoSomeTotalUs = 0, ProcessTicks = 100, MachineTicks = 1000, MachineIdleTicks = 500, MachineIoWaitTicks = 0,
            FrequencyKhz = 2_000_000, MaxFrequencyKhz = 2_000_000, ThrottleEvents = 3, Core = 1, TemperatureC = double.NaN,
        };
        var now = before;
        now.AtNs = 2_000_000_000;
        now.CpuSomeTotalUs = 500_000;       // a quarter of 2 s
        now.MemorySomeTotalUs = 100_000;    // 5 %: under the threshold
        now.IoSomeTotalUs = 400_000;        // 20 %: over it
        now.ProcessTicks = 300;             // 200 ticks in 2 s at 100 Hz: one core
        now.MachineTicks = 2000;
        now.MachineIdleTicks = 900;
        now.MachineIoWaitTicks = 100;
        ResourceSample s = ResourceSampler.Derive(before, now, 100);
        Assert.Equal(2, s.Seconds);
        Assert.Equal(0.25, s.CpuPressure, 6);
        Assert.Equal(0.05, s.MemoryPressure, 6);
        Assert.Equal(0.2, s.IoPressure, 6);
        Assert.Equal(1, s.ProcessCpu, 6);
        Assert.Equal(0.1, s.IoWait, 6);
        Assert.Equal(0.5, s.MachineBusy, 6);
        Assert.Equal(1, s.FrequencyRatio);
        Assert.Equal(MachineConditions.IoPressure, s.Conditions);
        now.FrequencyKhz = 1_400_000;       // 70 % of its maximum
        now.HotZones = 1;
        Assert.Equal(MachineConditions.Throttled | MachineConditions.Hot | MachineConditions.IoPressure, ResourceSampler.Derive(before, now, 100).Conditions);
        now.FrequencyKhz = 2_000_000;
        now.ThrottleEvents = 4;             // at full frequency, but the core counted a throttle event
        Assert.True((ResourceSampler.Derive(before, now, 100).Conditions & MachineConditions.Throttled) != 0);
        Assert.Equal("throttled+hot+io_pressure", ResourceSampler.Names(ResourceSampler.Derive(before, now, 100).Conditions));
        Assert.Null(ResourceSampler.Names(MachineConditions.None));
    }

    [Fact]
    public void TheRingKeepsTheNewestSamplesInConstantMemoryAndSummarisesThem()
    {
        var sampler = new ResourceSampler(new ResourceReader(Proc, Sys), capacity: 8) { PipelineThreadId = 4242 };
        sampler.SampleNow(); // the first reading: no interval yet
        Assert.Equal(0, sampler.Sequence);
        Assert.False(sampler.TryLatest(out _));
        for (int i = 1; i <= 20; i++)
        {
            Write("sys/class/thermal/thermal_zone1/temp", (40000 + i * 2500).ToString(CultureInfo.InvariantCulture));
            Write("proc/self/statm", $"60000 {20000 + i} 3000 100 0 40000 0\n");
            sampler.SampleNow();
        }
        Assert.Equal(20, sampler.Sequence);
        Assert.True(sampler.TryLatest(out ResourceSample last));
        Assert.Equal(90, last.Reading.TemperatureC);
        Assert.Equal(1, last.Reading.HotZones); // zone 1 has no trip points (hot from 85 °C); zone 0 is under its passive 90 °C
        Assert.Equal(MachineConditions.Hot, last.Conditions);
        ResourceReport report = sampler.ToReport(0);
        Assert.Equal(20, report.Samples);
        Assert.Equal(7, report.Kept);
        Assert.Equal(7, report.Trace.Count);
        Assert.Equal(90, report.Trace[^1].TemperatureC);
        Assert.Equal("hot", report.Trace[^1].Conditions);
        Assert.Equal(75, report.Trace[0].TemperatureC);
        Assert.Null(report.Trace[0].Conditions);
        Assert.Equal(3, report.Summary.HotSamples); // 85, 87.5 and 90 °C
        Assert.Equal(1, report.Trace[0].FrequencyRatio);
        Assert.Equal(90, report.Summary.TemperatureMaxC);
        Assert.Equal(Math.Round(6.0 * Math.Max(4096, Environment.SystemPageSize) / 1e6, 3), report.Summary.RssGrowthMb); // 6 pages more
        Assert.Equal(7, report.Summary.Samples);
        Assert.Empty(report.Absent);
        ResourceSummary? two = sampler.Summarize(18, 20);
        Assert.Equal(2, two!.Samples);
        Assert.Null(sampler.Summarize(20, 20));
        Assert.Null(sampler.Summarize(0, 5)); // no longer kept
    }

    [Fact]
    public void OnThisMachineTheProcessIsSampledAndWhatIsMissingIsSaid()
    {
        var sampler = new ResourceSampler(periodS: 0.05) { PipelineThreadId = RealtimeScheduling.CurrentThreadId() };
        sampler.Start();
        var spin = DateTime.UtcNow.AddMilliseconds(300);
        while (DateTime.UtcNow < spin) { } // CPU time for the process to show
        sampler.Stop();
        Assert.True(sampler.Sequence >= 2, $"{sampler.Sequence} samples");
        ResourceReport r = sampler.ToReport(0);
        Assert.True(r.Summary.RssMaxMb > 1, r.Summary.RssMaxMb.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.Summary.ProcessCpuMax > 0);
        Assert.Equal(File.Exists("/proc/pressure/cpu"), r.Summary.CpuPressureMax is not null);
        Assert.Equal(File.Exists("/proc/pressure/cpu"), !r.Absent.Exists(a => a.StartsWith("pressure", StringComparison.Ordinal)));
        bool thermal = Directory.Exists("/sys/class/thermal") && Directory.GetDirectories("/sys/class/thermal", "thermal_zone*").Length > 0;
        Assert.Equal(thermal, r.Summary.TemperatureMaxC is not null);
        var text = new PrometheusText();
        sampler.Render(text);
        // A scrape every 100 ms for months: nothing allocated once the labels are made.
        Assert.Equal(0, ThreadAllocations.Least(() => { text.Clear(); sampler.Render(text); }, n: 1, warm: 0));
        string metrics = text.ToString();
        Assert.Contains("rtapp_process_resident_memory_bytes ", metrics, StringComparison.Ordinal);
        Assert.Contains("rtapp_process_cpu_seconds_total ", metrics, StringComparison.Ordinal);
        Assert.Contains("rtapp_machine_conditions{condition=\"throttled\"} ", metrics, StringComparison.Ordinal);
        if (File.Exists("/proc/pressure/io"))
        {
            Assert.Contains("rtapp_pressure_some_ratio{resource=\"io\"} ", metrics, StringComparison.Ordinal);
            Assert.Contains("rtapp_pressure_some_stall_seconds_total{resource=\"memory\"} ", metrics, StringComparison.Ordinal);
            // Each family's HELP and TYPE once.
            Assert.Equal(1, metrics.Split("# TYPE rtapp_pressure_some_ratio ").Length - 1);
        }
    }

    [Fact]
    public void ASlowStageInAThrottledIntervalIsTheMachinesAndAPreemptedFrameKeepsItsCause()
    {
        var sampler = new ResourceSampler(new ResourceReader(Proc, Sys)) { PipelineThreadId = 4242 };
        sampler.SampleNow();
        var causes = new MissCauseRecorder(8 * Ms, null, sampler);
        // Hours over, preprocess the longest stage: no scheduling delay or fault explains it.
        var slow = new FrameRecord { Flags = FrameFlags.DeadlineMiss, CaptureNs = 0, CaptureEndNs = Ms, PreprocessEndNs = Hour, InferEndNs = Hour + Ms, DecodeEndNs = Hour + 2 * Ms, ControlEndNs = Hour + 3 * Ms, ActuateEndNs = Hour + 4 * Ms };
        var ordinary = new FrameRecord { CaptureEndNs = Ms, ActuateEndNs = 2 * Ms };
        causes.OnTick(0); causes.OnFrameEnd(0, ref slow);
        causes.OnTick(1); causes.OnFrameEnd(1, ref slow);
        Write("sys/devices/system/cpu/cpu2/cpufreq/scaling_cur_freq", "1200000\n"); // half its maximum, in this interval
        sampler.SampleNow();
        causes.OnTick(2); causes.OnFrameEnd(2, ref ordinary); // the interval is sampled: the two misses take its conditions
        causes.OnTick(3); causes.OnFrameEnd(3, ref slow);
        Write("sys/devices/system/cpu/cpu2/cpufreq/scaling_cur_freq", "2400000\n");
        Write("proc/pressure/memory", "some avg10=50.00 avg60=0.00 avg300=0.00 total=900000000\n"); // waited for memory the whole interval
        sampler.SampleNow();
        causes.OnTick(4); causes.OnFrameEnd(4, ref slow); // after that sample: its interval is still open at the end
        MissCauseReport r = causes.ToReport();
        Assert.Equal(2, r.ByCause["throttled"]);
        Assert.Equal(1, r.ByCause["memory_pressure"]);
        Assert.Equal(1, r.ByCause["slow_stage:preprocess"]);
        Assert.Equal(new[] { "throttled", "throttled", "memory_pressure", "slow_stage:preprocess" }, r.Frames.ConvertAll(f => f.Cause));
        Assert.Equal("throttled", r.Frames[0].Machine);
        Assert.Equal("memory_pressure", r.Frames[2].Machine);
        Assert.Null(r.Frames[3].Machine);
        Assert.Equal("preprocess", r.Frames[0].Stage);
        causes.Close();
    }

    [Fact]
    public void ReadingThisMachineAgainAndAgainAllocatesNothing()
    {
        // Once a second for months on a housekeeping thread: any allocation would at last start a
        // GC, and a GC stops the pipeline thread too. Every file is read through a kept descriptor.
        // The watched thread moves between cores, and the first reading on a core not seen before
        // allocated (616 B in a run here): every core is read in each window, not only where this
        // thread is, and each window has a reader of its own, so every window holds those first readings.
        var readers = new[] { new ResourceReader(), new ResourceReader(), new ResourceReader() };
        int tid = Realtime.Linux.RealtimeScheduling.CurrentThreadId();
        int cores = Environment.ProcessorCount;
        ResourceReading r = default;
        foreach (ResourceReader each in readers) each.Read(ref r, each.CoreOf(tid));
        int window = 0;
        long bytes = ThreadAllocations.LeastOfThree(() =>
        {
            ResourceReader reader = readers[window++];
            for (int i = 0; i < 200; i++)
            {
                reader.Read(ref r, reader.CoreOf(tid));
                reader.Read(ref r, i % cores);
            }
        });
        foreach (ResourceReader each in readers) each.Dispose();
        Assert.True(bytes == 0, $"400 readings on {cores} cores allocated {bytes} B");
        Assert.True(r.RssBytes > 0, "this process's resident memory is read");
        Assert.True(r.MachineTicks > 0 && r.ProcessTicks >= 0, "the machine's and the process's CPU time are read");
        Assert.InRange(r.Core, 0, Environment.ProcessorCount - 1);
    }
}
