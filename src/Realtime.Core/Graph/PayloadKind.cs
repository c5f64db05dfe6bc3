namespace Realtime.Core.Graph;

/// <summary>What flows on a connection.</summary>
public enum PayloadKind : byte
{
    /// <summary>A frame in its pixel format (<see cref="ImagePayload"/>).</summary>
    Image,
    /// <summary>A tensor of an element type and shape (<see cref="TensorPayload"/>).</summary>
    Tensor,
    /// <summary>A chunk of audio samples (<see cref="AudioPayload"/>).</summary>
    Audio,
    /// <summary>One IMU sample (<see cref="ImuPayload"/>).</summary>
    Imu,
    /// <summary>Detections: boxes with scores and classes (<see cref="DetectionsPayload"/>).</summary>
    Detections,
    /// <summary>An actuator command (<see cref="CommandPayload"/>).</summary>
    Command,
    /// <summary>A small struct of the application's own (<see cref="ValuePayload{T}"/>).</summary>
    Value,
}
