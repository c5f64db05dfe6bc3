namespace Realtime.Core.Graph;

/// <summary>What a node is for in the loop, which also says where the loop stamps its time.</summary>
public enum NodeRole : byte
{
    /// <summary>Brings data in (a camera, a microphone, an IMU): runs first, stamps capture.</summary>
    Source,
    /// <summary>Turns data into data (preprocess, model, decode).</summary>
    Transform,
    /// <summary>Turns an observation into a command for a sink.</summary>
    Controller,
    /// <summary>Drives outputs; written only through the watchdog's door.</summary>
    Sink,
}
