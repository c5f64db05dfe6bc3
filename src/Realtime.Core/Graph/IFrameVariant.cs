namespace Realtime.Core.Graph;

/// <summary>
/// A node that chose among variants of its work this frame (a model ladder's rung): the loop stores
/// the choice of the graph's first such node in each <see cref="Realtime.Core.Pipeline.FrameRecord.Variant"/>.
/// </summary>
public interface IFrameVariant
{
    /// <summary>The variant this frame ran (0 is the most accurate), -1 when it ran none. Read on the loop's thread; must not allocate.</summary>
    int FrameVariant { get; }
}
