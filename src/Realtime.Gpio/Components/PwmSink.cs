using System;
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
    private long _writes, _safeWrites;

    /// <summary>A sink writing <paramref name="actuator"/> (owned by whoever opened it).</summary>
    protected PwmSink(string name, PwmActuator<TCalibration> actuator) : base(name, actuator.Channels) => _actuator = actuator;

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
    /// <paramref name="name"/> with <paramref name="open"/>; an entry <paramref name="unfit"/> says why
    /// this kind of output cannot take is refused; null after recording a problem naming the field.
    /// </summary>
    protected static TActuator? OpenOutputs<TActuator>(string name, NodeConfig config, ComponentContext context, Func<PwmOutputProfile, PwmOutput<TCalibration>> output,
        Func<PwmOutput<TCalibration>[], PwmChannelOpener, TActuator> open, Func<PwmOutputProfile, string?>? unfit = null) where TActuator : PwmActuator<TCalibration>
    {
        BoardProfile board = context.Board;
        int[] indices = config.Integers("pwm", 0, 1023, ChannelValues.MaxChannels);
        if (config.Problems.Count > 0) return null;
        var outputs = new PwmOutput<TCalibration>[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if (k >= board.Pwm.Count) { config.Problem($"pwm[{i}]", $"the board has {board.Pwm.Count} pwm outputs (pwm[0..{board.Pwm.Count - 1}]), got {k}"); return null; }
            if (Array.IndexOf(indices, k) != i) { config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') is already channel {Array.IndexOf(indices, k)}"); return null; }
            if (context.Claim($"pwm[{k}]", name) is { } holder)
            {
                config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') is already driven by node '{holder}': two writers on one output");
                return null;
            }
            if (unfit?.Invoke(board.Pwm[k]) is { } why) { config.Problem($"pwm[{i}]", $"pwm[{k}] ('{board.Pwm[k].Name}') {why}"); return null; }
            outputs[i] = output(board.Pwm[k]);
        }
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
