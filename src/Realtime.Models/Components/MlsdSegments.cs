using Realtime.Models;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Imaging;

namespace Realtime.Models.Components;

/// <summary>
/// <c>mlsd-segments</c>: M-LSD's outputs (<c>scores</c> float32 [1,G,G,1] and <c>offsets</c>
/// [1,G,G,4], G = input_size / 2) into the best line segments (<see cref="MlsdDecoder"/>'s math),
/// in the pixels of the image the model saw, as a <see cref="ValuePayload{T}"/> of
/// <see cref="LineSegments"/>. Config: <c>input_size</c> (the model's square input; default 320),
/// <c>image_width</c>, <c>image_height</c> (the image preprocessed into it; default the input size),
/// <c>fit</c> (how the preprocessing put it there: <c>stretch</c> or <c>letterbox</c>; default
/// stretch, M-LSD's practice), <c>score_threshold</c> (default 0.1), <c>min_length_px</c> (in model
/// pixels; default 16). Outputs of another grid are refused when the graph is built.
/// </summary>
public sealed class MlsdSegments : Node
{
    private readonly MlsdDecoder _decoder;
    private readonly int _imageW, _imageH;
    private long _frames, _segments;

    /// <summary>A decoder for a model of <paramref name="inputSize"/> fed with <paramref name="imageWidth"/>×<paramref name="imageHeight"/> images.</summary>
    public MlsdSegments(string name, int inputSize, int imageWidth, int imageHeight, bool letterbox, float scoreThreshold, float minLengthPx)
        : base(name, NodeRole.Transform, Realtime.Core.Pipeline.Stage.Decode)
    {
        if (inputSize < 2 || inputSize % 2 != 0) throw new System.ArgumentOutOfRangeException(nameof(inputSize), "an even input size");
        int grid = inputSize / 2;
        var geometry = new LetterboxPreprocessor(imageWidth, imageHeight, inputSize, inputSize, keepAspect: letterbox);
        _decoder = new MlsdDecoder(grid, geometry, inputSize, scoreThreshold, minLengthPx);
        _imageW = imageWidth;
        _imageH = imageHeight;
        Scores = Input<TensorPayload>("scores", PayloadType.Tensor(TensorElement.Float32, 1, grid, grid, 1));
        Offsets = Input<TensorPayload>("offsets", PayloadType.Tensor(TensorElement.Float32, 1, grid, grid, 4));
        Segments = Output("segments", new ValuePayload<LineSegments>());
    }

    /// <summary>The centre scores.</summary>
    public InputPort<TensorPayload> Scores { get; }
    /// <summary>The segments' end offsets.</summary>
    public InputPort<TensorPayload> Offsets { get; }
    /// <summary>The segments, best first.</summary>
    public OutputPort<ValuePayload<LineSegments>> Segments { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int input = config.Integer("input_size", 2, 4096, 320);
        int w = config.Integer("image_width", 1, 16_384, input), h = config.Integer("image_height", 1, 16_384, input);
        string fit = config.Text("fit", "stretch", "stretch", "letterbox");
        float threshold = (float)config.Number("score_threshold", 0, 1, 0.1);
        float minLength = (float)config.Number("min_length_px", 0, 100_000, 16);
        if (input % 2 != 0) config.Problem("input_size", $"must be even (the grid is half the input), got {input}");
        return config.Problems.Count > 0 ? null! : new MlsdSegments(name, input, w, h, fit == "letterbox", threshold, minLength);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        ValuePayload<LineSegments> outp = Segments.Payload;
        _decoder.Decode(Scores.Payload.Floats, Offsets.Payload.Floats, _imageW, _imageH, ref outp.Value);
        outp.CaptureNs = Scores.Payload.CaptureNs;
        _frames++;
        _segments += outp.Value.Count;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("frames", _frames);
        report.Add("mean_segments", _frames > 0 ? (double)_segments / _frames : 0);
    }
}
