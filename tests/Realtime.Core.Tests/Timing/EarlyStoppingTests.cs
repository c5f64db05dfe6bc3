using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Timing;

/// <summary>LoadGen's early-stopping rule against LoadGen's own figures, and the constants BENCHMARKS.md quotes.</summary>
public sealed class EarlyStoppingTests
{
    [Fact]
    public void OneFrameOverNeedsLoadGensMinimumsForP90P99AndP999()
    {
        Assert.Equal(Percentiles.MinSamplesP90, EarlyStopping.FramesNeeded(1, 90));
        Assert.Equal(Percentiles.MinSamplesP99, EarlyStopping.FramesNeeded(1, 99));
        Assert.Equal(Percentiles.MinSamplesP999, EarlyStopping.FramesNeeded(1, 99.9));
    }

    [Fact]
    public void NoFrameOverEstablishesP99From459Frames()
    {
        Assert.Equal(459, EarlyStopping.FramesNeeded(0, 99));
        Assert.True(EarlyStopping.Established(459, 0, 99));
        Assert.False(EarlyStopping.Established(458, 0, 99));
    }

    [Fact]
    public void MoreFramesOverNeedMoreFramesAndAMillionFramesDoNotUnderflow()
    {
        long needed = EarlyStopping.FramesNeeded(50, 99);
        Assert.True(needed > EarlyStopping.FramesNeeded(10, 99));
        Assert.True(EarlyStopping.Established(needed, 50, 99));
        Assert.False(EarlyStopping.Established(needed - 1, 50, 99));
        // 9,000 over of a million at p99 (a share of 0.9%) is established; 10,000 (1%) is not.
        Assert.True(EarlyStopping.Established(1_000_000, 9_000, 99));
        Assert.False(EarlyStopping.Established(1_000_000, 10_000, 99));
    }
}
