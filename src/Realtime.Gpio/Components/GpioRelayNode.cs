using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Gpio.Components;

/// <summary>
/// <c>gpio-relay</c>: a relay on one GPIO line (<see cref="RelayActuator"/>), closed while channel 0
/// of its command is at least 0.5; open is its safe state. On a simulated board the line is on a
/// <see cref="SimulatedGpioDriver"/> that records every write; on a real one it is the board's
/// character device. Config: <c>pin</c>, <c>active_high</c> (default true), <c>chip</c> (default 0).
/// The application's figure: its switches, as <c>NAME_switches</c> (a node named <c>relay</c>: <c>relay_switches</c>).
/// </summary>
public sealed class GpioRelayNode : SinkNode, IApplicationMetrics
{
    private readonly RelayActuator _relay;

    /// <summary>A sink driving <paramref name="relay"/> (owned by whoever opened it).</summary>
    public GpioRelayNode(string name, RelayActuator relay) : base(name, 1)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relay = relay;
    }

    /// <summary>The relay.</summary>
    public RelayActuator Relay => _relay;
    /// <summary>The GPIO chip of the line (the character device's number).</summary>
    public int Chip { get; private init; }
    /// <summary>The simulated line's driver (simulated boards), else null.</summary>
    public SimulatedGpioDriver? Simulated { get; private init; }

    /// <summary>The factory: opens the configured line at its safe (open) level, owned by the application.</summary>
    public static GpioRelayNode Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        int pin = config.Integer("pin", 0, 1023);
        bool activeHigh = config.Flag("active_high", true);
        int chip = config.Integer("chip", 0, 63, 0);
        if (config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        if (context.Claim($"gpio chip {chip} line {pin}", name) is { } holder)
        {
            config.Problem("pin", $"GPIO line {pin} of chip {chip} is already driven by node '{holder}': two writers on one output");
            throw new ArgumentException("see the problems above");
        }
        SimulatedGpioDriver? driver = null;
        RelayActuator relay;
        try
        {
            relay = context.Board.Simulated ? RelayActuator.OpenSimulated(pin, activeHigh, out driver) : RelayActuator.OpenHardware(pin, activeHigh, chip);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            config.Problem("pin", $"GPIO line {pin} of chip {chip} cannot be opened as an output: {ex.Message}");
            throw new ArgumentException(ex.Message);
        }
        return new GpioRelayNode(name, context.Own(relay)) { Simulated = driver, Chip = chip };
    }

    /// <inheritdoc/>
    public override void Apply(in ActuatorCommand command) => _relay.Apply(in command);

    /// <inheritdoc/>
    public override ActuatorCommand ApplySafeState() => _relay.ApplySafeState();

    /// <summary>Adds <c>NAME_switches</c>: how often the relay switched.</summary>
    public void FillMetrics(Realtime.Core.Reporting.ApplicationMetrics metrics, ReadOnlySpan<FrameRecord> records)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.Add(Name + "_switches", _relay.Switches);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> DescribeOutputs() =>
        new[] { $"gpio chip {Chip} line {_relay.Pin} {(_relay.ActiveHigh ? "low" : "high")} (relay open, de-energised)" };

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("switches", _relay.Switches);
        report.Add("closed_at_end", _relay.IsClosed ? 1 : 0);
    }
}
