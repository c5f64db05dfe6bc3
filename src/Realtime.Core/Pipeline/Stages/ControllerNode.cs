using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IController{TResult}"/> as a graph controller: the observation and the command on the outputs into the next command.</summary>
internal sealed class ControllerNode<TResult> : Node where TResult : struct
{
    private readonly IController<TResult> _controller;

    public ControllerNode(string name, IController<TResult> controller, int channels) : base(name, NodeRole.Controller)
    {
        _controller = controller;
        Observation = Input<ValuePayload<TResult>>("observation", PayloadType.Value<TResult>());
        Command = Output("command", new CommandPayload(channels));
    }

    public InputPort<ValuePayload<TResult>> Observation { get; }
    public OutputPort<CommandPayload> Command { get; }

    public override void Process()
    {
        CommandPayload c = Command.Payload;
        _controller.Update(in Observation.Payload.Value, in c.Applied, ref c.Next);
    }
}
