namespace Realtime.Onnx.Offload;

/// <summary>What a frame does with the server (<see cref="OffloadClient.Decide"/>).</summary>
public enum OffloadChoice
{
    /// <summary>Runs the local model; nothing is sent.</summary>
    Local,
    /// <summary>Sends the frame and waits for the reply, at most until the local model's reserved time.</summary>
    Remote,
    /// <summary>Runs the local model and sends the frame without waiting: the reply only measures the round trip (a path judged too slow is tried again now and then).</summary>
    Probe,
}
