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
    public void BeforeTheLoopTheQueuedFinalizersHaveRunBetweenTwoFullCollections()
    {
        int finalizedBefore = Volatile.Read(ref _finalized);
        Abandon();
        int full = GC.CollectionCount(2);
        LoopMemory.CollectBeforeLoop();
        Assert.True(Volatile.Read(ref _finalized) > finalizedBefore, "the finalizer had not run when CollectBeforeLoop returned");
        Assert.NotNull(_allocatedByFinalizer);
        // The second full collection came after the finalizers' allocations: the budgets are set by it.
        Assert.Equal(full + 2, GC.CollectionCount(2));
        Assert.Equal(2, GC.GetGCMemoryInfo(GCKind.Any).Generation);
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
