using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Recording;

/// <summary>One recorded frame: its stamps, the watchdog's decision, what reached the outputs, and each source's input.</summary>
public sealed class RecordedFrame
{
    /// <summary>The stamps.</summary>
    public FrameTimingMessage Timing { get; init; } = new();
    /// <summary>The watchdog's action.</summary>
    public FaultAction Action { get; set; }
    /// <summary>Each sink's applied values, in sink order.</summary>
    public List<float[]> Applied { get; } = new();
    /// <summary>Each source's input by node name: bytes, capture stamp, sequence, status.</summary>
    public Dictionary<string, (byte[] Data, long CaptureNs, long Sequence, string Status)> Inputs { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A flight recording read back for replay: the run's metadata, its sources as they were described,
/// and every frame from 0 without a gap. A file that is not MCAP, is cut short, was written by
/// another tool, or lacks frames is refused with one message (the caller names the file).
/// </summary>
public sealed class Recording
{
    /// <summary>The <c>rtapp.run</c> metadata.</summary>
    public Dictionary<string, string> Run { get; } = new(StringComparer.Ordinal);
    /// <summary>Each source node's description (<c>port=…;kind=…;…</c>), by name.</summary>
    public Dictionary<string, Dictionary<string, string>> Sources { get; } = new(StringComparer.Ordinal);
    /// <summary>The frames, 0 first.</summary>
    public List<RecordedFrame> Frames { get; } = new();
    /// <summary><c>all</c> (a run's every frame: inputs, outputs, decisions) or <c>sources</c> (the inputs alone, <c>rtapp record</c>).</summary>
    public string Mode { get; private set; } = "all";
    /// <summary>The MCAP as read.</summary>
    public McapReader Mcap { get; private set; } = new();

    /// <summary>A metadata value; a missing one is a refusal naming it.</summary>
    public string this[string key] => Run.TryGetValue(key, out string? v) ? v : throw new McapFormatException($"the rtapp.run metadata has no '{key}'");

    /// <summary>The hash of what reached the outputs, from the recorded decisions and applied values (as <see cref="OutputHash"/> mixes them during a run).</summary>
    public string OutputHashOf()
    {
        ulong h = OutputHash.Seed;
        var applied = new ActuatorCommand[8];
        foreach (RecordedFrame f in Frames)
        {
            if (applied.Length < f.Applied.Count) applied = new ActuatorCommand[f.Applied.Count];
            for (int i = 0; i < f.Applied.Count; i++)
            {
                applied[i] = default;
                applied[i].Count = f.Applied[i].Length;
                for (int c = 0; c < f.Applied[i].Length; c++) applied[i].Values[c] = f.Applied[i][c];
            }
            h = OutputHash.Mix(h, f.Timing.Frame, f.Action, applied.AsSpan(0, f.Applied.Count));
        }
        return OutputHash.Format(h);
    }

    /// <summary>Reads a whole recording from <paramref name="bytes"/>.</summary>
    /// <exception cref="McapFormatException">Anything that makes it no replayable rtapp recording.</exception>
    public static Recording Read(byte[] bytes)
    {
        var mcap = McapReader.Read(bytes);
        var r = new Recording { Mcap = mcap };
        if (!mcap.Metadata.TryGetValue(RecordingSchemas.RunMetadata, out var run))
            throw new McapFormatException($"an MCAP file, but no rtapp flight recording (no '{RecordingSchemas.RunMetadata}' metadata: written by another tool)");
        foreach (var (k, v) in run)
        {
            if (k.StartsWith("source.", StringComparison.Ordinal))
            {
                var d = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (string part in v.Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    int eq = part.IndexOf('=');
                    if (eq > 0) d[part[..eq]] = part[(eq + 1)..];
                }
                r.Sources[k["source.".Length..]] = d;
            }
            else r.Run[k] = v;
        }
        r.Mode = r.Run.GetValueOrDefault("recording.mode", "all");
        if (r.Mode != "all" && r.Mode != "sources")
            throw new McapFormatException($"a recording of some frames only ({r.Mode}): replay needs every frame from the first (a recording of every frame)");
        var byFrame = new SortedDictionary<int, RecordedFrame>();
        RecordedFrame At(int frame)
        {
            if (!byFrame.TryGetValue(frame, out var f)) throw new McapFormatException($"frame {frame} has inputs or decisions but no /timing message");
            return f;
        }
        try
        {
            // Timing first: it creates the frames the other topics fill.
            foreach (McapMessage m in mcap.Messages)
                if (m.Topic == RecordingSchemas.TimingTopic)
                {
                    var t = JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.FrameTimingMessage) ?? throw new McapFormatException("an empty /timing message");
                    byFrame[t.Frame] = new RecordedFrame { Timing = t };
                }
            foreach (McapMessage m in mcap.Messages)
            {
                if (m.Topic == RecordingSchemas.WatchdogTopic)
                {
                    var w = JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.WatchdogDecisionMessage)!;
                    At(w.Frame).Action = LoopWatchdog.ParseAction(w.Action) ?? (w.Action == "ignore" ? FaultAction.Ignore
                        : throw new McapFormatException($"frame {w.Frame}: unknown watchdog action '{w.Action}'"));
                }
                else if (m.Topic == RecordingSchemas.CommandsTopic)
                {
                    var c = JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.CommandsMessage)!;
                    foreach (var s in c.Sinks) At(c.Frame).Applied.Add(s.Applied);
                }
                else if (m.Topic.StartsWith(RecordingSchemas.CameraPrefix, StringComparison.Ordinal))
                {
                    var i = JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.RawImageMessage)!;
                    At(i.Frame).Inputs[i.FrameId] = (i.Data, i.CaptureNs, i.Sequence, i.Status);
                }
                else if (m.Topic.StartsWith(RecordingSchemas.SourcePrefix, StringComparison.Ordinal))
                {
                    var s = JsonSerializer.Deserialize(m.Data, RecordingJsonContext.Default.SourceSampleMessage)!;
                    At(s.Frame).Inputs[s.Source] = (s.Data, s.CaptureNs, s.Sequence, s.Status);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new McapFormatException($"a message is not what its schema says: {ex.Message}");
        }
        int expected = 0;
        foreach (var (frame, f) in byFrame)
        {
            if (frame != expected) throw new McapFormatException($"frame {expected} is missing (the recording goes from frame {expected - 1} to {frame}): replay needs every frame");
            foreach (string source in r.Sources.Keys)
                if (!f.Inputs.ContainsKey(source)) throw new McapFormatException($"frame {frame} has no input from source '{source}'");
            r.Frames.Add(f);
            expected++;
        }
        if (r.Frames.Count == 0) throw new McapFormatException("the recording holds no frame");
        return r;
    }

    /// <summary>An integer of the run's metadata.</summary>
    public long Number(string key) => long.TryParse(this[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v
        : throw new McapFormatException($"the rtapp.run metadata's '{key}' is not a number: '{this[key]}'");
}
