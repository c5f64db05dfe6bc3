using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>Tells an <see cref="ITickListener"/> (a simulated world) each tick before capture.</summary>
public sealed class TickListenerInstrument(ITickListener listener) : LoopInstrument
{
    /// <inheritdoc/>
    public override void OnTick(long tick) => listener.OnTick(tick);
}
