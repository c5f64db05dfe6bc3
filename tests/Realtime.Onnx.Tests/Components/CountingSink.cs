using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Onnx.Tests.Components;

/// <summary>A sink over an in-memory register, for the test graphs: keeps the last command and counts writes.</summary>
internal sealed class CountingSink : SinkNode
{
    private ActuatorCommand _safe;

    public CountingSink(string name, int channels = 1) : base(name, channels) => _safe.Count = channels;

    public ActuatorCommand Output;
    public int Writes { get; private set; }

    public override void Apply(in ActuatorCommand command)
    {
        Output = command;
        Writes++;
    }

    public override ActuatorCommand ApplySafeState()
    {
        Output = _safe;
        return _safe;
    }
}
