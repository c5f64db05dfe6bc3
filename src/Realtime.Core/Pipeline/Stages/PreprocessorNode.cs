using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An <see cref="IPreprocessor"/> as a graph transform: a frame into the engine's bound input.</summary>
internal sealed class PreprocessorNode : Node
{
    private readonly IPreprocessor _preprocessor;
    private readonly IInferenceEngine _engine;

    public PreprocessorNode(string name, IPreprocessor preprocessor, IInferenceEngine engine) : base(name, NodeRole.Transform, Stage.Preprocess)
    {
        _preprocessor = preprocessor;
        _engine = engine;
        Image = Input<ImagePayload>("image", PayloadType.Image());
        Tensor = Output("tensor", new EngineInputTensor(engine));
    }

    public InputPort<ImagePayload> Image { get; }
    public OutputPort<EngineInputTensor> Tensor { get; }

    public override void Process() => _preprocessor.Process(Image.Payload.Frame, _engine.Input);
}
