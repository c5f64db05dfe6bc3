using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>
/// A <see cref="FaultPlan"/> attached to a loop (<c>--inject</c>): stalls, kills or garbles the
/// source and slows or crashes stages at the frames it names. Attached only when asked: a loop
/// without it runs no fault code.
/// </summary>
public sealed class FaultInjector(FaultPlan plan) : LoopInstrument
{
    private bool _garbage;

    /// <inheritdoc/>
    public override bool WatchesStages => true;

    /// <inheritdoc/>
    public override CaptureStatus BeforeCapture(int frame)
    {
        InjectedFaultKind? injected = plan.AtSource(frame);
        _garbage = injected == InjectedFaultKind.GarbageSource;
        return injected == InjectedFaultKind.DeadSource ? CaptureStatus.Failed : CaptureStatus.Ok;
    }

    /// <inheritdoc/>
    public override void AfterCapture(int frame, SourceNode source, FrameBuffer? image)
    {
        if (_garbage && image is not null) System.Array.Fill(image.Pixels, (byte)0x10);
    }

    /// <inheritdoc/>
    public override void BeforeStage(Stage stage, int frame) => plan.AtStage(stage, frame);
}
