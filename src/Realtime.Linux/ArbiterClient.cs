namespace Realtime.Linux;

/// <summary>
/// One loop's handle on an <see cref="InferenceArbiter"/>: its name and priority, and what it met there
/// (acquisitions, how many had to wait, the longest wait). One thread uses a client at a time.
/// </summary>
public sealed class ArbiterClient
{
    internal ArbiterClient(int index, string name, int priority)
    {
        Index = index;
        Name = name;
        Priority = priority;
    }

    /// <summary>Its index in the arbiter (its futex word).</summary>
    internal int Index { get; }
    /// <summary>The loop's name.</summary>
    public string Name { get; }
    /// <summary>Its priority (higher is served first under <see cref="ArbiterOrder.Priority"/>; the SCHED_FIFO priority of its thread, by convention).</summary>
    public int Priority { get; }

    // Guarded by the arbiter's lock.
    internal bool Waiting;
    internal bool Holding;
    internal long Key;
    internal long Arrival;
    // The holder's own scheduling while it runs at the ceiling: restored at release.
    internal int SavedPolicy = -1;
    internal int SavedPriority;

    /// <summary>Slots acquired.</summary>
    public long Acquisitions { get; internal set; }
    /// <summary>Acquisitions that found no free slot and waited.</summary>
    public long Waits { get; internal set; }
    /// <summary>The longest wait for a slot, ns.</summary>
    public long LongestWaitNs { get; internal set; }
    /// <summary>Whether it holds a slot now.</summary>
    public bool HoldsSlot => Holding;
}
