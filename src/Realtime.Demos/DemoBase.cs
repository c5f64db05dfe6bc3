using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Reporting;
using Realtime.Hosting;
using Realtime.Onnx;

namespace Realtime.Demos;

/// <summary>
/// What every demo shares: its wiring from the profile, the parts it owns (released in reverse
/// order on dispose, also when wiring fails half-way), its model, and the build pattern.
/// </summary>
public abstract class DemoBase : IApplicationInstance
{
    private readonly List<IDisposable> _owned = new();

    /// <summary>A demo about to be wired by <paramref name="wiring"/>.</summary>
    protected DemoBase(DemoWiring wiring)
    {
        Wiring = wiring;
        Profile = wiring.Profile;
    }

    /// <summary>The profile, assets and overrides the demo is wired from.</summary>
    protected DemoWiring Wiring { get; }
    /// <inheritdoc/>
    public abstract string Name { get; }
    /// <inheritdoc/>
    public BoardProfile Profile { get; }
    /// <summary>The model file used.</summary>
    public string ModelPath { get; protected set; } = "";
    /// <summary>The bound model: cold-start figures and the run count come from it.</summary>
    public OnnxInferenceEngine Engine { get; protected set; } = null!;
    /// <summary>The demo's one model, named <c>model</c> (as its profile section is).</summary>
    public IReadOnlyList<ApplicationModel> Models => _models ??= new[] { new ApplicationModel("model", ModelPath, Engine) };
    private ApplicationModel[]? _models;
    /// <summary>Counted frames the demo's own metric leaves out at the start while the loop settles.</summary>
    public abstract int SettleFrames { get; }
    /// <inheritdoc/>
    public abstract ActuatorCommand SafeCommand { get; }
    IClosedLoop IApplicationInstance.Loop => UntypedLoop;
    /// <summary>The demo's loop, whatever its observation type.</summary>
    protected abstract IClosedLoop UntypedLoop { get; }

    /// <inheritdoc/>
    public abstract void FillMetrics(ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records);

    /// <summary>Wires every part; what it owns goes through <see cref="Own"/>.</summary>
    protected abstract void Wire(IPeriodicWaiter? waiter);

    /// <summary>Keeps <paramref name="part"/> to dispose with the demo, and returns it.</summary>
    protected T Own<T>(T part) where T : IDisposable
    {
        _owned.Add(part);
        return part;
    }

    /// <summary>Wires <paramref name="demo"/>; a failure disposes what it had opened and is rethrown.</summary>
    protected static T Wired<T>(T demo, IPeriodicWaiter? waiter) where T : DemoBase
    {
        try
        {
            demo.Wire(waiter);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }
}
