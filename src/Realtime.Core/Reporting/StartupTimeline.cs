using System;
using System.Collections.Generic;
using Realtime.Core.Timing;

namespace Realtime.Core.Reporting;

/// <summary>
/// Start-up milestones in the order they were reached, each stamped on the monotonic clock: the
/// report's <c>cold_start_ms.timeline</c>, which shows what came before what (outputs safe before
/// the model loads, the watchdog armed before the first frame). Marked from any thread during
/// start-up only, never from the loop (a lock guards the list).
/// </summary>
public sealed class StartupTimeline
{
    /// <summary>Managed Main entered.</summary>
    public const string Main = "main";
    /// <summary>The board profile loaded and checked.</summary>
    public const string ProfileLoaded = "profile_loaded";
    /// <summary>Every output open and driven to its safe value.</summary>
    public const string OutputsSafe = "outputs_safe";
    /// <summary>The watchdog thread started (kicking the hardware watchdog and systemd when there are any).</summary>
    public const string WatchdogArmed = "watchdog_armed";
    /// <summary>ONNX Runtime's start (its library's load, then its environment) began on a thread of its own, once the watchdog ran.</summary>
    public const string OnnxRuntimeStarted = "onnxruntime_started";
    /// <summary>ONNX Runtime's library loaded and its environment created (on its own thread, from process start).</summary>
    public const string OnnxRuntimeReady = "onnxruntime_ready";
    /// <summary>Every source node created (a camera's video or device open), while the models load on threads of their own.</summary>
    public const string SourcesOpen = "sources_open";
    /// <summary>Every model node's session created and bound (each on a thread of its own, beside the sources).</summary>
    public const string ModelLoaded = "model_loaded";
    /// <summary>The whole demo wired: camera, model, controller, outputs, loop.</summary>
    public const string Wired = "wired";
    /// <summary>The first frame's capture began on the pipeline thread.</summary>
    public const string FirstFrame = "first_frame";
    /// <summary>The first command reached the outputs.</summary>
    public const string FirstActuation = "first_actuation";

    private readonly List<(string Phase, long Ns)> _marks = new();
    private readonly object _gate = new();

    /// <summary>Stamps <paramref name="phase"/> now.</summary>
    public void Mark(string phase) => Mark(phase, MonotonicClock.NowNs());

    /// <summary>
    /// Stamps <paramref name="phase"/> at <paramref name="monoNs"/> (a time taken elsewhere). A
    /// milestone is reached once: a phase marked already keeps its first time; 0 or less is not a
    /// time and is ignored.
    /// </summary>
    public void Mark(string phase, long monoNs)
    {
        if (monoNs <= 0) return;
        lock (_gate)
        {
            foreach (var m in _marks)
                if (m.Phase == phase) return;
            _marks.Add((phase, monoNs));
        }
    }

    /// <summary>The monotonic time of <paramref name="phase"/>'s first mark, 0 when it was not reached.</summary>
    public long TimeOf(string phase)
    {
        lock (_gate)
            foreach (var m in _marks)
                if (m.Phase == phase) return m.Ns;
        return 0;
    }

    /// <summary>The marks in time order, ms after <paramref name="processStartNs"/> (an unknown start, 0, gives times from the first mark).</summary>
    public List<StartupMark> ToReport(long processStartNs)
    {
        (string Phase, long Ns)[] marks;
        lock (_gate) marks = _marks.ToArray();
        // Stable by time: marks stamped on other threads land in the order they happened.
        Array.Sort(marks, (a, b) => a.Ns.CompareTo(b.Ns));
        long origin = processStartNs > 0 ? processStartNs : marks.Length > 0 ? marks[0].Ns : 0;
        var list = new List<StartupMark>(marks.Length);
        foreach (var m in marks) list.Add(new StartupMark { Phase = m.Phase, AtMs = Math.Round((m.Ns - origin) / 1e6, 3) });
        return list;
    }

    /// <summary>Milliseconds from <paramref name="processStartNs"/> to <paramref name="phase"/>, 0 when either is unknown.</summary>
    public double MsFromStart(string phase, long processStartNs)
    {
        long t = TimeOf(phase);
        return processStartNs > 0 && t > 0 ? Math.Round((t - processStartNs) / 1e6, 3) : 0;
    }
}
