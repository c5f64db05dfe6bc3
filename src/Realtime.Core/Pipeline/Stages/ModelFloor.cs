using System;
using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>
/// The model-alone floor (a bench instrument): after each processed frame, the model runs again
/// alone and its time goes into the frame's <see cref="FrameRecord.FloorNs"/>. A graph with several
/// models runs each alone, one after another, and the floor is their sum (what the loop's models
/// cost with nothing around them). In a periodic loop it runs half a period after the frame, after
/// its own sleep, so neither runs with caches the other just warmed. Never for a model that
/// carries state, which it would advance twice.
/// </summary>
public sealed class ModelFloor : LoopInstrument
{
    private readonly IInferenceEngine[] _engines;
    private readonly GraphLoop _loop;
    private readonly bool _periodic;
    private readonly long _halfPeriodNs;

    /// <summary>The floor of <paramref name="engine"/> beside <paramref name="loop"/>.</summary>
    public ModelFloor(IInferenceEngine engine, GraphLoop loop) : this(new[] { engine }, loop)
    {
    }

    /// <summary>The floor of <paramref name="engines"/> (each run alone, the times summed) beside <paramref name="loop"/>.</summary>
    public ModelFloor(IInferenceEngine[] engines, GraphLoop loop)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(loop);
        if (engines.Length == 0) throw new ArgumentException("a floor needs a model", nameof(engines));
        foreach (var engine in engines)
            if (engine.CarriesState) throw new ArgumentException("a model that carries state cannot be run again alone on the same frame", nameof(engines));
        _engines = engines;
        _loop = loop;
        _periodic = loop.Options.Scenario == LoopScenario.Periodic;
        _halfPeriodNs = loop.Options.PeriodNs / 2;
    }

    /// <inheritdoc/>
    public override bool AfterFrame(int frame, ref FrameRecord record)
    {
        if ((record.Flags & FrameFlags.SourceFault) != 0) return true;
        if (_periodic && !_loop.WaitUntilOrStop(_loop.NextTickNs + _halfPeriodNs)) return false;
        long total = 0;
        for (int i = 0; i < _engines.Length; i++)
        {
            long f0 = _loop.Clock.NowNs();
            _engines[i].Run();
            total += _loop.Clock.NowNs() - f0;
        }
        record.FloorNs = total;
        return true;
    }
}
