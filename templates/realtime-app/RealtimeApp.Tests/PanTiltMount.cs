using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace RealtimeApp.Tests;

/// <summary>A sink for tests: a pan/tilt mount that takes each command at once and counts the writes (safe: both at 0°).</summary>
internal sealed class PanTiltMount : SinkNode
{
    public PanTiltMount(string name) : base(name, 2)
    {
    }

    public float PanDeg { get; private set; }
    public float TiltDeg { get; private set; }
    public int Writes { get; private set; }

    public override void Apply(in ActuatorCommand command)
    {
        PanDeg = command.Values[0];
        TiltDeg = command.Values[1];
        Writes++;
    }

    public override ActuatorCommand ApplySafeState()
    {
        PanDeg = 0;
        TiltDeg = 0;
        return new ActuatorCommand { Count = 2 };
    }
}
