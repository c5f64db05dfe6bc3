using Realtime.Core.Graph;

namespace Realtime.Core.Tests.Graph;

/// <summary>A real controller with no input: always the same command (a fallback that parks the output).</summary>
internal sealed class ConstantController : Node
{
    private readonly float _value;

    public ConstantController(string name, float value, int channels = 1) : base(name, NodeRole.Controller)
    {
        _value = value;
        Command = Output("command", new CommandPayload(channels));
    }

    public OutputPort<CommandPayload> Command { get; }
    public int Runs { get; private set; }

    public override void Process()
    {
        Command.Payload.Next.Values[0] = _value;
        Runs++;
    }
}
