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

    /// <summary>
    /// A new payload of the same type and size, for a pipelined loop's per-slot copies of what
    /// crosses from one thread to another (allocated once, at build); null when this payload cannot
    /// be copied (it then cannot cross a pipeline group boundary).
    /// </summary>
    public virtual Payload? NewCopy() => null;

    /// <summary>Copies this payload's data and capture time into <paramref name="target"/>, one made by <see cref="NewCopy"/>; allocation-free.</summary>
    public void CopyTo(Payload target)
    {
        target.CaptureNs = CaptureNs;
        CopyData(target);
    }

    /// <summary>Copies the data (not the capture time) into a payload made by <see cref="NewCopy"/>.</summary>
    protected virtual void CopyData(Payload target) => throw new System.NotSupportedException($"a {Type} payload cannot be copied");
}
