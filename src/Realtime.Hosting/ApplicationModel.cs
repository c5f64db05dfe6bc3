using System;
using System.Collections.Generic;
using Realtime.Core.Graph;
using Realtime.Onnx;

namespace Realtime.Hosting;

/// <summary>One model an application runs: its name in the application, its file and its bound engine (cold-start figures and the run count come from it).</summary>
public sealed class ApplicationModel
{
    /// <summary>The model <paramref name="name"/> (its onnx-model node's name in the graph) loaded from <paramref name="path"/>.</summary>
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

    /// <summary>
    /// The tensors the application writes the model's fed inputs into, each with the model's name of
    /// that input (a graph's upstream payloads, which the model reads in place; inputs the model node
    /// fills itself, carried state or constants, are not listed); null where the application's
    /// preprocessing writes the engine's own bound input (<see cref="OnnxInferenceEngine.Input"/>).
    /// The bench reads the frames a model really sees from here.
    /// </summary>
    public IReadOnlyList<ModelInput>? Inputs { get; init; }
}

/// <summary>One input a model is fed: the model's name of it and the tensor the application writes it into.</summary>
/// <param name="Name">The model's input name.</param>
/// <param name="Tensor">The tensor.</param>
public readonly record struct ModelInput(string Name, TensorPayload Tensor);
