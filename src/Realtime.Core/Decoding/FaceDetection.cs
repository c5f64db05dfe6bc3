namespace Realtime.Core.Decoding;

/// <summary>One detected face, in frame pixels.</summary>
public struct FaceBox
{
    /// <summary>Box centre x.</summary>
    public float CenterX;
    /// <summary>Box centre y.</summary>
    public float CenterY;
    /// <summary>Box width.</summary>
    public float Width;
    /// <summary>Box height.</summary>
    public float Height;
    /// <summary>Detection score (0..1).</summary>
    public float Score;

    /// <summary>Intersection over union with another box.</summary>
    public readonly float IoU(in FaceBox o)
    {
        float ix = System.MathF.Min(CenterX + Width / 2, o.CenterX + o.Width / 2) - System.MathF.Max(CenterX - Width / 2, o.CenterX - o.Width / 2);
        float iy = System.MathF.Min(CenterY + Height / 2, o.CenterY + o.Height / 2) - System.MathF.Max(CenterY - Height / 2, o.CenterY - o.Height / 2);
        if (ix <= 0 || iy <= 0) return 0;
        float inter = ix * iy;
        float union = Width * Height + o.Width * o.Height - inter;
        return union <= 0 ? 0 : inter / union;
    }
}

/// <summary>The decoder's result for one frame: the best face and how many were found. A small struct, no references.</summary>
public struct FaceDetection
{
    /// <summary>Faces found after non-maximum suppression.</summary>
    public int Count;
    /// <summary>The highest-scoring face (valid when <see cref="Count"/> &gt; 0).</summary>
    public FaceBox Best;
    /// <summary>Width of the frame the box is in.</summary>
    public int FrameWidth;
    /// <summary>Height of the frame the box is in.</summary>
    public int FrameHeight;
}
