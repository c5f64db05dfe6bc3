using System;

namespace Realtime.Core.Decoding;

/// <summary>Non-maximum suppression that averages overlapping boxes by score, for any anchor-based detector.</summary>
public static class WeightedNms
{
    /// <summary>
    /// Weighted non-maximum suppression (as MediaPipe's SSD detectors use it) over the first <paramref name="n"/> of
    /// <paramref name="candidates"/> (sorted in place, best first): each kept box is the
    /// score-weighted mean of the candidates overlapping it by more than <paramref name="iouThreshold"/>.
    /// Writes up to <paramref name="kept"/>.Length boxes and returns how many; allocates nothing.
    /// </summary>
    public static int Suppress(FaceBox[] candidates, int n, bool[] used, FaceBox[] kept, float iouThreshold)
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
