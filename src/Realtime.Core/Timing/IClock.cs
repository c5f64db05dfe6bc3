namespace Realtime.Core.Timing;

/// <summary>
/// The monotonic time a loop stamps its frames with, injected so a test can drive time by hand
/// (<see cref="ManualClock"/>); <see cref="SystemClock"/> is the real one.
/// </summary>
public interface IClock
{
    /// <summary>Now, in monotonic nanoseconds. Must not allocate.</summary>
    long NowNs();
}
