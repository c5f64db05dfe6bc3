using System;
using Realtime.Onnx;

namespace Realtime.Hosting;

/// <summary>One model an application runs: its name in the application, its file and its bound engine (cold-start figures and the run count come from it).</summary>
public sealed class ApplicationModel
{
    /// <summary>The model <paramref name="name"/> (a graph's node name; a demo's is <c>model</c>) loaded from <paramref name="path"/>.</summary>
    public ApplicationModel(string name, string path, OnnxInferenceEngine engine)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(engine);
        Name = name;
        Path = path;
        Engine = engine;
    }

    /// <summary>Its name in the application.</summary>
    public string Name { get; }
    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>The bound engine.</summary>
    public OnnxInferenceEngine Engine { get; }
}
