using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// A controller's command for a sink, and what became of the last one: the loop writes
/// <see cref="Applied"/> after each write through the watchdog's door (a held or safe command),
/// so a controller computes its next step from what is really on the outputs.
/// </summary>
public sealed class CommandPayload : Payload
{
    /// <summary>A command of <paramref name="channels"/> channels (0: a loop with no outputs to drive, such as a model-alone bench).</summary>
    public CommandPayload(int channels) : base(PayloadType.Command(channels))
    {
        Next.Count = channels;
        Applied.Count = channels;
        Safe.Count = channels;
    }

    /// <summary>The command the controller computed this frame.</summary>
    public ActuatorCommand Next;

    /// <summary>The command on the outputs before this frame (the loop keeps it).</summary>
    public ActuatorCommand Applied;

    /// <summary>The sink's safe command, written by the loop once it has driven the sink safe (before the first frame): what a fallback controller walks back to.</summary>
    public ActuatorCommand Safe;
}
