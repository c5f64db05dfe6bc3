using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Recording;

/// <summary>How a replay times its stages.</summary>
public enum ReplayTiming : byte
{
    /// <summary>Each stage ends when it ended in the recording: the watchdog sees what it saw.</summary>
    Recorded,
    /// <summary>Measured again on this machine.</summary>
    Live,
}

/// <summary>
/// The replay's loop time and frame counter: with recorded timing it is the loop's clock and waiter
/// (a period wait ends when the recorded frame started, each stage ends at its recorded stamp, as
/// <see cref="ManualClock"/> moves only when told); with live timing it only counts frames. Either
/// way it hashes what reached the outputs and notes each frame's decision against the recorded one.
/// </summary>
public sealed class ReplayTimeline : LoopInstrument, IClock, IPeriodicWaiter
{
    private readonly Recording _recording;
    private readonly ReplayTiming _timing;
    private long _now;
    private int _frame;
    private GraphLoop? _loop;
    private ulong _hash = OutputHash.Seed;

    /// <summary>A timeline over <paramref name="recording"/>.</summary>
    public ReplayTimeline(Recording recording, ReplayTiming timing)
    {
        _recording = recording;
        _timing = timing;
        _now = recording.Frames[0].Timing.TickNs;
    }

    /// <summary>The frame the loop is on (what the replayed sources deliver).</summary>
    public int Frame => Volatile.Read(ref _frame);
    /// <summary>The recording.</summary>
    public Recording Recording => _recording;
    /// <summary>How stages are timed.</summary>
    public ReplayTiming Timing => _timing;
    /// <summary>The frames whose decision differs from the recorded one: frame, recorded, replayed.</summary>
    public List<(int Frame, FaultAction Recorded, FaultAction Replayed)> Diverged { get; } = new();
    /// <summary>The hash of what reached the outputs (as <see cref="OutputHash"/>).</summary>
    public string OutputHashText => OutputHash.Format(_hash);

    /// <summary>Follows <paramref name="loop"/> (attach it to that loop too).</summary>
    public void Follow(GraphLoop loop) => _loop = loop;

    /// <inheritdoc/>
    public override bool WatchesStages => _timing == ReplayTiming.Recorded;

    /// <inheritdoc/>
    public long NowNs() => _timing == ReplayTiming.Recorded ? _now : MonotonicClock.NowNs();

    /// <inheritdoc/>
    public void WaitUntil(long wakeNs)
    {
        // The loop woke when it did in the recording (never before the tick it waited for).
        long start = _frame < _recording.Frames.Count ? _recording.Frames[_frame].Timing.StartNs : wakeNs;
        _now = Math.Max(_now, Math.Max(wakeNs, start));
    }

    private FrameTimingMessage Recorded => _recording.Frames[Math.Min(_frame, _recording.Frames.Count - 1)].Timing;

    private void To(long ns) { if (_timing == ReplayTiming.Recorded && ns > _now) _now = ns; }

    /// <inheritdoc/>
    public override CaptureStatus BeforeCapture(int frame)
    {
        To(Recorded.CaptureEndNs);
        return Recorded.CaptureForcedFailed ? CaptureStatus.Failed : CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public override void BeforeStage(Stage stage, int frame)
    {
        FrameTimingMessage t = Recorded;
        switch (stage)
        {
            case Stage.Preprocess: To(t.PreprocessEndNs); break;
            case Stage.Infer: To(t.InferEndNs); break;
            case Stage.Decode: To(t.DecodeEndNs); break;
            case Stage.Control: To(t.ControlEndNs); break;
            case Stage.Actuate: To(t.ActuateEndNs); break;
        }
    }

    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        GraphLoop loop = _loop ?? throw new InvalidOperationException("the timeline follows no loop");
        // A source fault skips the actuate stage: the frame still ends when it ended.
        To(Recorded.ActuateEndNs);
        Span<ActuatorCommand> applied = stackalloc ActuatorCommand[loop.Graph.Sinks.Length];
        for (int i = 0; i < applied.Length; i++) applied[i] = loop.AppliedTo(i);
        _hash = OutputHash.Mix(_hash, frame, loop.LastAction, applied);
        if (frame < _recording.Frames.Count && _recording.Frames[frame].Action != loop.LastAction)
            Diverged.Add((frame, _recording.Frames[frame].Action, loop.LastAction));
        Volatile.Write(ref _frame, frame + 1);
    }
}

/// <summary>
/// <c>rtapp-replay-source</c>: stands in for a recorded source node, with the same output port and
/// payload type, and delivers the recorded input of each frame — bytes, capture stamp (recorded
/// timing) or the clock's (live), sequence, and a failed capture where the recording has one.
/// </summary>
public sealed class ReplaySource : SourceNode
{
    /// <summary>The registry type replay substitutes for each recorded source.</summary>
    public const string TypeName = "rtapp-replay-source";

    private readonly ReplayTimeline _timeline;
    private readonly IClock _clock;
    private readonly OutputPort _port;

    /// <summary>A replayed source <paramref name="name"/> as <paramref name="described"/> in the recording.</summary>
    public ReplaySource(string name, IReadOnlyDictionary<string, string> described, ReplayTimeline timeline, IClock clock) : base(name)
    {
        _timeline = timeline;
        _clock = clock;
        string port = Get(described, "port");
        var c = CultureInfo.InvariantCulture;
        switch (Get(described, "kind"))
        {
            case "image":
                if (!Enum.TryParse(Get(described, "format"), out PixelFormat format)) throw new McapFormatException($"source '{name}': unknown pixel format '{described["format"]}'");
                _port = Output(port, new ImagePayload(int.Parse(Get(described, "width"), c), int.Parse(Get(described, "height"), c), format));
                break;
            case "audio":
                _port = Output(port, new AudioPayload(int.Parse(Get(described, "rate"), c), int.Parse(Get(described, "samples"), c)));
                break;
            case "imu":
                _port = Output(port, new ImuPayload());
                break;
            case "tensor":
                if (!Enum.TryParse(Get(described, "element"), out TensorElement element)) throw new McapFormatException($"source '{name}': unknown tensor element '{described["element"]}'");
                _port = Output(port, new TensorPayload(element, Array.ConvertAll(Get(described, "shape").Split('x'), s => int.Parse(s, c))));
                break;
            default:
                throw new McapFormatException($"source '{name}': kind '{described["kind"]}' cannot be replayed");
        }
    }

    private static string Get(IReadOnlyDictionary<string, string> d, string key) =>
        d.TryGetValue(key, out string? v) ? v : throw new McapFormatException($"a source's description has no '{key}'");

    /// <inheritdoc/>
    protected override CaptureStatus Capture()
    {
        int frame = _timeline.Frame;
        if (frame >= _timeline.Recording.Frames.Count) return CaptureStatus.Ended;
        var (data, captureNs, sequence, status) = _timeline.Recording.Frames[frame].Inputs[Name];
        if (status == "failed") return CaptureStatus.Failed;
        switch (_port.Untyped)
        {
            case ImagePayload img: data.CopyTo(img.Frame.Pixels, 0); img.Frame.Sequence = sequence; break;
            case AudioPayload a: MemoryMarshal.Cast<byte, float>(data).CopyTo(a.Samples); a.Sequence = sequence; break;
            case ImuPayload u: u.Sample = MemoryMarshal.Read<Sensors.ImuSample>(data); break;
            case TensorPayload t: data.CopyTo(t.Bytes); break;
        }
        CaptureNs = _timeline.Timing == ReplayTiming.Recorded ? captureNs : _clock.NowNs();
        _port.Untyped.CaptureNs = CaptureNs;
        if (_port.Untyped is ImagePayload i2) i2.Frame.CaptureNs = CaptureNs;
        return CaptureStatus.Ok;
    }
}
