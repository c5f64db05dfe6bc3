namespace Realtime.Core.Graph;

/// <summary>
/// What one output port owns and its downstream inputs read: allocated once when the node is
/// created (sized from its configuration), then written in place every frame, so a frame moves
/// no data it does not have to and allocates nothing.
/// </summary>
public abstract class Payload
{
    /// <summary>A payload of the given (concrete) type.</summary>
    protected Payload(PayloadType type) => Type = type;

    /// <summary>What this payload carries, checked against each input it is connected to.</summary>
    public PayloadType Type { get; }

    /// <summary>When the data it derives from was captured (monotonic ns); a source sets it, a transform may pass it on.</summary>
    public long CaptureNs { get; set; }
}
