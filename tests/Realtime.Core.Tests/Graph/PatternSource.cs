using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A real, small source: a BGR frame whose pixels carry the frame number (so no two frames are
/// flat or alike), stamped by the injected clock. It can be told to fail, repeat its timestamp
/// (stale), go flat or end at given frames. It records the loop ticks it is told (a simulated world follows them).
/// </summary>
internal sealed class PatternSource : SourceNode, ITickListener
{
    private readonly IClock _clock;
    private int _frame;

    public PatternSource(string name, IClock clock, int width = 16, int height = 16, PixelFormat format = PixelFormat.Bgr24) : base(name)
    {
        _clock = clock;
        Image = Output("image", new ImagePayload(width, height, format));
    }

    public OutputPort<ImagePayload> Image { get; }
    public int FailFrom { get; set; } = int.MaxValue;
    public int FailTo { get; set; } = int.MaxValue;
    /// <summary>Fails every Nth frame (at frames N-1, 2N-1 …), 0: never.</summary>
    public int FailEvery { get; set; }
    public int EndAt { get; set; } = int.MaxValue;
    public int StaleAt { get; set; } = -1;
    public int FlatFrom { get; set; } = int.MaxValue;
    /// <summary>From this frame on the picture no longer changes (a still scene; still stamped afresh).</summary>
    public int StillFrom { get; set; } = int.MaxValue;
    public int Captures { get; private set; }
    public bool Started { get; private set; }
    public bool Stopped { get; private set; }
    /// <summary>The first ticks told, and the capture count when each came (the tick comes before its frame's capture).</summary>
    public readonly (long Tick, int CapturesBefore)[] Ticks = new (long, int)[64];
    public int TickCount { get; private set; }

    public void OnTick(long tick)
    {
        if (TickCount < Ticks.Length) Ticks[TickCount] = (tick, Captures);
        TickCount++;
    }

    public override void Start() => Started = true;
    public override void Stop() => Stopped = true;

    protected override CaptureStatus Capture()
    {
        int f = _frame++;
        Captures++;
        if (f >= EndAt) return CaptureStatus.Ended;
        if ((f >= FailFrom && f <= FailTo) || (FailEvery > 0 && f % FailEvery == FailEvery - 1)) return CaptureStatus.Failed;
        FrameBuffer frame = Image.Payload.Frame;
        byte[] px = frame.Pixels;
        for (int i = 0; i < px.Length; i++) px[i] = f >= FlatFrom ? (byte)7 : (byte)(i * 31 + Math.Min(f, StillFrom));
        if (f != StaleAt) CaptureNs = _clock.NowNs();
        frame.CaptureNs = CaptureNs;
        Image.Payload.CaptureNs = CaptureNs;
        return CaptureStatus.Ok;
    }
}
