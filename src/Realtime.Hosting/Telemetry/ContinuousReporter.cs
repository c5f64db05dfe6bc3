using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// A continuous run's reporting, on its own ordinary thread (the telemetry thread, on
/// <c>threads.telemetry</c>'s cores at SCHED_OTHER): every interval, and at once on
/// <see cref="RequestReport"/> (SIGHUP), one summary line on stdout (the journal) and an
/// <see cref="IntervalReport"/> in the state directory (<c>interval-TIMESTAMP.json</c>, the last
/// <c>keep</c> kept, and <c>latest.json</c>, each written to a temporary file and renamed).
/// <para>
/// Nothing here touches the pipeline thread: it reads the <see cref="LoopTelemetry"/>'s counters and
/// histograms racy-but-monotonic (each 64-bit word only grows and is written by the pipeline thread
/// alone, so a read is a value it really had; a frame being recorded may show in one figure and not
/// yet in another). An interval is this snapshot minus the one before (<see cref="HistogramSnapshot.Minus"/>),
/// so the pipeline thread never swaps, resets or waits for anything.
/// </para>
/// </summary>
public sealed class ContinuousReporter : IDisposable
{
    private readonly LoopTelemetry _telemetry;
    private readonly IntervalReport _template;
    private readonly long _intervalNs;
    private readonly string? _stateDir;
    private readonly int _keep;
    private readonly Action<string> _writeLine;
    private readonly Action? _onThreadStart;
    private readonly HistogramSnapshot _run = new(), _before = new(), _interval = new(), _stage = new();
    private readonly AutoResetEvent _wake = new(false);
    private Thread? _thread;
    private volatile bool _stopping;
    private long _startNs, _lastNs, _framesBefore, _missesBefore, _droppedBefore, _faultsBefore, _sequence, _samplesBefore;
    private string? _lastError;

    /// <summary>Reports <paramref name="telemetry"/> every <paramref name="intervalS"/> seconds, as <paramref name="template"/> names the run.</summary>
    /// <param name="telemetry">The loop's figures.</param>
    /// <param name="template">Tool, version, board, application, rate and deadline of every report.</param>
    /// <param name="intervalS">Seconds between reports.</param>
    /// <param name="stateDir">Where the JSON reports go (checked by <see cref="CheckStateDirectory"/>); null: the line only.</param>
    /// <param name="keep">Interval reports kept in <paramref name="stateDir"/>.</param>
    /// <param name="writeLine">Where the summary line goes (stdout).</param>
    /// <param name="onThreadStart">Run first on the telemetry thread (its cores and policy).</param>
    public ContinuousReporter(LoopTelemetry telemetry, IntervalReport template, double intervalS, string? stateDir, int keep, Action<string> writeLine, Action? onThreadStart = null)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(writeLine);
        if (!(intervalS > 0)) throw new ArgumentOutOfRangeException(nameof(intervalS), "the interval must be positive");
        _telemetry = telemetry;
        _template = template;
        _intervalNs = (long)Math.Max(1_000_000, intervalS * 1e9);
        IntervalS = intervalS;
        _stateDir = stateDir;
        _keep = Math.Max(1, keep);
        _writeLine = writeLine;
        _onThreadStart = onThreadStart;
    }

    /// <summary>Seconds between reports.</summary>
    public double IntervalS { get; }
    /// <summary>The machine's and the process's sampler, summarised in each report (null: none).</summary>
    public ResourceSampler? Resources { get; init; }
    /// <summary>Reports taken so far (interval and on request).</summary>
    public long Reports => Interlocked.Read(ref _sequence);
    /// <summary>The last write that failed, in words; null when none did.</summary>
    public string? LastWriteError => Volatile.Read(ref _lastError);
    /// <summary>The state directory, null when reports go to stdout only.</summary>
    public string? StateDirectory => _stateDir;

    /// <summary>
    /// Checks that <paramref name="dir"/> can take the reports (created when missing): the problem in
    /// words, or null. Called before anything moves, so an unwritable directory stops the run at once.
    /// </summary>
    public static string? CheckStateDirectory(string dir) =>
        string.IsNullOrWhiteSpace(dir) ? "the path is empty" : ReportFile.CheckDestination(Path.Combine(dir, LatestName));

    /// <summary>The copy of the newest report.</summary>
    public const string LatestName = "latest.json";

    /// <summary>Starts the telemetry thread; the first interval starts now.</summary>
    public void Start()
    {
        _startNs = _lastNs = MonotonicClock.NowNs();
        _thread = new Thread(Loop, 256 * 1024) { Name = "rt-telemetry", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Asks for a report now (from a signal handler: only sets an event).</summary>
    public void RequestReport() => _wake.Set();

    private void Loop()
    {
        _onThreadStart?.Invoke();
        long next = _startNs + _intervalNs;
        while (!_stopping)
        {
            long wait = Math.Max(0, next - MonotonicClock.NowNs()) / 1_000_000;
            bool asked = _wake.WaitOne((int)Math.Min(wait, int.MaxValue));
            if (_stopping) break;
            if (!asked && MonotonicClock.NowNs() < next) continue;
            Report(asked ? "sighup" : "interval");
            // The interval clock keeps its own beat: a report on request does not move the next one.
            while (next <= MonotonicClock.NowNs()) next += _intervalNs;
        }
    }

    /// <summary>
    /// Takes one report now (the telemetry thread's, or a test's): the line and, with a state
    /// directory, the JSON files. A file that cannot be written is said on stderr and the run goes on.
    /// </summary>
    public IntervalReport Report(string reason)
    {
        IntervalReport r = Take(reason);
        _writeLine(Line(r));
        if (_stateDir is not null)
        {
            try
            {
                string json = JsonSerializer.Serialize(r, ReportJsonContext.Default.IntervalReport);
                string name = "interval-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture) + "-" + r.Sequence.ToString(CultureInfo.InvariantCulture) + ".json";
                ReportFile.WriteAtomically(Path.Combine(_stateDir, name), json);
                ReportFile.WriteAtomically(Path.Combine(_stateDir, LatestName), json);
                Rotate();
                Volatile.Write(ref _lastError, null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                string reason2 = ReportFile.Reason(ex);
                Volatile.Write(ref _lastError, reason2);
                Log.Error("interval report", $"could not write in '{_stateDir}': {reason2} — the run goes on");
            }
        }
        return r;
    }

    /// <summary>The next report's figures: the run so far and the interval since the last one.</summary>
    public IntervalReport Take(string reason)
    {
        long now = MonotonicClock.NowNs();
        long frames = _telemetry.Frames, misses = _telemetry.DeadlineMisses, dropped = _telemetry.DroppedFrames, faults = _telemetry.SourceFaultFrames;
        _telemetry.EndToEnd.CopyTo(_run);
        _run.Minus(_before, _interval);
        var r = new IntervalReport
        {
            Tool = _template.Tool,
            Version = _template.Version,
            Board = _template.Board,
            Demo = _template.Demo,
            RateHz = _template.RateHz,
            DeadlineUs = _template.DeadlineUs,
            Reason = reason,
            Sequence = Interlocked.Increment(ref _sequence),
            WrittenAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            UptimeS = Math.Round((now - _startNs) / 1e9, 3),
            Interval = new IntervalFigures
            {
                Seconds = Math.Round((now - _lastNs) / 1e9, 3),
                Frames = frames - _framesBefore,
                DeadlineMisses = misses - _missesBefore,
                DroppedFrames = dropped - _droppedBefore,
                SourceFaultFrames = faults - _faultsBefore,
                EndToEnd = Percentiles.FromHistogram(_interval),
            },
            Run = new IntervalFigures
            {
                Seconds = Math.Round((now - _startNs) / 1e9, 3),
                Frames = frames,
                DeadlineMisses = misses,
                DroppedFrames = dropped,
                SourceFaultFrames = faults,
                EndToEnd = Percentiles.FromHistogram(_run),
                Stages = StageSummaries(),
            },
        };
        if (Resources is { } res)
        {
            long samples = res.Sequence;
            r.Resources = res.Summarize(_samplesBefore, samples);
            _samplesBefore = samples;
        }
        _before.CopyFrom(_run);
        (_framesBefore, _missesBefore, _droppedBefore, _faultsBefore, _lastNs) = (frames, misses, dropped, faults, now);
        return r;
    }

    private Dictionary<string, LatencySummary> StageSummaries()
    {
        var stages = new Dictionary<string, LatencySummary>(StringComparer.Ordinal);
        for (int s = 0; s < ProfileLoader.StageNames.Length; s++)
        {
            _telemetry.StageLatency(s).CopyTo(_stage);
            stages[ProfileLoader.StageNames[s]] = Percentiles.FromHistogram(_stage);
        }
        return stages;
    }

    /// <summary>The journal's line: the interval's and the run's frames, misses and end-to-end p50/p99/max.</summary>
    public static string Line(IntervalReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = CultureInfo.InvariantCulture;
        IntervalFigures i = r.Interval, run = r.Run;
        return string.Create(c, $"{r.Tool}: {r.Reason} #{r.Sequence}: last {i.Seconds:0.#} s: {i.Frames} frames, {i.DeadlineMisses} misses, e2e p50/p99/max {i.EndToEnd.P50Us / 1000:0.000}/{i.EndToEnd.P99Us / 1000:0.000}/{i.EndToEnd.MaxUs / 1000:0.000} ms; " +
            $"run {run.Seconds:0.#} s: {run.Frames} frames, {run.DeadlineMisses} misses, e2e p50/p99/max {run.EndToEnd.P50Us / 1000:0.000}/{run.EndToEnd.P99Us / 1000:0.000}/{run.EndToEnd.MaxUs / 1000:0.000} ms (histogram, ±{r.RelativeError * 100:0.##} %)")
            + (r.Resources is { } m ? string.Create(c, $"; process {m.ProcessCpuMean:0.00} cores, RSS {m.RssMaxMb:0.#} MB") + Machine(m) : "");
    }

    /// <summary>The line's machine part: the pressures, frequency and temperature this machine has.</summary>
    private static string Machine(ResourceSummary m)
    {
        var c = CultureInfo.InvariantCulture;
        string s = "";
        if (m.CpuPressureMax is double cpu) s += string.Create(c, $", pressure cpu/mem/io {cpu:0.00}/{m.MemoryPressureMax ?? 0:0.00}/{m.IoPressureMax ?? 0:0.00}");
        if (m.FrequencyRatioMin is double f) s += string.Create(c, $", core at ≥{f * 100:0} % of max");
        if (m.TemperatureMaxC is double t) s += string.Create(c, $", ≤{t:0.#} °C");
        return s;
    }

    /// <summary>Deletes the oldest interval reports beyond the number kept (names sort by time).</summary>
    private void Rotate()
    {
        var files = Directory.GetFiles(_stateDir!, "interval-*.json");
        if (files.Length <= _keep) return;
        Array.Sort(files, StringComparer.Ordinal);
        for (int i = 0; i < files.Length - _keep; i++)
        {
            try { File.Delete(files[i]); }
            catch (IOException) { /* gone already, or in use: the next rotation tries again */ }
        }
    }

    /// <summary>
    /// Fills a continuous run's final report from the histograms and counters (the whole run), over
    /// what <see cref="ReportBuilder.FillTiming"/> made of the ring's frames.
    /// </summary>
    public void FillFinal(RunReport report, int ringFrames, int framesInRing)
    {
        ArgumentNullException.ThrowIfNull(report);
        LoopTelemetry t = _telemetry;
        report.Frames = (int)Math.Min(t.Frames, int.MaxValue);
        report.DeadlineMisses = (int)Math.Min(t.DeadlineMisses, int.MaxValue);
        report.HeldFrames = (int)Math.Min(t.HeldFrames, int.MaxValue);
        report.FallbackFrames = (int)Math.Min(t.FallbackFrames, int.MaxValue);
        report.SourceFaultFrames = (int)Math.Min(t.SourceFaultFrames, int.MaxValue);
        report.DroppedFrames = t.DroppedFrames;
        var h = new HistogramSnapshot();
        LatencySummary Stage(int s) { t.StageLatency(s).CopyTo(h); return Percentiles.FromHistogram(h); }
        report.Stages.Capture = Stage(0);
        report.Stages.Preprocess = Stage(1);
        report.Stages.Infer = Stage(2);
        report.Stages.Decode = Stage(3);
        report.Stages.Control = Stage(4);
        report.Stages.Actuate = Stage(5);
        t.EndToEnd.CopyTo(h);
        report.EndToEnd = Percentiles.FromHistogram(h);
        t.Jitter.CopyTo(h);
        if (report.PeriodJitterUs is not null)
        {
            // The histogram keeps |jitter| only: the signed spread (stddev) is the ring's.
            report.PeriodJitterUs.Count = (int)Math.Min(h.Count, int.MaxValue);
            report.PeriodJitterUs.P50 = h.ValueAtQuantile(0.5) / 1000.0;
            report.PeriodJitterUs.P99 = h.ValueAtQuantile(0.99) / 1000.0;
            report.PeriodJitterUs.Max = h.MaxNs / 1000.0;
        }
        t.Floor.CopyTo(h);
        if (h.Count > 0)
        {
            var f = Percentiles.FromHistogram(h);
            report.Floor = f;
            report.OverheadVsFloor = new OverheadVsFloor
            {
                P50Ratio = f.P50Us > 0 ? Math.Round(report.EndToEnd.P50Us / f.P50Us, 4) : 0,
                P99Ratio = f.P99Us > 0 ? Math.Round(report.EndToEnd.P99Us / f.P99Us, 4) : 0,
                P50DeltaUs = Math.Round(report.EndToEnd.P50Us - f.P50Us, 3),
                P99DeltaUs = Math.Round(report.EndToEnd.P99Us - f.P99Us, 3),
            };
        }
        report.Continuous = new ContinuousInfo
        {
            RingFrames = ringFrames,
            FramesInRing = framesInRing,
            IntervalS = IntervalS,
            IntervalReports = Reports,
            StateDirectory = _stateDir,
            LastWriteError = LastWriteError,
        };
    }

    /// <summary>Stops the telemetry thread (after the report in progress, if any).</summary>
    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        // The event is left to the finalizer: a late SIGHUP may still set it.
        _thread?.Join(TimeSpan.FromSeconds(5));
    }
}
