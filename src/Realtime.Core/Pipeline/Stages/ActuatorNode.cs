using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IActuator"/> as a graph sink.</summary>
internal sealed class ActuatorNode : SinkNode
{
    private readonly IActuator _actuator;

    public ActuatorNode(string name, IActuator actuator) : base(name, actuator.Channels) => _actuator = actuator;

    public override void Apply(in ActuatorCommand command) => _actuator.Apply(in command);

    public override ActuatorCommand ApplySafeState() => _actuator.ApplySafeState();
}
