using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IDecoder{TResult}"/> as a graph transform: the engine's outputs for the frame into an observation.</summary>
internal sealed class DecoderNode<TResult> : Node where TResult : struct
{
    private readonly IDecoder<TResult> _decoder;
    private readonly IInferenceEngine _engine;

    public DecoderNode(string name, IDecoder<TResult> decoder, IInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Decode)
    {
        _decoder = decoder;
        _engine = engine;
        Runs = Input<ValuePayload<long>>("runs", PayloadType.Value<long>());
        Image = Input<ImagePayload>("image", PayloadType.Image());
        Observation = Output("observation", new ValuePayload<TResult>());
    }

    public InputPort<ValuePayload<long>> Runs { get; }
    public InputPort<ImagePayload> Image { get; }
    public OutputPort<ValuePayload<TResult>> Observation { get; }

    public override void Process() => _decoder.Decode(_engine, Image.Payload.Frame, ref Observation.Payload.Value);
}
