using Realtime.Onnx;

namespace Realtime.Hosting.Serving;

/// <summary>A model <see cref="InferenceServer"/> serves: its name in URLs, and the engine that runs it (every input bound to the engine's own memory).</summary>
public sealed record ServedModel(string Name, OnnxInferenceEngine Engine);
