using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Graph;

/// <summary>A real sink over an in-memory output register (as a simulated PWM channel is): it keeps what was written and can be made to fail.</summary>
internal sealed class RecordingSink : SinkNode
{
    public RecordingSink(string name, int channels = 1, float safe = -1f) : base(name, channels)
    {
        Safe.Count = channels;
        for (int i = 0; i < channels; i++) Safe.Values[i] = safe;
        Output = Safe;
    }

    public ActuatorCommand Safe;
    public ActuatorCommand Output;
    public int Writes { get; private set; }
    public int SafeWrites { get; private set; }
    public bool FailWrites { get; set; }

    public override void Apply(in ActuatorCommand command)
    {
        if (FailWrites) throw new InvalidOperationException("EINVAL from the driver");
        Output = command;
        Writes++;
    }

    public override ActuatorCommand ApplySafeState()
    {
        Output = Safe;
        SafeWrites++;
        return Safe;
    }
}
