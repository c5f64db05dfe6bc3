using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;

namespace Realtime.Hosting;

/// <summary>
/// An application wired from a board profile: its closed loop, its models and its outputs, as the
/// host (<c>run</c>) and the bench see every application. Owns every part; dispose it to release them.
/// </summary>
public interface IApplicationInstance : IDisposable
{
    /// <summary>The application's name, as it is registered.</summary>
    string Name { get; }
    /// <summary>The profile it was wired from (its per-application entry merged in).</summary>
    BoardProfile Profile { get; }
    /// <summary>The loop.</summary>
    IClosedLoop Loop { get; }
    /// <summary>The models it runs (any number, none included), each bound: cold-start figures and the run counts come from them.</summary>
    IReadOnlyList<ApplicationModel> Models { get; }
    /// <summary>The command that puts every output in its safe state.</summary>
    ActuatorCommand SafeCommand { get; }
    /// <summary>
    /// Fills the application's own figures (tracking error, relay latencies, cross-track error …)
    /// from the records of a run of <see cref="Loop"/> or of a loop built beside it. Off the hot path.
    /// </summary>
    void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records);
}
