namespace Realtime.Core.Timing;

/// <summary>CLOCK_MONOTONIC (<see cref="MonotonicClock"/>) as an <see cref="IClock"/>: the default of every loop.</summary>
public sealed class SystemClock : IClock
{
    /// <summary>The one instance (the clock has no state).</summary>
    public static readonly SystemClock Instance = new();

    private SystemClock()
    {
    }

    /// <inheritdoc/>
    public long NowNs() => MonotonicClock.NowNs();
}
