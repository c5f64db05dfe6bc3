using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Realtime.Core.Recording;

#pragma warning disable CS1591 // the fields are the schemas' own, documented in RecordingSchemas

/// <summary>foxglove.RawImage (time, frame id, size, encoding, row step, pixels as base64), plus the loop's frame and the source's sequence.</summary>
public sealed class RawImageMessage
{
    public FoxgloveTime Timestamp { get; set; } = new();
    public string FrameId { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public string Encoding { get; set; } = "";
    public int Step { get; set; }
    public byte[] Data { get; set; } = [];
    public int Frame { get; set; }
    public long Sequence { get; set; }
    public long CaptureNs { get; set; }
    public string Status { get; set; } = "ok";
}

/// <summary>foxglove's time: seconds and nanoseconds.</summary>
public sealed class FoxgloveTime
{
    public long Sec { get; set; }
    public int Nsec { get; set; }
}

/// <summary>A non-image source's sample (an audio chunk as float32 LE, an IMU sample, a tensor) as the source emitted it.</summary>
public sealed class SourceSampleMessage
{
    public int Frame { get; set; }
    public string Source { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Sequence { get; set; }
    public long CaptureNs { get; set; }
    public string Status { get; set; } = "ok";
    public byte[] Data { get; set; } = [];
}

/// <summary>One frame's stamps (monotonic ns) and what happened.</summary>
public sealed class FrameTimingMessage
{
    public int Frame { get; set; }
    public long TickNs { get; set; }
    public long StartNs { get; set; }
    public long CaptureNs { get; set; }
    public long CaptureEndNs { get; set; }
    public long PreprocessEndNs { get; set; }
    public long InferEndNs { get; set; }
    public long DecodeEndNs { get; set; }
    public long ControlEndNs { get; set; }
    public long ActuateEndNs { get; set; }
    public int DroppedBefore { get; set; }
    public int Flags { get; set; }
    public bool Warmup { get; set; }
    public bool CaptureForcedFailed { get; set; }
}

/// <summary>One model node's outputs for a frame.</summary>
public sealed class ModelOutputsMessage
{
    public int Frame { get; set; }
    public string Node { get; set; } = "";
    public List<TensorMessage> Outputs { get; set; } = new();
}

/// <summary>A tensor: port, element type, shape, bytes.</summary>
public sealed class TensorMessage
{
    public string Port { get; set; } = "";
    public string Element { get; set; } = "";
    public int[] Shape { get; set; } = [];
    public byte[] Data { get; set; } = [];
}

/// <summary>The controllers' commands and what reached the outputs, per sink.</summary>
public sealed class CommandsMessage
{
    public int Frame { get; set; }
    public List<SinkCommandMessage> Sinks { get; set; } = new();
}

/// <summary>A sink's command for the frame and what is on its outputs after it.</summary>
public sealed class SinkCommandMessage
{
    public string Sink { get; set; } = "";
    public float[] Next { get; set; } = [];
    public float[] Applied { get; set; } = [];
}

/// <summary>The watchdog's decision on one frame.</summary>
public sealed class WatchdogDecisionMessage
{
    public int Frame { get; set; }
    public string Action { get; set; } = "";
    public List<string> Faults { get; set; } = new();
    public bool SafeState { get; set; }
}

/// <summary>A miss or a fault (a recording around misses keeps the frames around it).</summary>
public sealed class EventMessage
{
    public int Frame { get; set; }
    public string Kind { get; set; } = "";
    public string Action { get; set; } = "";
    public long EndToEndNs { get; set; }
}

/// <summary>Source-generated JSON for the recording's messages (NativeAOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RawImageMessage))]
[JsonSerializable(typeof(SourceSampleMessage))]
[JsonSerializable(typeof(FrameTimingMessage))]
[JsonSerializable(typeof(ModelOutputsMessage))]
[JsonSerializable(typeof(CommandsMessage))]
[JsonSerializable(typeof(WatchdogDecisionMessage))]
[JsonSerializable(typeof(EventMessage))]
public sealed partial class RecordingJsonContext : JsonSerializerContext
{
}
