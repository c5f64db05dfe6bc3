namespace Realtime.Core.Graph;

/// <summary>One detected object: a box in normalised image coordinates (0..1), a score and a class.</summary>
public struct Detection
{
    /// <summary>Box centre, x.</summary>
    public float CenterX;
    /// <summary>Box centre, y.</summary>
    public float CenterY;
    /// <summary>Box width.</summary>
    public float Width;
    /// <summary>Box height.</summary>
    public float Height;
    /// <summary>Confidence, 0..1.</summary>
    public float Score;
    /// <summary>Class index.</summary>
    public int Class;
}
