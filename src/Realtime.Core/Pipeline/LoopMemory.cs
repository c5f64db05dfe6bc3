using System;

namespace Realtime.Core.Pipeline;

/// <summary>Managed-memory housekeeping around a real-time loop.</summary>
public static class LoopMemory
{
    /// <summary>
    /// A full, compacting collection with finalizers run, before a loop starts: the last one the
    /// process should need. It stays right before the loop, after all of the wiring: a full
    /// collection run earlier (while the models load) followed by a young one here was 2 ms sooner
    /// to the first frame, but it left the large-object budget spent by the wiring's big buffers
    /// (measured: 15 MB left against 57 MB), and a service's telemetry reached it within 85 s.
    /// </summary>
    public static void CollectBeforeLoop()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
