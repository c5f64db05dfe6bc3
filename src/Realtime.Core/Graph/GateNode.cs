using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// A node that decides each frame whether the nodes it guards run (conditional execution). It runs
/// before every node it guards (the builder orders it so, as if connected); when its
/// <see cref="Node.Process"/> leaves <see cref="IsOpen"/> false, the loop skips the guarded nodes this
/// frame: they are not called, their outputs hold the values of the last frame they ran, and a
/// stage all of whose nodes were skipped is stamped skipped (<see cref="FrameRecord.SkippedStages"/>),
/// not as 0 µs. A skipped gate skips what it guards too. Its <c>open</c> output says, to a
/// downstream node, whether the guarded nodes ran this frame (<c>select</c> reads it).
/// </summary>
public abstract class GateNode : Node
{
    /// <summary>The output port that says whether the guarded nodes ran this frame.</summary>
    public const string OpenPort = "open";

    private readonly string[] _guards;

    /// <summary>A gate guarding the nodes named <paramref name="guards"/> (at least one; their fields are <c>config.guards[i]</c>).</summary>
    protected GateNode(string name, Stage stage, IReadOnlyList<string> guards) : base(name, NodeRole.Transform, stage)
    {
        ArgumentNullException.ThrowIfNull(guards);
        if (guards.Count == 0) throw new ArgumentException("a gate guards at least one node", nameof(guards));
        _guards = new string[guards.Count];
        for (int i = 0; i < _guards.Length; i++) _guards[i] = guards[i];
        Open = Output(OpenPort, new ValuePayload<bool> { Value = true });
    }

    /// <summary>The names of the nodes it guards, as configured (<c>config.guards</c>).</summary>
    public IReadOnlyList<string> Guards => _guards;

    /// <summary>Whether the guarded nodes run this frame (written by the gate's <see cref="Node.Process"/>).</summary>
    public OutputPort<ValuePayload<bool>> Open { get; }

    /// <summary>This frame's decision (what <see cref="Open"/> holds).</summary>
    public bool IsOpen
    {
        get => Open.Payload.Value;
        protected set => Open.Payload.Value = value;
    }
}
