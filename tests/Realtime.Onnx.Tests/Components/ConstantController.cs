using Realtime.Core.Graph;

namespace Realtime.Onnx.Tests.Components;

/// <summary>A controller that always commands 1: completes a test graph around the node under test.</summary>
internal sealed class ConstantController : Node
{
    public ConstantController(string name) : base(name, NodeRole.Controller) => Command = Output("command", new CommandPayload(1));

    public OutputPort<CommandPayload> Command { get; }

    public override void Process() => Command.Payload.Next.Values[0] = 1;
}
