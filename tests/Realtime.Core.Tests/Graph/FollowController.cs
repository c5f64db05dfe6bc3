using Realtime.Core.Graph;

namespace Realtime.Core.Tests.Graph;

/// <summary>A real controller: steps channel 0 from the applied value toward gain × the observation (a P-controller on what is really on the outputs).</summary>
internal sealed class FollowController : Node
{
    private readonly float _gain;

    public FollowController(string name, float gain = 100f, int channels = 1) : base(name, NodeRole.Controller)
    {
        _gain = gain;
        Observation = Input<ValuePayload<float>>("observation", PayloadType.Value<float>());
        Command = Output("command", new CommandPayload(channels));
    }

    public InputPort<ValuePayload<float>> Observation { get; }
    public OutputPort<CommandPayload> Command { get; }
    public int Runs { get; private set; }

    public override void Process()
    {
        CommandPayload c = Command.Payload;
        float target = _gain * Observation.Payload.Value;
        c.Next.Values[0] = c.Applied.Values[0] + 0.5f * (target - c.Applied.Values[0]);
        Runs++;
    }
}
