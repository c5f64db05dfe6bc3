namespace Realtime.Core.Graph;

/// <summary>
/// A node with one figure per frame (the face's distance from the image centre, say): the loop copies
/// it into <see cref="Pipeline.FrameRecord.DemoMetric"/> at the end of each frame the sources delivered,
/// for the report's percentiles and the timeline. One per graph: the first found among the sources, then the steps in run order, then the sinks.
/// </summary>
public interface IFrameMetric
{
    /// <summary>This frame's figure, NaN when it has none (nothing seen). Read on the loop's thread; must not allocate.</summary>
    float FrameMetric { get; }
}
