using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Graph;

/// <summary>A real preprocessor: an image of any size, bytes scaled to 0..1 into a float tensor [1, h, w, 3] (nearest-neighbour).</summary>
internal sealed class ImageToTensor : Node
{
    public ImageToTensor(string name, int width, int height, PixelFormat format = PixelFormat.Bgr24) : base(name, NodeRole.Transform, Stage.Preprocess)
    {
        Image = Input<ImagePayload>("image", PayloadType.Image(format));
        Tensor = Output("tensor", new TensorPayload(TensorElement.Float32, 1, height, width, 3));
    }

    public InputPort<ImagePayload> Image { get; }
    public OutputPort<TensorPayload> Tensor { get; }

    public override void Process()
    {
        FrameBuffer f = Image.Payload.Frame;
        var t = Tensor.Payload.Floats;
        var shape = Tensor.Payload.Type.Shape;
        int h = shape[1], w = shape[2];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = (y * f.Height / h) * f.Stride + (x * f.Width / w) * 3;
                for (int c = 0; c < 3; c++) t[(y * w + x) * 3 + c] = f.Pixels[o + c] / 255f;
            }
        Tensor.Payload.CaptureNs = Image.Payload.CaptureNs;
    }
}
