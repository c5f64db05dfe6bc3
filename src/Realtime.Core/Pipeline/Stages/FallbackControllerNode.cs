using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>
/// A fallback <see cref="IController{TResult}"/> as a graph controller, run only when the watchdog
/// asks for it. As the closed loop always did: on a source fault there is no observation (it reads
/// as default), and the main controller's next step starts from the fallback's command.
/// </summary>
internal sealed class FallbackControllerNode<TResult> : Node where TResult : struct
{
    private readonly IController<TResult> _controller;
    private readonly CommandPayload _main;

    public FallbackControllerNode(string name, IController<TResult> controller, CommandPayload main) : base(name, NodeRole.Controller)
    {
        _controller = controller;
        _main = main;
        Observation = Input<ValuePayload<TResult>>("observation", PayloadType.Value<TResult>());
        Command = Output("command", new CommandPayload(main.Type.Count));
    }

    public InputPort<ValuePayload<TResult>> Observation { get; }
    public OutputPort<CommandPayload> Command { get; }
    public GraphLoop? Loop { get; set; }

    public override void Process()
    {
        if (Loop is { FrameIsSourceFault: true }) Observation.Payload.Value = default;
        CommandPayload c = Command.Payload;
        c.Next = _main.Next;
        _controller.Update(in Observation.Payload.Value, in c.Applied, ref c.Next);
        _main.Next = c.Next;
    }
}
