using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;

namespace Realtime.Gpio.Components;

/// <summary>
/// A sink over PWM outputs of the board's <c>pwm[]</c> (config <c>pwm</c>: their indices, one per
/// channel, in channel order): opened when the node is created, at their safe values (real sysfs
/// PWM or PCA9685 channels on a board, the simulated driver on a simulated board), owned by the
/// application's <see cref="ComponentContext"/>. The loop writes them through its door.
/// </summary>
public abstract class PwmSink<TCalibration> : SinkNode where TCalibration : struct, IPwmCalibration
{
    private readonly PwmActuator<TCalibration> _actuator;
    private readonly string[] _labels;
    private long _writes, _safeWrites;

    /// <summary>
    /// A sink writing <paramref name="actuator"/> (owned by whoever opened it); <paramref name="labels"/>
    /// names each channel's output (<c>pwm[0] 'pan'</c>), else it is named by its channel.
    /// </summary>
    protected PwmSink(string name, PwmActuator<TCalibration> actuator, string[]? labels = null) : base(name, actuator.Channels)
    {
        _actuator = actuator;
        _labels = labels ?? new string[actuator.Channels];
        for (int i = 0; i < _labels.Length; i++) _labels[i] ??= $"channel {i}";
    }

    /// <summary>The unit of a command value, as <see cref="DescribeOutputs"/> prints it (" deg").</summary>
    protected virtual string Unit => "";

    /// <inheritdoc/>
    public override IReadOnlyList<string> DescribeOutputs()
    {
        var lines = new string[Channels];
        for (int i = 0; i < lines.Length; i++)
        {
            var cal = _actuator.Calibrations[i];
            double duty = _actuator.PwmChannels[i].DutyCycle;
            lines[i] = string.Create(CultureInfo.InvariantCulture,
                $"{_labels[i]} at {cal.SafeValue:0.###}{Unit} (duty {duty:0.0000}, {duty * 1e6 / cal.FrequencyHz:0} µs at {cal.FrequencyHz} Hz)");
        }
        return lines;
    }

    /// <summary>The outputs.</summary>
    public PwmActuator<TCalibration> Actuator => _actuator;

    /// <inheritdoc/>
    public override void Apply(in ActuatorCommand command)
    {
        _actuator.Apply(in command);
        _writes++;
    }

    /// <inheritdoc/>
    public override ActuatorCommand ApplySafeState()
    {
        _safeWrites++;
        return _actuator.ApplySafeState();
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        report.Add("writes", _writes);
        report.Add("safe_writes", _safeWrites);
    }

    /// <summary>
    /// Reads config <c>pwm</c> (indices into the board's <c>pwm[]</c>, each at most once in the whole
    /// application: <see cref="ComponentContext.Claim"/>) and opens those outputs for node
    /// <paramref name="name"/> with <paramref name="open"/>; an entry <paramref name="unfit"/> gives a
    /// reason for (another kind of output's) is refused; null after recording a problem naming the field.
    /// <paramref name="labels"/> names each channel's output (<c>pwm[0] 'pan'</c>).
    /// </summary>
    protected static TActuator? OpenOutputs<TActuator>(string name, NodeConfig config, ComponentContext context, Func<PwmOutputProfile, PwmOutput<TCalibration>> output,
        Func<PwmOutput<TCalibration>[], PwmChannelOpener, TActuator> open, out string[] labels, Func<PwmOutputProfile, string?>? unfit = null) where TActuator : PwmActuator<TCalibration>
    {
        BoardProfile board = context.Board;
        int[] indices = config.Integers("pwm", 0, 1023, ChannelValues.MaxChannels);
        labels = Array.Empty<string>();
        if (config.Problems.Count > 0) return null;
        var outputs = new PwmOutput<TCalibration>[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if (k >= board.Pwm.Count) { config.Problem($"pwm[{i}]", $"the board has {board.Pwm.Count} pwm outputs (pwm[0..{board.Pwm.Count - 1}]), got {k}"); return null; }
            if (Array.IndexOf(indices, k) != i) { config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') is already channel {Array.IndexOf(indices, k)}"); return null; }
            // Claimed by what it is on the board, not by its index: another loop's profile may list it elsewhere.
            var entry = board.Pwm[k];
            string identity = entry.Pca9685 is { } pca ? $"pca9685 {pca.Device} {pca.Address} channel {entry.Channel}" : $"pwmchip {entry.Chip} channel {entry.Channel}";
            if (context.Claim(identity, name) is { } holder)
            {
                config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') is already driven by node '{holder}': two writers on one output");
                return null;
            }
            if (unfit?.Invoke(board.Pwm[k]) is { } why) { config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') {why}"); return null; }
            outputs[i] = output(board.Pwm[k]);
        }
        labels = new string[indices.Length];
        for (int i = 0; i < indices.Length; i++) labels[i] = $"pwm[{indices[i]}] '{board.Pwm[indices[i]].Name}'";
        try
        {
            return context.Own(open(outputs, PwmChannelOpener.For(context)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            string names = "";
            foreach (int k in indices) names += (names.Length > 0 ? ", " : "") + $"pwm[{k}] '{board.Pwm[k].Name}'";
            config.Problem("pwm", $"{names} cannot be opened: {ex.Message}");
            return null;
        }
    }
}
