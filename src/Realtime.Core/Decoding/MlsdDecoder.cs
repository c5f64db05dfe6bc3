using System;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Decoding;

/// <summary>
/// Decodes M-LSD (keijiro's 320×320 ONNX export) into line segments. The model's graph already
/// ends in M-LSD's own centre post-processing: <c>scores</c> [1,G,G,1] (G = input/2) is the sigmoid
/// of the centre heat map with everything but 3×3 maxima zeroed (Sigmoid → MaxPool → Equal → Mul in
/// the graph), so the scores are probabilities, not logits; a 3×3 local-maximum check here keeps the
/// decoder right should a plateau leave two equal neighbours. <c>offsets</c> [1,G,G,4] holds, per
/// centre cell, the displacement of the segment's start (x, y) and end (x, y) in grid cells. A
/// segment is kept when its centre scores at least the threshold and it is at least the minimum
/// length; the highest-scoring <see cref="LineSegmentArray.Capacity"/> are returned in frame pixels
/// (through the preprocessing's geometry). Nothing is allocated per frame.
/// </summary>
public sealed class MlsdDecoder : IDecoder<LineSegments>
{
    private readonly int _scoresIndex, _offsetsIndex;
    private readonly int _grid;
    private readonly float _cellPx;
    private readonly LetterboxPreprocessor _geometry;

    /// <summary>Plans the decoder.</summary>
    /// <param name="engine">The bound model, to find its outputs by name once.</param>
    /// <param name="geometry">The preprocessing pass, to map tensor pixels back to the frame.</param>
    /// <param name="inputSize">Model input side (320).</param>
    /// <param name="scoreThreshold">Minimum centre score (keijiro's default 0.1; M-LSD's demos use 0.1–0.2).</param>
    /// <param name="minLengthPx">Minimum segment length in model-input pixels.</param>
    public MlsdDecoder(IInferenceEngine engine, LetterboxPreprocessor geometry, int inputSize = 320, float scoreThreshold = 0.1f, float minLengthPx = 16f)
        : this(GridOf(engine, out int scores, out int offsets), geometry, inputSize, scoreThreshold, minLengthPx)
    {
        _scoresIndex = scores;
        _offsetsIndex = offsets;
    }

    /// <summary>
    /// Plans the decoder for output tensors of a <paramref name="grid"/>×<paramref name="grid"/>
    /// cell grid (scores: grid² values, offsets: 4 per cell), decoded with
    /// <see cref="Decode(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, ref LineSegments)"/>:
    /// no engine needed, so a graph node can give it the model's output tensors.
    /// </summary>
    public MlsdDecoder(int grid, LetterboxPreprocessor geometry, int inputSize = 320, float scoreThreshold = 0.1f, float minLengthPx = 16f)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (grid < 1) throw new ArgumentOutOfRangeException(nameof(grid), "the grid has at least one cell");
        if (inputSize % grid != 0) throw new ArgumentException($"input {inputSize} is not a multiple of the {grid}-cell grid");
        _scoresIndex = _offsetsIndex = -1;
        _grid = grid;
        _cellPx = (float)inputSize / _grid;
        _geometry = geometry;
        ScoreThreshold = scoreThreshold;
        MinLengthPx = minLengthPx;
    }

    /// <summary>Cells per side of the grid.</summary>
    public int Grid => _grid;

    private static int GridOf(IInferenceEngine engine, out int scoresIndex, out int offsetsIndex)
    {
        scoresIndex = engine.OutputIndex("scores");
        offsetsIndex = engine.OutputIndex("offsets");
        if (scoresIndex < 0 || offsetsIndex < 0) throw new ArgumentException("the model has no M-LSD outputs 'scores' and 'offsets'");
        int cells = engine.Output(scoresIndex).Length;
        int grid = (int)Math.Round(Math.Sqrt(cells));
        if (grid * grid != cells || engine.Output(offsetsIndex).Length != cells * 4)
            throw new ArgumentException($"M-LSD outputs hold {cells} scores and {engine.Output(offsetsIndex).Length} offsets: not a square grid with 4 offsets per cell");
        return grid;
    }

    /// <summary>Minimum centre score.</summary>
    public float ScoreThreshold { get; }
    /// <summary>Minimum length in model-input pixels.</summary>
    public float MinLengthPx { get; }

    /// <inheritdoc/>
    public void Decode(IInferenceEngine engine, FrameBuffer frame, ref LineSegments result)
    {
        Decode(engine.Output(_scoresIndex), engine.Output(_offsetsIndex), frame.Width, frame.Height, ref result);
    }

    /// <summary>Decodes raw output tensors (the bench and tests call this with their own buffers).</summary>
    public void Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> offsets, int frameWidth, int frameHeight, ref LineSegments result)
    {
        int g = _grid;
        if (scores.Length < g * g || offsets.Length < g * g * 4) ThrowShort(scores.Length, offsets.Length);
        float threshold = ScoreThreshold;
        float minLen2 = MinLengthPx / _cellPx * (MinLengthPx / _cellPx);
        int count = 0, candidates = 0;
        for (int y = 0; y < g; y++)
        {
            int row = y * g;
            for (int x = 0; x < g; x++)
            {
                float s = scores[row + x];
                if (!(s >= threshold)) continue;
                if (!IsLocalMax(scores, x, y, s)) continue;
                candidates++;
                ReadOnlySpan<float> o = offsets.Slice((row + x) * 4, 4);
                float dx = o[2] - o[0], dy = o[3] - o[1];
                if (dx * dx + dy * dy < minLen2) continue;
                // The lowest score in a full set is at the end: insert in score order, dropping the last.
                if (count == LineSegmentArray.Capacity && s <= result.Segments[count - 1].Score) continue;
                int at = count < LineSegmentArray.Capacity ? count++ : count - 1;
                while (at > 0 && result.Segments[at - 1].Score < s)
                {
                    result.Segments[at] = result.Segments[at - 1];
                    at--;
                }
                var (x1, y1) = _geometry.TensorToFrame((x + o[0]) * _cellPx, (y + o[1]) * _cellPx);
                var (x2, y2) = _geometry.TensorToFrame((x + o[2]) * _cellPx, (y + o[3]) * _cellPx);
                result.Segments[at] = new LineSegment { X1 = x1, Y1 = y1, X2 = x2, Y2 = y2, Score = s };
            }
        }
        result.Count = count;
        result.Candidates = candidates;
        result.FrameWidth = frameWidth;
        result.FrameHeight = frameHeight;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ThrowShort(int scores, int offsets) =>
        throw new ArgumentException($"a {_grid}x{_grid} grid needs {_grid * _grid} scores and {_grid * _grid * 4} offsets, got {scores} and {offsets}");

    private bool IsLocalMax(ReadOnlySpan<float> scores, int x, int y, float s)
    {
        int g = _grid;
        int y0 = Math.Max(0, y - 1), y1 = Math.Min(g - 1, y + 1), x0 = Math.Max(0, x - 1), x1 = Math.Min(g - 1, x + 1);
        for (int yy = y0; yy <= y1; yy++)
            for (int xx = x0; xx <= x1; xx++)
            {
                float n = scores[yy * g + xx];
                // Ties go to the first cell in scan order, so a plateau yields one centre.
                if (n > s || (n == s && (yy < y || (yy == y && xx < x)))) return false;
            }
        return true;
    }
}
