using System;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Components;

/// <summary>
/// <c>ssd-decoder</c>: SSD anchor outputs as BlazeFace has them to detections. Each layer is a pair
/// of inputs, <c>scores_i</c> (one logit per anchor) and <c>boxes_i</c> (per anchor: x, y offsets of
/// the centre and width, height in input pixels, then key points), connected to the model's outputs.
/// The anchor layout is derived from the tensors the inputs are bound to, at <see cref="Start"/>:
/// a layer of A anchors on a square input of side S lies on the finest grid ⌈S/s⌉² (stride s a power
/// of two) that divides A, with A/grid² anchors per cell (at most 32), centres at the cells' middles (MediaPipe's
/// SsdAnchorsCalculator with fixed anchor size). A layer whose count fits no grid, or whose boxes do
/// not hold four numbers per anchor, is refused there, naming the field. Scores are sigmoids of the
/// logits clipped at ±100; candidates above <c>score_threshold</c> are merged by weighted
/// non-maximum suppression (<see cref="WeightedNms.Suppress"/>). Detections are in the
/// model input's normalised coordinates (0..1), or, given <c>image_width</c> and <c>image_height</c>
/// (the image the preprocessing read) and <c>fit</c> (how it put it in the input: <c>letterbox</c>,
/// the default, or <c>stretch</c>), mapped back through that geometry into the image's normalised
/// coordinates (0..1 of its width and height). Config: <c>input_size</c>, <c>layers</c> (1–6,
/// default 2), <c>score_threshold</c>, <c>iou_threshold</c>, <c>max_detections</c>,
/// <c>image_width</c>, <c>image_height</c>, <c>fit</c>.
/// </summary>
public sealed class SsdAnchorDecoderNode : Node
{
    private readonly string _field;
    private readonly int _inputSize;
    private readonly float _scoreThreshold, _iouThreshold;
    private readonly InputPort<TensorPayload>[] _scores;
    private readonly InputPort<TensorPayload>[] _boxes;
    private readonly int[] _anchorsPerLayer;
    private readonly int[] _boxStride;
    private float[] _anchorX = Array.Empty<float>();
    private float[] _anchorY = Array.Empty<float>();
    private FaceBox[] _candidates = Array.Empty<FaceBox>();
    private bool[] _used = Array.Empty<bool>();
    private readonly FaceBox[] _kept;
    private long _framesWithDetections;
    // Set when boxes are mapped back to the image the preprocessing read (config image_width/height).
    private readonly LetterboxPreprocessor? _geometry;
    private readonly float _imageWidth, _imageHeight;

    /// <summary>Candidates below this score are dropped (<c>score_threshold</c>).</summary>
    public float ScoreThreshold => _scoreThreshold;

    /// <summary>The node from its configuration.</summary>
    public SsdAnchorDecoderNode(string name, NodeConfig config) : base(name, NodeRole.Transform, Stage.Decode)
    {
        ArgumentNullException.ThrowIfNull(config);
        _field = config.Field;
        _inputSize = config.Integer("input_size", 8, 4096);
        int layers = config.Integer("layers", 1, 6, 2);
        _scoreThreshold = (float)config.Number("score_threshold", 0.001, 0.99999, 0.5);
        _iouThreshold = (float)config.Number("iou_threshold", 0, 1, 0.3);
        int max = config.Integer("max_detections", 1, 256, 8);
        if (config.Has("image_width") || config.Has("image_height") || config.Has("fit"))
        {
            int w = config.Integer("image_width", 1, 16_384), h = config.Integer("image_height", 1, 16_384);
            bool letterbox = config.Text("fit", "letterbox", "letterbox", "stretch") == "letterbox";
            if (config.Problems.Count == 0)
            {
                // The same geometry the preprocessing planned, so a point maps back exactly as it went in.
                _geometry = new LetterboxPreprocessor(w, h, _inputSize, _inputSize, keepAspect: letterbox);
                _imageWidth = w;
                _imageHeight = h;
            }
        }
        _scores = new InputPort<TensorPayload>[layers];
        _boxes = new InputPort<TensorPayload>[layers];
        for (int i = 0; i < layers; i++)
        {
            _scores[i] = Input<TensorPayload>($"scores_{i}", PayloadType.Tensor(TensorElement.Float32, null));
            _boxes[i] = Input<TensorPayload>($"boxes_{i}", PayloadType.Tensor(TensorElement.Float32, null));
        }
        _anchorsPerLayer = new int[layers];
        _boxStride = new int[layers];
        _kept = new FaceBox[max];
        Detections = Output("detections", new DetectionsPayload(max));
    }

    /// <summary>This frame's detections, best first.</summary>
    public OutputPort<DetectionsPayload> Detections { get; }
    /// <summary>Anchors over all layers (after <see cref="Start"/>).</summary>
    public int AnchorCount => _anchorX.Length;

    /// <inheritdoc/>
    public override void Start()
    {
        int total = 0;
        var strides = new int[_scores.Length];
        var perCell = new int[_scores.Length];
        for (int i = 0; i < _scores.Length; i++)
        {
            int anchors = TensorPayload.Elements(_scores[i].Payload.Type.Shape);
            int boxes = TensorPayload.Elements(_boxes[i].Payload.Type.Shape);
            if (anchors == 0 || boxes % anchors != 0 || boxes / anchors < 4)
                throw new ArgumentException($"{_field}: decoder '{Name}' cannot read layer {i}: scores_{i} ({_scores[i].Source}: {_scores[i].Payload.Type}) has {anchors} anchor(s), " +
                    $"boxes_{i} ({_boxes[i].Source}: {_boxes[i].Payload.Type}) {boxes} number(s): the boxes must hold at least 4 numbers per anchor (the model's outputs do not fit this decoder)");
            (strides[i], perCell[i]) = Layout(anchors, _inputSize);
            if (strides[i] == 0)
                throw new ArgumentException($"{_field}: decoder '{Name}': scores_{i} ({_scores[i].Source}) has {anchors} anchor(s), which fit no SSD grid of a {_inputSize}-pixel input " +
                    "(a layer holds ⌈input/stride⌉² cells × anchors per cell; check input_size and which outputs are connected: the model's outputs do not fit this decoder)");
            _anchorsPerLayer[i] = anchors;
            _boxStride[i] = boxes / anchors;
            total += anchors;
        }
        _anchorX = new float[total];
        _anchorY = new float[total];
        int k = 0;
        for (int i = 0; i < _scores.Length; i++)
        {
            int grid = (_inputSize + strides[i] - 1) / strides[i];
            for (int y = 0; y < grid; y++)
                for (int x = 0; x < grid; x++)
                    for (int a = 0; a < perCell[i]; a++, k++)
                    {
                        _anchorX[k] = (x + 0.5f) / grid;
                        _anchorY[k] = (y + 0.5f) / grid;
                    }
        }
        _candidates = new FaceBox[total];
        _used = new bool[total];
    }

    /// <summary>Anchors per cell beyond which a count is not taken for an SSD layer (SSD heads use a handful; 2 and 6 in BlazeFace).</summary>
    public const int MaxAnchorsPerCell = 32;

    /// <summary>
    /// The finest stride (a power of two) whose square grid divides <paramref name="anchors"/> with at
    /// most <see cref="MaxAnchorsPerCell"/> per cell, and the anchors per cell; (0, 0) when none does.
    /// </summary>
    public static (int Stride, int PerCell) Layout(int anchors, int inputSize)
    {
        for (int stride = 2; stride <= 512 && stride <= inputSize; stride *= 2)
        {
            int grid = (inputSize + stride - 1) / stride;
            long cells = (long)grid * grid;
            if (cells <= anchors && anchors % cells == 0 && anchors / cells <= MaxAnchorsPerCell) return (stride, (int)(anchors / cells));
        }
        return (0, 0);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        int n = 0, anchor = 0;
        float logitThreshold = MathF.Log(_scoreThreshold / (1 - _scoreThreshold));
        float inv = 1f / _inputSize;
        for (int layer = 0; layer < _scores.Length; layer++)
        {
            ReadOnlySpan<float> scores = _scores[layer].Payload.Floats;
            ReadOnlySpan<float> boxes = _boxes[layer].Payload.Floats;
            int count = _anchorsPerLayer[layer], stride = _boxStride[layer];
            for (int i = 0; i < count; i++, anchor++)
            {
                float logit = Math.Clamp(scores[i], -100f, 100f);
                if (logit < logitThreshold) continue;
                ReadOnlySpan<float> b = boxes.Slice(i * stride, 4);
                ref FaceBox c = ref _candidates[n++];
                if (_geometry is null)
                {
                    c.CenterX = b[0] * inv + _anchorX[anchor];
                    c.CenterY = b[1] * inv + _anchorY[anchor];
                    c.Width = b[2] * inv;
                    c.Height = b[3] * inv;
                }
                else
                {
                    // Offsets are in input pixels around the anchor: map centre and corner back to image pixels.
                    float cx = b[0] + _anchorX[anchor] * _inputSize, cy = b[1] + _anchorY[anchor] * _inputSize;
                    var (fx, fy) = _geometry.TensorToFrame(cx, cy);
                    var (fx1, fy1) = _geometry.TensorToFrame(cx + b[2], cy + b[3]);
                    c.CenterX = fx;
                    c.CenterY = fy;
                    c.Width = fx1 - fx;
                    c.Height = fy1 - fy;
                }
                c.Score = 1f / (1f + MathF.Exp(-logit));
            }
        }
        int kept = WeightedNms.Suppress(_candidates, n, _used, _kept, _iouThreshold);
        DetectionsPayload d = Detections.Payload;
        for (int i = 0; i < kept; i++)
        {
            ref readonly FaceBox f = ref _kept[i];
            d.Items[i] = _geometry is null
                ? new Detection { CenterX = f.CenterX, CenterY = f.CenterY, Width = f.Width, Height = f.Height, Score = f.Score, Class = 0 }
                : new Detection { CenterX = f.CenterX / _imageWidth, CenterY = f.CenterY / _imageHeight, Width = f.Width / _imageWidth, Height = f.Height / _imageHeight, Score = f.Score, Class = 0 };
        }
        d.Count = kept;
        d.CaptureNs = _scores[0].Payload.CaptureNs;
        if (kept > 0) _framesWithDetections++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("anchors", _anchorX.Length);
        report.Add("frames_with_detections", _framesWithDetections);
    }
}
