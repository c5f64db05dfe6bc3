using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Onnx;

namespace Realtime.Demos;

/// <summary>
/// A demo wired from a board profile: its closed loop, its model and its outputs, as the runner
/// (<c>rtapp run</c>) and the bench see every demo. Owns every part; dispose it to release them.
/// </summary>
public interface IDemo : IDisposable
{
    /// <summary>The demo's name, as <c>--demo</c> gives it.</summary>
    string Name { get; }
    /// <summary>The profile it was wired from (its <c>demos</c> entry merged in).</summary>
    BoardProfile Profile { get; }
    /// <summary>The loop.</summary>
    IClosedLoop Loop { get; }
    /// <summary>The bound model: cold-start figures come from it.</summary>
    OnnxInferenceEngine Engine { get; }
    /// <summary>The model file used.</summary>
    string ModelPath { get; }
    /// <summary>The command that puts every output in its safe state.</summary>
    ActuatorCommand SafeCommand { get; }
    /// <summary>Counted frames the demo's own metric leaves out at the start while the loop settles.</summary>
    int SettleFrames { get; }
    /// <summary>
    /// Fills the demo's own figures (tracking error, relay latencies, cross-track error …) from the
    /// records of a run of <see cref="Loop"/> or of a loop built beside it. Off the hot path.
    /// </summary>
    void FillMetrics(DemoMetrics metrics, ReadOnlySpan<FrameRecord> records);
}
