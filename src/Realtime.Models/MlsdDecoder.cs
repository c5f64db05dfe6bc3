using System;
using Realtime.Core.Decoding;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Models;

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
    {
        _scoresIndex = engine.OutputIndex("scores");
        _offsetsIndex = engine.OutputIndex("offsets");
        if (_scoresIndex < 0 || _offsetsIndex < 0) throw new ArgumentException("the model has no M-LSD outputs 'scores' and 'offsets'");
        int cells = engine.Output(_scoresIndex).Length;
        _grid = (int)Math.Round(Math.Sqrt(cells));
        if (_grid * _grid != cells || engine.Output(_offsetsIndex).Length != cells * 4)
            throw new ArgumentException($"M-LSD outputs hold {cells} scores and {engine.Output(_offsetsIndex).Length} offsets: not a square grid with 4 offsets per cell");
        if (inputSize % _grid != 0) throw new ArgumentException($"input {inputSize} is not a multiple of the {_grid}-cell grid");
        _cellPx = (float)inputSize / _grid;
        _geometry = geometry;
        ScoreThreshold = scoreThreshold;
        MinLengthPx = minLengthPx;
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
