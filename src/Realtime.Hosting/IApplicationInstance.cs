using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Onnx;

namespace Realtime.Hosting;

/// <summary>
/// An application wired from a board profile: its closed loop, its model and its outputs, as the
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
    /// <summary>The bound model: cold-start figures and the run count come from it.</summary>
    OnnxInferenceEngine Engine { get; }
    /// <summary>The model file used.</summary>
    string ModelPath { get; }
    /// <summary>The command that puts every output in its safe state.</summary>
    ActuatorCommand SafeCommand { get; }
    /// <summary>Counted frames the application's own metric leaves out at the start while the loop settles.</summary>
    int SettleFrames { get; }
    /// <summary>
    /// Fills the application's own figures (tracking error, relay latencies, cross-track error …)
    /// from the records of a run of <see cref="Loop"/> or of a loop built beside it. Off the hot path.
    /// </summary>
    void FillMetrics(DemoMetrics metrics, ReadOnlySpan<FrameRecord> records);
}
