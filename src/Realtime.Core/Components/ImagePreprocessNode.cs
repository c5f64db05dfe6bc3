using System;
using Realtime.Core.Graph;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Components;

/// <summary>
/// <c>image-preprocess</c>: an image to a model's float tensor in the project's fused pass
/// (<see cref="LetterboxPreprocessor"/>: resize by letterbox or stretch, colour to RGB,
/// normalisation to [low, high]). NHWC RGB is written in that one pass; NCHW or BGR take one more
/// pass over a preallocated scratch tensor. The frame's size is learnt at <see cref="Start"/> from
/// the image bound to its input, so the pass is planned once; frames allocate nothing.
/// Config: <c>width</c>, <c>height</c> (the tensor's), <c>resize</c> (letterbox | stretch),
/// <c>layout</c> (nhwc | nchw), <c>channels</c> (rgb | bgr), <c>low</c>, <c>high</c> (what black and white map to),
/// <c>alpha</c> (when given, a fourth channel of that value everywhere, as M-LSD takes: NHWC RGB only).
/// </summary>
public sealed class ImagePreprocessNode : Node
{
    private readonly string _field;
    private readonly int _width, _height;
    private readonly bool _letterbox, _nchw, _bgr;
    private readonly float _low, _high, _alpha;
    private readonly int _channels;
    private LetterboxPreprocessor? _pass;
    private float[]? _scratch;

    /// <summary>The node from its configuration (read through <paramref name="config"/>).</summary>
    public ImagePreprocessNode(string name, NodeConfig config) : base(name, NodeRole.Transform, Stage.Preprocess)
    {
        ArgumentNullException.ThrowIfNull(config);
        _field = config.Field;
        _width = config.Integer("width", 1, 4096);
        _height = config.Integer("height", 1, 4096);
        _letterbox = config.Text("resize", "letterbox", "letterbox", "stretch") == "letterbox";
        _nchw = config.Text("layout", "nhwc", "nhwc", "nchw") == "nchw";
        _bgr = config.Text("channels", "rgb", "rgb", "bgr") == "bgr";
        _low = (float)config.Number("low", -1e6, 1e6, 0);
        _high = (float)config.Number("high", -1e6, 1e6, 1);
        if (_low == _high) config.Problem("high", "must differ from low (every pixel would map to one value)");
        _channels = 3;
        if (config.Has("alpha"))
        {
            _alpha = (float)config.Number("alpha", -1e6, 1e6);
            _channels = 4;
            if (_nchw || _bgr) config.Problem("alpha", "a fourth (alpha) channel is written in NHWC RGB order only");
        }
        Image = Input<ImagePayload>("image", PayloadType.Image());
        Tensor = Output("tensor", _nchw ? new TensorPayload(TensorElement.Float32, 1, _channels, _height, _width) : new TensorPayload(TensorElement.Float32, 1, _height, _width, _channels));
    }

    /// <summary>The frame.</summary>
    public InputPort<ImagePayload> Image { get; }
    /// <summary>The model's input tensor.</summary>
    public OutputPort<TensorPayload> Tensor { get; }
    /// <summary>The planned pass (after <see cref="Start"/>): maps tensor points back to the frame.</summary>
    public LetterboxPreprocessor? Pass => _pass;

    /// <inheritdoc/>
    public override void Start()
    {
        FrameBuffer frame = Image.Payload.Frame;
        if (frame.Format is not (PixelFormat.Bgr24 or PixelFormat.Yuyv or PixelFormat.Nv12 or PixelFormat.Grey8))
            throw new ArgumentException($"{_field}: node '{Name}' reads BGR24, YUYV, NV12 or GREY images, its input is {frame.Format}");
        _pass = new LetterboxPreprocessor(frame.Width, frame.Height, _width, _height, _low, _high, channels: _channels, alpha: _alpha, keepAspect: _letterbox);
        if ((_nchw || _bgr) && _channels == 3) _scratch = new float[_width * _height * 3];
    }

    /// <inheritdoc/>
    public override void Process()
    {
        FrameBuffer frame = Image.Payload.Frame;
        Span<float> tensor = Tensor.Payload.Floats;
        if (_scratch is null)
        {
            _pass!.Process(frame, tensor);
        }
        else
        {
            _pass!.Process(frame, _scratch);
            Reorder(_scratch, tensor, _width * _height, _nchw, _bgr);
        }
        Tensor.Payload.CaptureNs = Image.Payload.CaptureNs;
    }

    /// <summary>NHWC RGB in <paramref name="rgb"/> to the asked layout and channel order.</summary>
    private static void Reorder(ReadOnlySpan<float> rgb, Span<float> dst, int pixels, bool nchw, bool bgr)
    {
        int c0 = bgr ? 2 : 0, c2 = bgr ? 0 : 2;
        if (nchw)
        {
            Span<float> p0 = dst.Slice(0, pixels), p1 = dst.Slice(pixels, pixels), p2 = dst.Slice(2 * pixels, pixels);
            for (int i = 0, s = 0; i < pixels; i++, s += 3)
            {
                p0[i] = rgb[s + c0];
                p1[i] = rgb[s + 1];
                p2[i] = rgb[s + c2];
            }
        }
        else
        {
            for (int s = 0; s < pixels * 3; s += 3)
            {
                dst[s] = rgb[s + c0];
                dst[s + 1] = rgb[s + 1];
                dst[s + 2] = rgb[s + c2];
            }
        }
    }
}
