using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IFrameSource"/> as a graph source: it fills a slot of its own size and format.</summary>
internal sealed class FrameSourceNode : SourceNode
{
    private readonly IFrameSource _source;

    public FrameSourceNode(string name, IFrameSource source) : base(name)
    {
        _source = source;
        Image = Output("image", new ImagePayload(source.Width, source.Height, source.Format));
    }

    public OutputPort<ImagePayload> Image { get; }

    protected override CaptureStatus Capture()
    {
        FrameBuffer slot = Image.Payload.Frame;
        CaptureStatus status = _source.Capture(slot);
        CaptureNs = slot.CaptureNs;
        Image.Payload.CaptureNs = slot.CaptureNs;
        return status;
    }
}
