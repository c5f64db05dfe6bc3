using System;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Decoding;

/// <summary>
/// Decodes BlazeFace (front, 128×128) outputs: MediaPipe's SSD anchors (16×16×2 at stride 8 and
/// 8×8×6 at stride 16, fixed size, offset 0.5), box offsets scaled by the input size, sigmoid
/// scores clipped at ±100, a score threshold, then weighted non-maximum suppression (MediaPipe's
/// "WEIGHTED" overlap mode). Candidate arrays are sized once from the anchor count.
/// </summary>
public sealed class BlazeFaceDecoder : IDecoder<FaceDetection>
{
    private readonly int _inputSize;
    private readonly float[] _anchorX;
    private readonly float[] _anchorY;
    private readonly LetterboxPreprocessor _geometry;
    private readonly int[] _scoreOutputs = new int[2];
    private readonly int[] _boxOutputs = new int[2];
    private readonly int[] _layerCounts = new int[2];
    private readonly FaceBox[] _candidates;
    private readonly bool[] _used;
    private readonly FaceBox[] _kept;

    /// <summary>Plans the decoder.</summary>
    /// <param name="engine">The bound model, to find its outputs by name once.</param>
    /// <param name="geometry">The preprocessing pass, to map tensor coordinates back to the frame.</param>
    /// <param name="inputSize">Model input side (128).</param>
    /// <param name="scoreThreshold">Minimum sigmoid score of a candidate.</param>
    /// <param name="iouThreshold">Overlap above which candidates merge.</param>
    /// <param name="maxFaces">Faces kept after suppression.</param>
    /// <param name="firstStride">Stride of the first anchor layer: 8 for the front model (128), 16 for the back model (256, strides 16,32,32,32).</param>
    public BlazeFaceDecoder(IInferenceEngine engine, LetterboxPreprocessor geometry, int inputSize = 128,
        float scoreThreshold = 0.5f, float iouThreshold = 0.3f, int maxFaces = 8, int firstStride = 8)
    {
        _inputSize = inputSize;
        _geometry = geometry;
        ScoreThreshold = scoreThreshold;
        IouThreshold = iouThreshold;
        string[] scores = { "Identity:0", "Identity_1:0" };
        string[] boxes = { "Identity_2:0", "Identity_3:0" };
        for (int i = 0; i < 2; i++)
        {
            _scoreOutputs[i] = engine.OutputIndex(scores[i]);
            _boxOutputs[i] = engine.OutputIndex(boxes[i]);
            if (_scoreOutputs[i] < 0 || _boxOutputs[i] < 0)
                throw new ArgumentException($"the model has no BlazeFace output '{scores[i]}'/'{boxes[i]}'");
        }
        (_anchorX, _anchorY) = Anchors(inputSize, firstStride);
        _layerCounts[0] = engine.Output(_scoreOutputs[0]).Length;
        _layerCounts[1] = engine.Output(_scoreOutputs[1]).Length;
        if (_layerCounts[0] + _layerCounts[1] != _anchorX.Length)
            throw new ArgumentException($"BlazeFace outputs hold {_layerCounts[0] + _layerCounts[1]} scores, the anchors {_anchorX.Length}");
        _candidates = new FaceBox[_anchorX.Length];
        _used = new bool[_anchorX.Length];
        _kept = new FaceBox[maxFaces];
    }

    /// <summary>Minimum candidate score.</summary>
    public float ScoreThreshold { get; }
    /// <summary>Suppression overlap.</summary>
    public float IouThreshold { get; }
    /// <summary>Faces of the last frame, best first.</summary>
    public ReadOnlySpan<FaceBox> Faces => _kept.AsSpan(0, _keptCount);
    private int _keptCount;

    /// <summary>Anchor centres for BlazeFace (MediaPipe SsdAnchorsCalculator, fixed_anchor_size).</summary>
    /// <param name="inputSize">Model input side.</param>
    /// <param name="firstStride">Stride of the first layer: 8 for the front model, 16 for the back model.</param>
    public static (float[] X, float[] Y) Anchors(int inputSize, int firstStride = 8)
    {
        // Layer strides s,2s,2s,2s (s = 8 front, 16 back) with 2 anchors each; the three 2s layers share one grid.
        if (firstStride < 1) throw new ArgumentOutOfRangeException(nameof(firstStride));
        int g8 = (int)Math.Ceiling(inputSize / (double)firstStride), g16 = (int)Math.Ceiling(inputSize / (2.0 * firstStride));
        int n = g8 * g8 * 2 + g16 * g16 * 6;
        var xs = new float[n];
        var ys = new float[n];
        int k = 0;
        Fill(g8, 2);
        Fill(g16, 6);
        return (xs, ys);

        void Fill(int grid, int perCell)
        {
            for (int y = 0; y < grid; y++)
                for (int x = 0; x < grid; x++)
                    for (int a = 0; a < perCell; a++)
                    {
                        xs[k] = (x + 0.5f) / grid;
                        ys[k] = (y + 0.5f) / grid;
                        k++;
                    }
        }
    }

    /// <inheritdoc/>
    public void Decode(IInferenceEngine engine, FrameBuffer frame, ref FaceDetection result)
    {
        int n = 0, anchor = 0;
        float logitThreshold = MathF.Log(ScoreThreshold / (1 - ScoreThreshold));
        for (int layer = 0; layer < 2; layer++)
        {
            ReadOnlySpan<float> scores = engine.Output(_scoreOutputs[layer]);
            ReadOnlySpan<float> boxes = engine.Output(_boxOutputs[layer]);
            int count = _layerCounts[layer];
            for (int i = 0; i < count; i++, anchor++)
            {
                float logit = Math.Clamp(scores[i], -100f, 100f);
                if (logit < logitThreshold) continue;
                ReadOnlySpan<float> b = boxes.Slice(i * 16, 4);
                // Offsets are in input pixels around the anchor centre; map through the letterbox to the frame.
                float cx = b[0] + _anchorX[anchor] * _inputSize;
                float cy = b[1] + _anchorY[anchor] * _inputSize;
                var (fx, fy) = _geometry.TensorToFrame(cx, cy);
                var (fx1, fy1) = _geometry.TensorToFrame(cx + b[2], cy + b[3]);
                ref FaceBox c = ref _candidates[n++];
                c.CenterX = fx;
                c.CenterY = fy;
                c.Width = fx1 - fx;
                c.Height = fy1 - fy;
                c.Score = 1f / (1f + MathF.Exp(-logit));
            }
        }
        _keptCount = Suppress(n);
        result.Count = _keptCount;
        result.FrameWidth = frame.Width;
        result.FrameHeight = frame.Height;
        if (_keptCount > 0) result.Best = _kept[0];
    }

    private int Suppress(int n) => WeightedNms(_candidates, n, _used, _kept, IouThreshold);

    /// <summary>
    /// MediaPipe's weighted non-maximum suppression over the first <paramref name="n"/> of
    /// <paramref name="candidates"/> (sorted in place, best first): each kept box is the
    /// score-weighted mean of the candidates overlapping it by more than <paramref name="iouThreshold"/>.
    /// Writes up to <paramref name="kept"/>.Length boxes and returns how many; allocates nothing.
    /// </summary>
    public static int WeightedNms(FaceBox[] candidates, int n, bool[] used, FaceBox[] kept, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(kept);
        // Insertion sort by score, descending: candidates above threshold are few, and it allocates nothing.
        for (int i = 1; i < n; i++)
        {
            FaceBox v = candidates[i];
            int j = i - 1;
            while (j >= 0 && candidates[j].Score < v.Score) { candidates[j + 1] = candidates[j]; j--; }
            candidates[j + 1] = v;
        }
        Array.Clear(used, 0, n);
        int count = 0;
        for (int i = 0; i < n && count < kept.Length; i++)
        {
            if (used[i]) continue;
            ref readonly FaceBox top = ref candidates[i];
            float wsum = 0, x = 0, y = 0, w = 0, h = 0;
            for (int j = i; j < n; j++)
            {
                if (used[j]) continue;
                ref readonly FaceBox c = ref candidates[j];
                if (j != i && top.IoU(in c) <= iouThreshold) continue;
                used[j] = true;
                wsum += c.Score;
                x += c.CenterX * c.Score;
                y += c.CenterY * c.Score;
                w += c.Width * c.Score;
                h += c.Height * c.Score;
            }
            kept[count++] = new FaceBox { CenterX = x / wsum, CenterY = y / wsum, Width = w / wsum, Height = h / wsum, Score = top.Score };
        }
        return count;
    }
}
