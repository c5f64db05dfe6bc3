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
}
