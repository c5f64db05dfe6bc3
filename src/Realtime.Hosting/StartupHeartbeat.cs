using Realtime.Core.Pipeline;

namespace Realtime.Hosting;

/// <summary>
/// What the watchdog thread watches when it is armed before the loop exists (as soon as the
/// outputs are safe, before the model loads): nothing until <see cref="Attach"/>, then the loop.
/// Before the loop is attached there is no progress to miss (the thread only kicks the hardware
/// watchdog and systemd) and no write to latch: the outputs were opened at their safe values and
/// nothing else writes them until the loop runs.
/// </summary>
public sealed class StartupHeartbeat : ILoopHeartbeat
{
    private volatile ILoopHeartbeat? _loop;

    /// <summary>From now on the watchdog thread watches <paramref name="loop"/>.</summary>
    public void Attach(ILoopHeartbeat loop) => _loop = loop;

    /// <inheritdoc/>
    public long LastProgressNs => _loop?.LastProgressNs ?? 0;

    /// <inheritdoc/>
    public int FramesRun => _loop?.FramesRun ?? 0;

    /// <inheritdoc/>
    public void LatchOutputsSafe() => _loop?.LatchOutputsSafe();

    /// <inheritdoc/>
    public void ShutdownOutputs() => _loop?.ShutdownOutputs();
}
