using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Hosting;

/// <summary>
/// The sinks of a graph as one set of outputs, for whoever drives them outside the loop (<c>rtapp
/// safe</c>, a crash path): the safe state writes every sink; a command is written to the first
/// one. Disposing releases what the graph's build owns.
/// </summary>
public sealed class GraphSinks : IActuator
{
    private readonly SinkNode[] _sinks;
    private readonly ComponentContext _owned;

    /// <summary>The <paramref name="sinks"/> of a graph whose resources <paramref name="owned"/> holds.</summary>
    public GraphSinks(SinkNode[] sinks, ComponentContext owned)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(owned);
        _sinks = sinks;
        _owned = owned;
    }

    /// <summary>The sinks.</summary>
    public ReadOnlySpan<SinkNode> Sinks => _sinks;

    /// <summary>Whether every sink is a GPIO relay (released at its safe level; a PWM output is left running at its safe duty instead).</summary>
    public bool OnlyRelays
    {
        get
        {
            foreach (var s in _sinks) if (s is not Realtime.Gpio.Components.GpioRelayNode) return false;
            return true;
        }
    }

    /// <inheritdoc/>
    public int Channels => _sinks.Length == 0 ? 0 : _sinks[0].Channels;

    /// <inheritdoc/>
    public void Apply(in ActuatorCommand command)
    {
        if (_sinks.Length > 0) _sinks[0].Apply(in command);
    }

    /// <summary>Drives every sink safe; returns the first one's safe command.</summary>
    public ActuatorCommand ApplySafeState()
    {
        ActuatorCommand first = default;
        for (int i = _sinks.Length - 1; i >= 0; i--)
        {
            var safe = _sinks[i].ApplySafeState();
            if (i == 0) first = safe;
        }
        return first;
    }

    /// <inheritdoc/>
    public void Dispose() => _owned.Dispose();
}
