using System;

namespace Realtime.Core.Pipeline;

/// <summary>Managed-memory housekeeping around a real-time loop.</summary>
public static class LoopMemory
{
    /// <summary>A full, compacting collection with finalizers run, before a loop starts: the last one the process should need.</summary>
    public static void CollectBeforeLoop()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>
    /// The young generation only: before a loop whose set-up ran <see cref="CollectBeforeLoop"/>
    /// already, while it waited for its models. What wiring allocated after that is freed or
    /// promoted, in a fraction of the full collection's time on the way to the first frame.
    /// </summary>
    public static void CollectYoung() => GC.Collect(0, GCCollectionMode.Forced, blocking: true);

    /// <summary>What a loop runs before its first frame: <see cref="CollectYoung"/> when the full collection ran ahead, else <see cref="CollectBeforeLoop"/>.</summary>
    public static void BeforeFirstFrame(bool collectedAhead)
    {
        if (collectedAhead) CollectYoung();
        else CollectBeforeLoop();
    }
}
