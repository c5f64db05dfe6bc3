using System;
using System.Runtime.CompilerServices;

namespace Realtime.Core.Decoding;

/// <summary>One line segment, in frame pixels.</summary>
public struct LineSegment
{
    /// <summary>Start x.</summary>
    public float X1;
    /// <summary>Start y.</summary>
    public float Y1;
    /// <summary>End x.</summary>
    public float X2;
    /// <summary>End y.</summary>
    public float Y2;
    /// <summary>Centre score (0..1).</summary>
    public float Score;

    /// <summary>Length, px.</summary>
    public readonly float Length => MathF.Sqrt((X2 - X1) * (X2 - X1) + (Y2 - Y1) * (Y2 - Y1));
}

/// <summary>Fixed room for the segments of one frame, passed by value without allocating.</summary>
[InlineArray(Capacity)]
public struct LineSegmentArray
{
    /// <summary>Segments one frame can carry (the highest-scoring ones are kept).</summary>
    public const int Capacity = 48;
    private LineSegment _first;
}

/// <summary>The decoder's result for one frame: the best segments, highest score first. No references.</summary>
public struct LineSegments
{
    /// <summary>Segments kept (at most <see cref="LineSegmentArray.Capacity"/>).</summary>
    public int Count;
    /// <summary>Segment centres above the score threshold before the length filter and the cap.</summary>
    public int Candidates;
    /// <summary>The segments; the first <see cref="Count"/> are valid.</summary>
    public LineSegmentArray Segments;
    /// <summary>Width of the frame the segments are in.</summary>
    public int FrameWidth;
    /// <summary>Height of the frame the segments are in.</summary>
    public int FrameHeight;
}
