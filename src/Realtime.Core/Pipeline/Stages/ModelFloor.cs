using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>
/// The model-alone floor (a bench instrument): after each processed frame, the model runs again
/// alone and its time goes into the frame's <see cref="FrameRecord.FloorNs"/>. In a periodic loop it
/// runs half a period after the frame, after its own sleep, so neither runs with caches the other
/// just warmed. Never for a model that carries state, which it would advance twice.
/// </summary>
public sealed class ModelFloor : LoopInstrument
{
    private readonly IInferenceEngine _engine;
    private readonly GraphLoop _loop;
    private readonly bool _periodic;
    private readonly long _halfPeriodNs;

    /// <summary>The floor of <paramref name="engine"/> beside <paramref name="loop"/>.</summary>
    public ModelFloor(IInferenceEngine engine, GraphLoop loop)
    {
        if (engine.CarriesState) throw new System.ArgumentException("a model that carries state cannot be run again alone on the same frame", nameof(engine));
        _engine = engine;
        _loop = loop;
        _periodic = loop.Options.Scenario == LoopScenario.Periodic;
        _halfPeriodNs = loop.Options.PeriodNs / 2;
    }

    /// <inheritdoc/>
    public override bool AfterFrame(int frame, ref FrameRecord record)
    {
        if ((record.Flags & FrameFlags.SourceFault) != 0) return true;
        if (_periodic && !_loop.WaitUntilOrStop(_loop.NextTickNs + _halfPeriodNs)) return false;
        long f0 = _loop.Clock.NowNs();
        _engine.Run();
        record.FloorNs = _loop.Clock.NowNs() - f0;
        return true;
    }
}
