using System;
using System.Runtime.InteropServices;
using Realtime.Core.Graph;

namespace Realtime.Core.Pipeline;

/// <summary>An engine's bound input as a tensor payload: the preprocessor writes the model's own pinned input, no copy.</summary>
internal sealed class EngineInputTensor : TensorPayload
{
    private readonly IInferenceEngine _engine;

    public EngineInputTensor(IInferenceEngine engine) : base(PayloadType.Tensor(TensorElement.Float32, Math.Max(1, engine.Input.Length))) => _engine = engine;

    public override Span<byte> Bytes => MemoryMarshal.AsBytes(_engine.Input);
}
