using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// Something attached to a loop from outside when asked — a simulated world following loop time,
/// a per-frame metric, the model-alone floor, fault injection — never code of the loop itself.
/// With none attached, the loop runs its plain path, which calls no instrument at all. Every hook
/// runs on the loop's thread and must not allocate.
/// </summary>
public abstract class LoopInstrument
{
    /// <summary>Whether the loop must call <see cref="BeforeCapture"/>, <see cref="AfterCapture"/> and <see cref="BeforeStage"/> (fault injection); off, the loop keeps its plain stage path.</summary>
    public virtual bool WatchesStages => false;

    /// <summary>The loop is about to capture the frame of period tick <paramref name="tick"/> (dropped ticks included).</summary>
    public virtual void OnTick(long tick)
    {
    }

    /// <summary>Before the sources capture frame <paramref name="frame"/>; <see cref="CaptureStatus.Failed"/> makes the frame a source failure without capturing.</summary>
    public virtual CaptureStatus BeforeCapture(int frame) => CaptureStatus.Ok;

    /// <summary>A source captured frame <paramref name="frame"/> into <paramref name="image"/> (null when it has no image output).</summary>
    public virtual void AfterCapture(int frame, SourceNode source, FrameBuffer? image)
    {
    }

    /// <summary>At the start of <paramref name="stage"/> of frame <paramref name="frame"/> (capture: once the frame is in; actuate: after the watchdog decided).</summary>
    public virtual void BeforeStage(Stage stage, int frame)
    {
    }

    /// <summary>Frame <paramref name="frame"/> reached the outputs (or was handled as a source fault); its record is complete but for the floor.</summary>
    public virtual void OnFrameEnd(int frame, ref FrameRecord record)
    {
    }

    /// <summary>
    /// After the frame, before the next period's wait: may run work of its own (the floor) on the
    /// loop's time, waiting with <see cref="GraphLoop.WaitUntilOrStop"/>. False when a stop came
    /// during its wait: the loop then stops at once.
    /// </summary>
    public virtual bool AfterFrame(int frame, ref FrameRecord record) => true;
}
