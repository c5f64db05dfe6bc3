using System;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Pipeline;

/// <summary>The collection before a loop: full, or only the young generation when the full one ran ahead (while the models loaded).</summary>
public sealed class LoopMemoryTests
{
    [Fact]
    public void AfterAFullCollectionAheadTheLoopsStartCollectsOnlyTheYoungGeneration()
    {
        // Other tests collect in parallel: a full collection of theirs can land inside one try, not inside all five.
        bool youngOnly = false;
        for (int attempt = 0; attempt < 5 && !youngOnly; attempt++)
        {
            int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
            LoopMemory.BeforeFirstFrame(collectedAhead: true);
            Assert.True(GC.CollectionCount(0) > gen0, "the young generation was not collected");
            youngOnly = GC.CollectionCount(2) == gen2;
        }
        Assert.True(youngOnly, "every try ran a full collection");
    }

    [Fact]
    public void WithoutOneAheadTheLoopsStartRunsTheFullCollection()
    {
        int gen2 = GC.CollectionCount(2);
        LoopMemory.BeforeFirstFrame(collectedAhead: false);
        // Two full collections (before and after the finalizers).
        Assert.True(GC.CollectionCount(2) >= gen2 + 2);
    }
}
