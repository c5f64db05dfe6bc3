using System;
using System.Buffers;
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
    private readonly LineWriter _writeLine;
    // One report, its JSON and its line, made once and overwritten by each report: a report on the
    // telemetry thread allocates nothing, so a service's interval reports cause no garbage collection
    // (a GC stops the pipeline thread too).
    private readonly IntervalReport _report;
    private readonly ResourceSummary _resources = new();
    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);
    private readonly Utf8JsonWriter _jsonWriter;
    private readonly char[] _line = new char[1024];
    private readonly byte[] _name = new byte[128];
    private readonly AtomicFileWriter? _files;
    // The interval reports in the folder, oldest first (a ring of names: rotation lists no folder).
    private byte[][]? _kept;
    private int[]? _keptLength;
    private int _keptFirst, _keptCount;
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
    public ContinuousReporter(LoopTelemetry telemetry, IntervalReport template, double intervalS, string? stateDir, int keep, LineWriter writeLine, Action? onThreadStart = null)
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
        _report = new IntervalReport
        {
            Tool = template.Tool, Version = template.Version, Board = template.Board, Demo = template.Demo, Loop = template.Loop,
            RateHz = template.RateHz, DeadlineUs = template.DeadlineUs,
        };
        _report.Run.Stages = new Dictionary<string, LatencySummary>(StringComparer.Ordinal);
        foreach (string stage in ProfileLoader.StageNames) _report.Run.Stages[stage] = new LatencySummary();
        // Indented, as the context writes reports: the same bytes as before, into a buffer kept.
        _jsonWriter = new Utf8JsonWriter(_json, new JsonWriterOptions { Indented = true });
        if (stateDir is not null) _files = new AtomicFileWriter(stateDir);
    }

    /// <summary>Takes each report's line (the journal's): a span of the reporter's own buffer, valid during the call.</summary>
    public delegate void LineWriter(ReadOnlySpan<char> line);

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
    /// Returns the reporter's one report object, which the next report overwrites.
    /// </summary>
    public IntervalReport Report(string reason)
    {
        IntervalReport r = Take(reason);
        _writeLine(_line.AsSpan(0, FormatLine(r, _line)));
        if (_files is not null)
        {
            try
            {
                _json.ResetWrittenCount();
                _jsonWriter.Reset(_json);
                JsonSerializer.Serialize(_jsonWriter, r, ReportJsonContext.Default.IntervalReport);
                _jsonWriter.Flush();
                ReadOnlySpan<byte> json = _json.WrittenSpan;
                if (_kept is null) ListKept();
                int nameLength = IntervalName(r, _name);
                _files.Write(_name.AsSpan(0, nameLength), json);
                _files.Write(LatestNameUtf8, json);
                Rotate(_name.AsSpan(0, nameLength));
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

    private static ReadOnlySpan<byte> LatestNameUtf8 => "latest.json"u8;

    /// <summary>"interval-yyyyMMddTHHmmss.fffZ-SEQUENCE.json": names sort by time.</summary>
    private static int IntervalName(IntervalReport r, Span<byte> name)
    {
        "interval-"u8.CopyTo(name);
        int at = 9;
        r.WrittenAt.TryFormat(name[at..], out int n, "yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        at += n;
        name[at++] = (byte)'-';
        r.Sequence.TryFormat(name[at..], out n, default, CultureInfo.InvariantCulture);
        at += n;
        ".json"u8.CopyTo(name[at..]);
        return at + 5;
    }

    /// <summary>The next report's figures: the run so far and the interval since the last one, in the reporter's one report object (overwritten by the next).</summary>
    public IntervalReport Take(string reason)
    {
        long now = MonotonicClock.NowNs();
        long frames = _telemetry.Frames, misses = _telemetry.DeadlineMisses, dropped = _telemetry.DroppedFrames, faults = _telemetry.SourceFaultFrames;
        _telemetry.EndToEnd.CopyTo(_run);
        _run.Minus(_before, _interval);
        IntervalReport r = _report;
        r.Reason = reason;
        r.Sequence = Interlocked.Increment(ref _sequence);
        r.WrittenAt = DateTime.UtcNow;
        r.UptimeS = Math.Round((now - _startNs) / 1e9, 3);
        IntervalFigures i = r.Interval;
        i.Seconds = Math.Round((now - _lastNs) / 1e9, 3);
        i.Frames = frames - _framesBefore;
        i.DeadlineMisses = misses - _missesBefore;
        i.DroppedFrames = dropped - _droppedBefore;
        i.SourceFaultFrames = faults - _faultsBefore;
        Percentiles.FillFromHistogram(_interval, i.EndToEnd);
        IntervalFigures run = r.Run;
        run.Seconds = Math.Round((now - _startNs) / 1e9, 3);
        run.Frames = frames;
        run.DeadlineMisses = misses;
        run.DroppedFrames = dropped;
        run.SourceFaultFrames = faults;
        Percentiles.FillFromHistogram(_run, run.EndToEnd);
        for (int s = 0; s < ProfileLoader.StageNames.Length; s++)
        {
            _telemetry.StageLatency(s).CopyTo(_stage);
            Percentiles.FillFromHistogram(_stage, run.Stages![ProfileLoader.StageNames[s]]);
        }
        r.Resources = null;
        if (Resources is { } res)
        {
            long samples = res.Sequence;
            if (res.SummarizeInto(_samplesBefore, samples, _resources)) r.Resources = _resources;
            _samplesBefore = samples;
        }
        _before.CopyFrom(_run);
        (_framesBefore, _missesBefore, _droppedBefore, _faultsBefore, _lastNs) = (frames, misses, dropped, faults, now);
        return r;
    }

    /// <summary>The journal's line: the interval's and the run's frames, misses and end-to-end p50/p99/max.</summary>
    public static string Line(IntervalReport r)
    {
        var buffer = new char[1024];
        return new string(buffer, 0, FormatLine(r, buffer));
    }

    /// <summary><see cref="Line"/> into <paramref name="dest"/> (1,024 characters hold any line), allocating nothing; returns its length.</summary>
    public static int FormatLine(IntervalReport r, Span<char> dest)
    {
        ArgumentNullException.ThrowIfNull(r);
        // Explicit TryFormat calls rather than an interpolated TryWrite: the handler boxes its
        // numbers until the JIT has optimised it, so the first reports of a run would allocate.
        IntervalFigures i = r.Interval, run = r.Run;
        int at = 0;
        SpanText.Put(dest, ref at, r.Tool); SpanText.Put(dest, ref at, ": ");
        if (r.Loop is not null) { SpanText.Put(dest, ref at, "loop '"); SpanText.Put(dest, ref at, r.Loop); SpanText.Put(dest, ref at, "' "); }
        SpanText.Put(dest, ref at, r.Reason); SpanText.Put(dest, ref at, " #"); SpanText.Put(dest, ref at, r.Sequence);
        SpanText.Put(dest, ref at, ": last ");
        Span(dest, ref at, i);
        SpanText.Put(dest, ref at, "; run ");
        Span(dest, ref at, run);
        SpanText.Put(dest, ref at, " (histogram, ±"); SpanText.Put(dest, ref at, r.RelativeError * 100, "0.##"); SpanText.Put(dest, ref at, " %)");
        if (r.Resources is { } m)
        {
            SpanText.Put(dest, ref at, "; process "); SpanText.Put(dest, ref at, m.ProcessCpuMean, "0.00"); SpanText.Put(dest, ref at, " cores, RSS "); SpanText.Put(dest, ref at, m.RssMaxMb, "0.#"); SpanText.Put(dest, ref at, " MB");
            // The machine's part: the pressures, frequency and temperature this machine has.
            if (m.CpuPressureMax is double cpu)
            {
                SpanText.Put(dest, ref at, ", pressure cpu/mem/io "); SpanText.Put(dest, ref at, cpu, "0.00");
                SpanText.Put(dest, ref at, "/"); SpanText.Put(dest, ref at, m.MemoryPressureMax ?? 0, "0.00");
                SpanText.Put(dest, ref at, "/"); SpanText.Put(dest, ref at, m.IoPressureMax ?? 0, "0.00");
            }
            if (m.FrequencyRatioMin is double f) { SpanText.Put(dest, ref at, ", core at ≥"); SpanText.Put(dest, ref at, f * 100, "0"); SpanText.Put(dest, ref at, " % of max"); }
            if (m.TemperatureMaxC is double t) { SpanText.Put(dest, ref at, ", ≤"); SpanText.Put(dest, ref at, t, "0.#"); SpanText.Put(dest, ref at, " °C"); }
        }
        return at;
    }

    /// <summary>"S s: N frames, M misses, e2e p50/p99/max A/B/C ms".</summary>
    private static void Span(Span<char> dest, ref int at, IntervalFigures f)
    {
        SpanText.Put(dest, ref at, f.Seconds, "0.#"); SpanText.Put(dest, ref at, " s: "); SpanText.Put(dest, ref at, f.Frames); SpanText.Put(dest, ref at, " frames, ");
        SpanText.Put(dest, ref at, f.DeadlineMisses); SpanText.Put(dest, ref at, " misses, e2e p50/p99/max ");
        SpanText.Put(dest, ref at, f.EndToEnd.P50Us / 1000, "0.000"); SpanText.Put(dest, ref at, "/");
        SpanText.Put(dest, ref at, f.EndToEnd.P99Us / 1000, "0.000"); SpanText.Put(dest, ref at, "/");
        SpanText.Put(dest, ref at, f.EndToEnd.MaxUs / 1000, "0.000"); SpanText.Put(dest, ref at, " ms");
    }

    /// <summary>Lists the interval reports already in the folder (earlier runs' too), oldest first, into the ring; those beyond the number kept go now.</summary>
    private void ListKept()
    {
        var files = Directory.GetFiles(_stateDir!, "interval-*.json");
        Array.Sort(files, StringComparer.Ordinal);
        _kept = new byte[_keep + 1][];
        _keptLength = new int[_keep + 1];
        for (int k = 0; k < _kept.Length; k++) _kept[k] = new byte[_name.Length];
        foreach (string file in files)
        {
            byte[] name = System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file));
            if (name.Length <= _name.Length) Rotate(name);
        }
    }

    /// <summary>Adds <paramref name="name"/>, just written, to the ring and deletes the oldest beyond the number kept.</summary>
    private void Rotate(ReadOnlySpan<byte> name)
    {
        int slot = (_keptFirst + _keptCount) % _kept!.Length;
        name.CopyTo(_kept[slot]);
        _keptLength![slot] = name.Length;
        _keptCount++;
        while (_keptCount > _keep)
        {
            // Gone already, or not allowed: nothing to do, the ring forgets it.
            _files!.Delete(_kept[_keptFirst].AsSpan(0, _keptLength[_keptFirst]));
            _keptFirst = (_keptFirst + 1) % _kept.Length;
            _keptCount--;
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
