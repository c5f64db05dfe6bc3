namespace Realtime.Onnx.Offload;

/// <summary>How a frame sent to the server ended (<see cref="OffloadClient.Await"/>).</summary>
public enum OffloadOutcome
{
    /// <summary>The reply came in time and fits the model's outputs: its tensors are the frame's.</summary>
    Replied,
    /// <summary>No reply by the time the local model had to start: dropped when it comes; the local result is used.</summary>
    Late,
    /// <summary>No connection, a broken one, an error status or a reply that does not fit the model: counted; the local result is used.</summary>
    Failed,
}
