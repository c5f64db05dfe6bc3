using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Realtime.Core.Pipeline;
using Xunit;

namespace Realtime.Core.Tests.Pipeline;

// Collections are process-wide: these tests run alone, after the parallel ones.
[Collection(Realtime.Core.Tests.Imaging.AllocationCounters.Name)]
public class LoopMemoryTests
{
    private static int _finalized;
    private static object? _allocatedByFinalizer;

    private sealed class Finalizable
    {
        ~Finalizable()
        {
            Interlocked.Increment(ref _finalized);
            // What a finalizer allocates lands in the young generation after the full collection.
            _allocatedByFinalizer = new byte[1024];
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon() => _ = new Finalizable();

    [Fact]
    public void BeforeTheLoopTheQueuedFinalizersHaveRunAndTheYoungGenerationIsCollectedLast()
    {
        int finalizedBefore = Volatile.Read(ref _finalized);
        Abandon();
        int full = GC.CollectionCount(2);
        LoopMemory.CollectBeforeLoop();
        Assert.True(Volatile.Read(ref _finalized) > finalizedBefore, "the finalizer had not run when CollectBeforeLoop returned");
        Assert.NotNull(_allocatedByFinalizer);
        Assert.Equal(full + 1, GC.CollectionCount(2));
        // The last collection was a young one (the collector may take generation 1 with 0): it came after the finalizers' allocations.
        Assert.True(GC.GetGCMemoryInfo(GCKind.Any).Generation < 2, "the last collection before the loop was a full one");
    }

    [Fact]
    public void WhileTheModelsLoadOnlyTheYoungGenerationIsCollected()
    {
        int full = GC.CollectionCount(2), young = GC.CollectionCount(0);
        LoopMemory.CollectWhileModelsLoad();
        Assert.Equal(full, GC.CollectionCount(2));
        Assert.True(GC.CollectionCount(0) > young);
    }
}
