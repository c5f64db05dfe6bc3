using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IInferenceEngine"/> as a graph transform: runs the model on its bound input; its output counts runs (the decoder reads the engine's bound outputs).</summary>
internal sealed class InferenceNode : Node
{
    private readonly IInferenceEngine _engine;

    public InferenceNode(string name, IInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Infer)
    {
        _engine = engine;
        Tensor = Input<TensorPayload>("tensor", PayloadType.Tensor(TensorElement.Float32, null));
        Runs = Output("runs", new ValuePayload<long>());
    }

    public InputPort<TensorPayload> Tensor { get; }
    public OutputPort<ValuePayload<long>> Runs { get; }

    public override void Process()
    {
        _engine.Run();
        Runs.Payload.Value++;
    }
}
