using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Linux;

namespace Realtime.Hosting.Telemetry;

/// <summary>
/// Live metrics of one <c>rtapp run</c>: the <see cref="MetricsServer"/> on the telemetry thread
/// (pinned to <c>threads.telemetry</c>'s cores at SCHED_OTHER when there are some), serving the
/// loop's <see cref="LoopTelemetry"/>, the build, the models, GC counts and the board's thermal
/// zones. Started before the application is built (a port in use stops the run before any output
/// moves), watching the loop once it exists.
/// </summary>
public sealed class RunMetrics : IDisposable
{
    private MetricsServer _server = null!;
    private readonly PrometheusText _text = new();
    private readonly string _buildLabels;
    // What is watched, replaced whole (never changed in place) when a loop is added: a scrape reads one view.
    private sealed class Watched
    {
        public LoopTelemetry[] Telemetry = Array.Empty<LoopTelemetry>();
        public string[] Labels = Array.Empty<string>();
        public ILoopHeartbeat[] Loops = Array.Empty<ILoopHeartbeat>();
        public string[] Names = Array.Empty<string>();
        public long[] StallNs = Array.Empty<long>();
        public string[] ModelLabels = Array.Empty<string>();
    }
    private volatile Watched _watched = new();
    private static readonly string[] GenerationLabels = { "generation=\"0\"", "generation=\"1\"", "generation=\"2\"" };
    private readonly ThermalZones _thermal = ThermalZones.Open();
    private readonly string[] _thermalLabels;

    private RunMetrics(string buildLabels)
    {
        _buildLabels = buildLabels;
        _thermalLabels = new string[_thermal.Count];
        for (int i = 0; i < _thermal.Count; i++) _thermalLabels[i] = PrometheusText.Labels(("zone", _thermal.Zones[i]), ("type", _thermal.Types[i]));
    }

    /// <summary>The machine's and the process's sampler whose newest sample is served (pressure, frequency, memory, CPU), or null.</summary>
    public ResourceSampler? Resources { get; set; }

    /// <summary>Where it listens.</summary>
    public IPEndPoint Endpoint => _server.Endpoint;
    /// <summary>Scrapes answered so far.</summary>
    public long Scrapes => _server.Scrapes;

    /// <summary>
    /// Listens on <paramref name="listen"/> (HOST:PORT). A listen address that is not one, or a port
    /// that cannot be taken, is a <see cref="UsageException"/> naming <paramref name="field"/>.
    /// </summary>
    public static RunMetrics Start(string listen, string field, string version, string? commit, string board, IReadOnlyList<int> telemetryCores, bool rt)
    {
        IPEndPoint endpoint = MetricsServer.ParseListen(listen, out string? problem) ?? throw new UsageException($"{field}: {problem}");
        string labels = PrometheusText.Labels(("version", version), ("commit", commit ?? "unknown"), ("board", board));
        var metrics = new RunMetrics(labels);
        try
        {
            metrics._server = MetricsServer.Start(endpoint, metrics.Render, metrics.Health, onThreadStart: () => RealtimeScheduling.ApplyHousekeeping(telemetryCores, rt, "telemetry"));
            return metrics;
        }
        catch (InvalidOperationException ex)
        {
            throw new UsageException($"{field}: {ex.Message}");
        }
    }

    /// <summary>
    /// Watches a built application's loop: attaches a <see cref="LoopTelemetry"/> to it (before its first frame).
    /// Several loops of one host are each watched once, under their own <paramref name="loopName"/> (a <c>loop</c>
    /// label beside <c>application</c>); a single loop has none. False when the loop takes no instruments (a
    /// hand-wired demo's). Called on the starting thread while scrapes may run: each call publishes a new view.
    /// </summary>
    public bool Watch(IClosedLoop loop, string application, IEnumerable<string> models, long stallTimeoutNs, LoopTelemetry? attached = null, string? loopName = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        string loopLabels = loopName is null
            ? PrometheusText.Labels(("application", application))
            : PrometheusText.Labels(("loop", loopName), ("application", application));
        var was = _watched;
        // Every label set is made here, once: a scrape only copies them.
        var modelLabels = new List<string>(was.ModelLabels);
        foreach (string m in models) modelLabels.Add(loopLabels + "," + PrometheusText.Labels(("model", Path.GetFileName(m))));
        if (loop is not GraphLoop graphLoop)
        {
            _watched = new Watched { Telemetry = was.Telemetry, Labels = was.Labels, Loops = was.Loops, Names = was.Names, StallNs = was.StallNs, ModelLabels = modelLabels.ToArray() };
            return false;
        }
        // A continuous run has attached its own already: one set of figures for the scrape and the reports.
        var telemetry = attached ?? For(graphLoop);
        if (attached is null) graphLoop.Attach(telemetry);
        _watched = new Watched
        {
            Telemetry = [.. was.Telemetry, telemetry],
            Labels = [.. was.Labels, loopLabels],
            Loops = [.. was.Loops, graphLoop],
            Names = [.. was.Names, loopName ?? application],
            StallNs = [.. was.StallNs, Math.Max(stallTimeoutNs, 1_000_000)],
            ModelLabels = modelLabels.ToArray(),
        };
        return true;
    }

    /// <summary>A new <see cref="LoopTelemetry"/> for <paramref name="loop"/> (not attached).</summary>
    public static LoopTelemetry For(GraphLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return new LoopTelemetry(loop.Options.Scenario == LoopScenario.Periodic ? loop.Options.PeriodNs : 0, loop.Options.DeadlineNs);
    }

    /// <summary>
    /// After the loop has ended: waits until one more scrape has read the final figures, at most
    /// <paramref name="max"/>, or until <paramref name="stopRequested"/> says to go. True when read.
    /// </summary>
    public bool HoldForFinalScrape(TimeSpan max, Func<bool> stopRequested)
    {
        ArgumentNullException.ThrowIfNull(stopRequested);
        long seen = Scrapes;
        long until = Environment.TickCount64 + (long)max.TotalMilliseconds;
        while (Scrapes == seen)
        {
            if (stopRequested() || Environment.TickCount64 >= until) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    private ReadOnlyMemory<char> Render()
    {
        // The telemetry thread only: one request at a time.
        _text.Clear();
        _text.Gauge("rtapp_build_info", "The running rtapp's version and commit, and its board.", 1, _buildLabels);
        var watched = _watched;
        foreach (string m in watched.ModelLabels)
            _text.Gauge("rtapp_model_info", "The model variant each model node runs.", 1, m);
        LoopTelemetry.RenderAll(_text, watched.Telemetry, watched.Labels, watched.Telemetry.Length);
        for (int g = 0; g <= 2; g++)
            _text.Counter("rtapp_gc_collections_total", "Garbage collections of the process, by generation (0 in a healthy loop after warm-up).",
                GC.CollectionCount(g), GenerationLabels[g]);
        Resources?.Render(_text);
        for (int i = 0; i < _thermal.Count; i++)
        {
            double celsius = _thermal.ReadCelsius(i);
            if (!double.IsNaN(celsius)) _text.Gauge("rtapp_temperature_celsius", "Each thermal zone of the board.", celsius, _thermalLabels[i]);
        }
        return _text.Text;
    }

    private readonly char[] _health = new char[256];

    // Written into a buffer kept: a health probe every few seconds for months starts no garbage collection.
    // Healthy while every loop makes progress; the first loop that does not is named.
    private (bool, ReadOnlyMemory<char>) Health()
    {
        var watched = _watched;
        var loops = watched.Loops;
        if (loops.Length == 0) return (false, "starting: the loop is not running yet".AsMemory());
        Span<char> text = _health;
        int at = 0;
        long now = MonotonicClock.NowNs();
        long frames = 0, misses = 0;
        for (int i = 0; i < loops.Length; i++)
        {
            long last = loops[i].LastProgressNs;
            if (last == 0)
            {
                if (loops.Length == 1) return (false, "starting: no frame yet".AsMemory());
                SpanText.Put(text, ref at, "starting: loop '");
                SpanText.Put(text, ref at, watched.Names[i]);
                SpanText.Put(text, ref at, "' has no frame yet");
                return (false, _health.AsMemory(0, at));
            }
            long age = now - last;
            if (age > watched.StallNs[i])
            {
                SpanText.Put(text, ref at, "stalled: ");
                if (loops.Length > 1)
                {
                    SpanText.Put(text, ref at, "loop '");
                    SpanText.Put(text, ref at, watched.Names[i]);
                    SpanText.Put(text, ref at, "': ");
                }
                SpanText.Put(text, ref at, "no progress for ");
                SpanText.Put(text, ref at, age / 1_000_000);
                SpanText.Put(text, ref at, " ms (");
                SpanText.Put(text, ref at, loops[i].FramesRun);
                SpanText.Put(text, ref at, " frames run)");
                return (false, _health.AsMemory(0, at));
            }
            frames += loops[i].FramesRun;
            misses += watched.Telemetry[i].DeadlineMisses;
        }
        SpanText.Put(text, ref at, "running: ");
        if (loops.Length > 1)
        {
            SpanText.Put(text, ref at, loops.Length);
            SpanText.Put(text, ref at, " loops, ");
        }
        SpanText.Put(text, ref at, frames);
        SpanText.Put(text, ref at, " frames, ");
        SpanText.Put(text, ref at, misses);
        SpanText.Put(text, ref at, " deadline misses");
        return (true, _health.AsMemory(0, at));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _server.Dispose();
        _thermal.Dispose();
    }
}
