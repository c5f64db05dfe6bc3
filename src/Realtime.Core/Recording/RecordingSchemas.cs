namespace Realtime.Core.Recording;

/// <summary>The schema names, topics and JSON schemas of a recording (Foxglove reads JSON-schema channels as they are).</summary>
public static class RecordingSchemas
{
    /// <summary>The MCAP profile field of rtapp's recordings.</summary>
    public const string Profile = "rtapp";
    /// <summary>The metadata record that says which run this is (board, application, settings).</summary>
    public const string RunMetadata = "rtapp.run";
    /// <summary>Topics.</summary>
    public const string TimingTopic = "/timing", CommandsTopic = "/commands", WatchdogTopic = "/watchdog", EventsTopic = "/events";
    /// <summary>An image source's topic is this plus the node's name.</summary>
    public const string CameraPrefix = "/camera/";
    /// <summary>Another source's topic is this plus the node's name.</summary>
    public const string SourcePrefix = "/source/";
    /// <summary>A model node's outputs' topic is this plus the node's name.</summary>
    public const string ModelPrefix = "/model/";

    private const string Time = """{"type":"object","properties":{"sec":{"type":"integer"},"nsec":{"type":"integer"}}}""";
    private const string Bytes = """{"type":"string","contentEncoding":"base64"}""";

    /// <summary>foxglove.RawImage.</summary>
    public const string RawImage = """{"title":"foxglove.RawImage","type":"object","properties":{"timestamp":""" + Time + ""","frame_id":{"type":"string"},"width":{"type":"integer"},"height":{"type":"integer"},"encoding":{"type":"string"},"step":{"type":"integer"},"data":""" + Bytes + ""","frame":{"type":"integer"},"sequence":{"type":"integer"},"capture_ns":{"type":"integer"},"status":{"type":"string"}}}""";
    /// <summary>rtapp.SourceSample.</summary>
    public const string SourceSample = """{"title":"rtapp.SourceSample","type":"object","properties":{"frame":{"type":"integer"},"source":{"type":"string"},"kind":{"type":"string"},"sequence":{"type":"integer"},"capture_ns":{"type":"integer"},"status":{"type":"string"},"data":""" + Bytes + """}}""";
    /// <summary>rtapp.FrameTiming.</summary>
    public const string FrameTiming = """{"title":"rtapp.FrameTiming","type":"object","properties":{"frame":{"type":"integer"},"tick_ns":{"type":"integer"},"start_ns":{"type":"integer"},"capture_ns":{"type":"integer"},"capture_end_ns":{"type":"integer"},"preprocess_end_ns":{"type":"integer"},"infer_end_ns":{"type":"integer"},"decode_end_ns":{"type":"integer"},"control_end_ns":{"type":"integer"},"actuate_end_ns":{"type":"integer"},"dropped_before":{"type":"integer"},"flags":{"type":"integer"},"warmup":{"type":"boolean"},"capture_forced_failed":{"type":"boolean"}}}""";
    /// <summary>rtapp.ModelOutputs.</summary>
    public const string ModelOutputs = """{"title":"rtapp.ModelOutputs","type":"object","properties":{"frame":{"type":"integer"},"node":{"type":"string"},"outputs":{"type":"array","items":{"type":"object","properties":{"port":{"type":"string"},"element":{"type":"string"},"shape":{"type":"array","items":{"type":"integer"}},"data":""" + Bytes + """}}}}}""";
    /// <summary>rtapp.Commands.</summary>
    public const string Commands = """{"title":"rtapp.Commands","type":"object","properties":{"frame":{"type":"integer"},"sinks":{"type":"array","items":{"type":"object","properties":{"sink":{"type":"string"},"next":{"type":"array","items":{"type":"number"}},"applied":{"type":"array","items":{"type":"number"}}}}}}}""";
    /// <summary>rtapp.WatchdogDecision.</summary>
    public const string WatchdogDecision = """{"title":"rtapp.WatchdogDecision","type":"object","properties":{"frame":{"type":"integer"},"action":{"type":"string"},"faults":{"type":"array","items":{"type":"string"}},"safe_state":{"type":"boolean"}}}""";
    /// <summary>rtapp.Event.</summary>
    public const string Event = """{"title":"rtapp.Event","type":"object","properties":{"frame":{"type":"integer"},"kind":{"type":"string"},"action":{"type":"string"},"end_to_end_ns":{"type":"integer"}}}""";
}
