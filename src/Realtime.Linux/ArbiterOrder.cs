namespace Realtime.Linux;

/// <summary>Which waiter an <see cref="InferenceArbiter"/> serves first when a slot frees.</summary>
public enum ArbiterOrder
{
    /// <summary>The client registered with the highest priority (fixed priority); equal ones first come, first served.</summary>
    Priority,
    /// <summary>The waiter whose frame is due first (EDF: the absolute deadline given to Acquire); equal ones first come, first served.</summary>
    Deadline,
}
