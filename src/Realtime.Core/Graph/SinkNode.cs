using System.Collections.Generic;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// A node that drives outputs. It never writes on its own: the loop decides at the sinks what
/// reaches the outputs (the frame's command, the last one held, a fallback's, or the safe state)
/// and writes through the <see cref="ActuationGate"/>, so a watchdog latch is never overwritten.
/// Its <c>command</c> input takes exactly one controller; an optional <c>fallback</c> input takes
/// the controller the watchdog's fallback policy switches to.
/// </summary>
public abstract class SinkNode : Node
{
    /// <summary>A sink of <paramref name="channels"/> output channels.</summary>
    protected SinkNode(string name, int channels) : base(name, NodeRole.Sink, Stage.Actuate)
    {
        Command = Input<CommandPayload>(CommandPort, PayloadType.Command(channels));
        Fallback = Input<CommandPayload>(FallbackPort, PayloadType.Command(channels), required: false);
        Channels = channels;
    }

    /// <summary>The input's name for the command.</summary>
    public const string CommandPort = "command";
    /// <summary>The input's name for the fallback controller's command.</summary>
    public const string FallbackPort = "fallback";

    /// <summary>Output channels.</summary>
    public int Channels { get; }
    /// <summary>The controller's command.</summary>
    public InputPort<CommandPayload> Command { get; }
    /// <summary>The fallback controller's command (optional).</summary>
    public InputPort<CommandPayload> Fallback { get; }

    /// <summary>Writes a command to the outputs. Must not allocate; may throw (the loop counts it as an output failure).</summary>
    public abstract void Apply(in ActuatorCommand command);

    /// <summary>Drives every output to its safe value and returns that command.</summary>
    public abstract ActuatorCommand ApplySafeState();

    /// <summary>
    /// What this sink drives, one line per output, at its safe value (<c>pwm[0] 'pan' at 0 deg</c>,
    /// <c>gpio chip 0 line 17 low</c>): what <c>rtapp safe</c> prints. A sink that says nothing
    /// more is listed by its channels.
    /// </summary>
    public virtual IReadOnlyList<string> DescribeOutputs()
    {
        var lines = new string[Channels];
        for (int i = 0; i < lines.Length; i++) lines[i] = $"channel {i}";
        return lines;
    }

    /// <summary>Sinks are written by the loop through its door, never by <see cref="Process"/>.</summary>
    public sealed override void Process()
    {
    }
}
