using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// A node that brings data in: runs first in each frame, says whether it got something new, and
/// stamps when the sensor latched it. The loop treats a failed, stale or (for an image) flat
/// capture as a source fault for the watchdog.
/// </summary>
public abstract class SourceNode : Node
{
    /// <summary>A source named <paramref name="name"/>.</summary>
    protected SourceNode(string name) : base(name, NodeRole.Source, Stage.Capture)
    {
    }

    /// <summary>What the last capture produced.</summary>
    public CaptureStatus Status { get; private set; }

    /// <summary>When the sensor latched the newest data (monotonic ns); must increase with each new capture.</summary>
    public long CaptureNs { get; protected set; }

    /// <summary>Captures into the outputs (calls <see cref="Capture"/>).</summary>
    public sealed override void Process() => Status = Capture();

    /// <summary>Fills the outputs with the newest data and sets <see cref="CaptureNs"/>. Must not allocate.</summary>
    protected abstract CaptureStatus Capture();
}
