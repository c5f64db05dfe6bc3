using Microsoft.ML.OnnxRuntime.Tensors;

namespace Realtime.Onnx.Offload;

/// <summary>One tensor a request sends or a reply must carry: the model's name, element type, shape and size in bytes.</summary>
public sealed record OffloadTensor(string Name, TensorElementType Type, long[] Shape, int Bytes);
