using System;
using Realtime.Core.Graph;

namespace Realtime.Core.Components;

/// <summary>
/// <c>return-to-safe</c>: a fallback controller (connect its <c>command</c> to a sink's
/// <c>fallback</c> input) that ignores what was seen and walks every channel from what is on the
/// outputs toward the sink's safe command by at most <c>step</c> per frame (default: the board's
/// <c>watchdog.fallback_step</c>): a gentle return instead of a jump, for mechanisms that must not be
/// slammed. It runs only when the watchdog asks for the fallback. Config: <c>channels</c> (the sink's), <c>step</c>.
/// </summary>
public sealed class ReturnToSafeNode : Node
{
    private readonly float _step;
    private long _steps;

    /// <summary>A fallback of <paramref name="channels"/> channels stepping at most <paramref name="step"/> per frame.</summary>
    public ReturnToSafeNode(string name, int channels, double step) : base(name, NodeRole.Controller)
    {
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), "must be positive");
        _step = (float)step;
        Command = Output("command", new CommandPayload(channels));
    }

    /// <summary>The fallback command.</summary>
    public OutputPort<CommandPayload> Command { get; }

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        int channels = config.Integer("channels", 1, Pipeline.ChannelValues.MaxChannels);
        double step = config.Number("step", 1e-6, 1e6, context.Board.Watchdog.FallbackStep);
        return config.Problems.Count > 0 ? null! : new ReturnToSafeNode(name, channels, step);
    }

    /// <inheritdoc/>
    public override void Process()
    {
        CommandPayload c = Command.Payload;
        c.Next = c.Applied;
        for (int i = 0; i < c.Safe.Count; i++)
            c.Next.Values[i] = c.Applied.Values[i] + Math.Clamp(c.Safe.Values[i] - c.Applied.Values[i], -_step, _step);
        _steps++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Add("steps", _steps);
    }
}
