using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A real transform: the mean of an image's first channel, 0..1, into a value payload. A stage
/// "cost" can be set per frame: it advances the manual clock, as real work would take time.
/// </summary>
internal sealed class MeanTransform : Node
{
    private readonly ManualClock? _clock;
    private int _frame;

    public MeanTransform(string name, ManualClock? clock = null, Stage stage = Stage.Preprocess, PixelFormat? format = PixelFormat.Bgr24) : base(name, NodeRole.Transform, stage)
    {
        _clock = clock;
        Image = Input<ImagePayload>("image", PayloadType.Image(format));
        Mean = Output("mean", new ValuePayload<float>());
    }

    public InputPort<ImagePayload> Image { get; }
    public OutputPort<ValuePayload<float>> Mean { get; }
    /// <summary>Nanoseconds frame N "takes" (0 by default).</summary>
    public System.Func<int, long>? CostNs { get; set; }
    public int Processed { get; private set; }

    public override void Process()
    {
        int f = _frame++;
        if (CostNs is not null && _clock is not null) _clock.Advance(CostNs(f));
        FrameBuffer frame = Image.Payload.Frame;
        long sum = 0;
        int bpp = FrameBuffer.BytesPerPixel(frame.Format);
        for (int i = 0; i < frame.Pixels.Length; i += bpp) sum += frame.Pixels[i];
        Mean.Payload.Value = sum / (255f * (frame.Pixels.Length / bpp));
        Processed++;
    }
}
