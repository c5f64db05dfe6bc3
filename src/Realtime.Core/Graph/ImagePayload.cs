using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>A frame in its pixel format: a preallocated, pinned <see cref="FrameBuffer"/>.</summary>
public sealed class ImagePayload : Payload
{
    /// <summary>Allocates the slot.</summary>
    public ImagePayload(int width, int height, PixelFormat format) : this(new FrameBuffer(width, height, format))
    {
    }

    /// <summary>Carries an existing slot (a source that fills its own).</summary>
    public ImagePayload(FrameBuffer frame) : base(PayloadType.Image(frame.Format, frame.Width, frame.Height)) => Frame = frame;

    /// <summary>The frame slot; its <see cref="FrameBuffer.CaptureNs"/> is the sensor's time.</summary>
    public FrameBuffer Frame { get; }

    /// <inheritdoc/>
    public override Payload? NewCopy() => new ImagePayload(Frame.Width, Frame.Height, Frame.Format);

    /// <inheritdoc/>
    protected override void CopyData(Payload target) => Realtime.Core.Pipeline.NewestFrameHandoff.CopyFrame(Frame, ((ImagePayload)target).Frame);
}
