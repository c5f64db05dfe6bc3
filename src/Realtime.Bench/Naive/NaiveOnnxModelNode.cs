using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Onnx;
using Realtime.Onnx.Components;

namespace Realtime.Bench.Naive;

/// <summary>
/// <c>naive-onnx-model</c>: the model node a newcomer writes, kept on purpose for
/// <c>rtapp bench --compare naive</c> and registered only by the bench (<see cref="Register"/>).
/// Its config, ports and session settings are <c>onnx-model</c>'s (read by the same factory), so
/// swapping the type of a graph's model node is the whole twin; every frame it copies each input
/// into a new array and a new <see cref="DenseTensor{T}"/> in a new <see cref="NamedOnnxValue"/>
/// list, calls the convenience <see cref="InferenceSession.Run(IReadOnlyCollection{NamedOnnxValue})"/>
/// and copies each output into a new array before it reaches the output. Float32 tensors, no carried state.
/// </summary>
public sealed class NaiveOnnxModelNode : Node, IDisposable
{
    /// <summary>The component type's name.</summary>
    public const string TypeName = "naive-onnx-model";

    private readonly InferenceSession _session;
    private readonly InputPort<TensorPayload>[] _inputs;
    private readonly string[] _inputNames;
    private readonly int[][] _inputDims;
    private readonly OutputPort<TensorPayload>[] _outputs;
    private readonly string[] _outputNames;

    private NaiveOnnxModelNode(OnnxModelNode like) : base(like.Name, NodeRole.Transform, Stage.Infer)
    {
        var engine = like.Engine;
        using (var options = engine.Settings.CreateSessionOptions()) _session = new InferenceSession(engine.ModelPath, options);
        _inputs = new InputPort<TensorPayload>[like.Inputs.Count];
        _inputNames = new string[_inputs.Length];
        _inputDims = new int[_inputs.Length][];
        for (int i = 0; i < _inputs.Length; i++)
        {
            var port = like.Inputs[i];
            _inputs[i] = Input<TensorPayload>(port.Name, port.Type);
            _inputNames[i] = like.ModelInputName(i);
            _inputDims[i] = port.Type.Shape.ToArray();
        }
        _outputs = new OutputPort<TensorPayload>[like.Outputs.Count];
        _outputNames = new string[_outputs.Length];
        for (int i = 0; i < _outputs.Length; i++)
        {
            var port = like.Outputs[i];
            _outputs[i] = Output(port.Name, new TensorPayload(port.Type.Element, port.Type.Shape.ToArray()));
            _outputNames[i] = engine.OutputNames[i];
        }
    }

    /// <summary>Adds <c>naive-onnx-model</c> to a copy of <paramref name="components"/> (the host's own registry is left as it is).</summary>
    public static ComponentRegistry Register(ComponentRegistry components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return components.With(TypeName, Create, "the bench's naive model node: allocates per frame (for the bench's naive comparison only)");
    }

    /// <summary>The factory: onnx-model's (its config, its checks), then the naive node over the same model and settings.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        var like = OnnxModelNode.Create(name, config, context);
        if (like.CarriesState) config.Problem("state", $"{TypeName} runs models without carried state");
        foreach (var p in like.Inputs)
            if (p.Type.Element != TensorElement.Float32) config.Problem("path", $"{TypeName} runs float32 tensors; input port '{p.Name}' is {p.Type}");
        foreach (var p in like.Outputs)
            if (p.Type.Element != TensorElement.Float32) config.Problem("path", $"{TypeName} runs float32 tensors; output port '{p.Name}' is {p.Type}");
        if (config.Problems.Count > 0) throw new ArgumentException("see the problems above");
        return context.Own(new NaiveOnnxModelNode(like));
    }

    /// <inheritdoc/>
    public override void Process()
    {
        // Deliberately the allocating path: this node exists to be compared with onnx-model.
        var inputs = new List<NamedOnnxValue>();
        for (int i = 0; i < _inputs.Length; i++)
            inputs.Add(NamedOnnxValue.CreateFromTensor(_inputNames[i], new DenseTensor<float>(_inputs[i].Payload.Floats.ToArray(), _inputDims[i])));
        using var results = _session.Run(inputs);
        foreach (var r in results)
        {
            int i = Array.IndexOf(_outputNames, r.Name);
            if (i >= 0) r.AsTensor<float>().ToArray().AsSpan().CopyTo(_outputs[i].Payload.Floats);
        }
    }

    /// <summary>Releases the session (the context owns the node).</summary>
    public void Dispose() => _session.Dispose();
}
