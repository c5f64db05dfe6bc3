using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Realtime.Bench.Quantization;

/// <summary>The quantizer's choices beyond the activation ranges.</summary>
/// <param name="PerChannel">Conv weights get one scale per output channel (needs opset 13; an older model is raised to it where that changes no operator's meaning).</param>
/// <param name="SignedActivations">Activations as int8 instead of uint8.</param>
public sealed record QuantizeOptions(bool PerChannel, bool SignedActivations);

/// <summary>Which operators without weights keep int8 between the quantized ones.</summary>
public enum CarryMode
{
    /// <summary>None: only what each Conv, MatMul or Gemm reads and writes is quantized; everything between them runs in float.</summary>
    ConvOnly,
    /// <summary>Relu, Clip and MaxPool too: one-input operators that int8 computes exactly (ONNX Runtime folds a Relu or Clip into the range, runs MaxPool on uint8).</summary>
    Unary,
    /// <summary>Add and Concat as well (QLinearAdd, QLinearConcat): fewer Q/DQ round trips, each output rounded to a range of its own.</summary>
    All,
}

/// <summary>What to quantize: which operators carry int8 between the quantized ones, and nodes kept float.</summary>
/// <param name="Carry">Which weightless operators keep int8 between quantized ones.</param>
/// <param name="Exclude">Nodes left float: node names, or <c>first</c> (the first Conv/MatMul/Gemm in graph order), <c>heads</c> (those no other Conv/MatMul/Gemm follows: the output layers) and <c>depthwise</c> (Convs with one input channel per group).</param>
public sealed record QuantizePlan(CarryMode Carry, IReadOnlyList<string> Exclude)
{
    /// <summary>The plan <c>rtapp quantize</c> uses when given no choice (the best measured: README "Quantizing your model").</summary>
    public static readonly QuantizePlan Default = new(CarryMode.ConvOnly, new[] { "heads" });

    /// <summary>The words <see cref="Exclude"/> takes besides node names.</summary>
    public static readonly IReadOnlyList<string> ExcludeWords = new[] { "first", "heads", "depthwise" };
}

/// <summary>What quantization made of a model.</summary>
public sealed class QuantizationResult
{
    /// <summary>The QDQ model.</summary>
    public required ModelProto Model { get; init; }
    /// <summary>Nodes quantized, by operator type.</summary>
    public SortedDictionary<string, int> Quantized { get; } = new(StringComparer.Ordinal);
    /// <summary>Nodes without weights whose inputs and output were quantized too (so ONNX Runtime runs them on int8 or drops them: QLinearAdd, QLinearConcat, uint8 MaxPool, a Relu folded into the range), by operator type.</summary>
    public SortedDictionary<string, int> Carried { get; } = new(StringComparer.Ordinal);
    /// <summary>Nodes left in float, by operator type.</summary>
    public SortedDictionary<string, int> LeftFloat { get; } = new(StringComparer.Ordinal);
    /// <summary>Activations given a QuantizeLinear/DequantizeLinear pair.</summary>
    public int Activations { get; set; }
    /// <summary>What the reader should know (an opset raised, per-tensor weights where per-channel was asked, nodes skipped and why).</summary>
    public List<string> Notes { get; } = new();
}

/// <summary>
/// Static int8 quantization of an ONNX model in QDQ form: the float weights of Conv, MatMul and Gemm
/// become int8 initializers (symmetric; Conv per output channel on request) behind DequantizeLinear,
/// biases int32 at input scale × weight scale, and every activation such a node reads or writes gets a
/// QuantizeLinear/DequantizeLinear pair at its calibrated range (uint8 or int8, asymmetric).
/// ONNX Runtime's graph optimizer fuses DQ → Conv → Q into QLinearConv (MatMul into QLinearMatMul or
/// MatMulInteger, Gemm into QGemm), the integer kernels. The branches of If nodes are quantized as the
/// main graph is (weights there are initializers or Constant nodes); their activations are calibrated by
/// passing them out through each enclosing If (<see cref="CalibrationModel"/>), so a branch the calibration
/// never took keeps its nodes float. Loop and Scan bodies, recurrent cells (LSTM, GRU, RNN) and every other
/// operator stay float.
/// </summary>
public sealed class ModelQuantizer
{
    private readonly ModelProto _model;
    private readonly string _path;
    // Constant tensors by name: the initializers of every graph (main and If branches) and the values of their Constant nodes
    // (exporters write a branch's weights as Constant nodes); ONNX names are unique across a model's graphs.
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly List<GraphProto> _scopes;
    // Activations produced inside an If branch: calibration may never see them (a branch not taken).
    private readonly HashSet<string> _subActivations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _calibrationOutputs = new(StringComparer.Ordinal);
    // Reference sets: protobuf messages compare by value, and two nodes can be alike.
    private readonly HashSet<NodeProto> _targets = new(ReferenceEqualityComparer.Instance);
    private readonly List<NodeProto> _carried = new();
    private readonly HashSet<NodeProto> _carriedOk = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _activations = new();
    private readonly HashSet<string> _graphInputs = new(StringComparer.Ordinal);
    private readonly List<string> _skipNotes = new();

    /// <summary>The operators whose weights this quantizer turns into integers.</summary>
    public static readonly IReadOnlyList<string> Operators = new[] { "Conv", "MatMul", "Gemm" };

    /// <summary>
    /// Operators without weights kept in int8 between quantized ones, as ONNX Runtime's own quantizer does:
    /// without them every tensor would go back to float and again to int8 around each Add, Relu, MaxPool or Concat.
    /// </summary>
    public static readonly IReadOnlyList<string> CarriedOperators = new[] { "Add", "Relu", "Clip", "MaxPool", "Concat" };

    /// <summary>Plans the quantization of <paramref name="model"/> (read from <paramref name="path"/>, named in errors) as <see cref="QuantizePlan.Default"/>.</summary>
    /// <exception cref="InvalidDataException">The model has nothing this quantizer can make integer, or an opset below 10.</exception>
    public ModelQuantizer(ModelProto model, string path) : this(model, path, QuantizePlan.Default) { }

    /// <summary>Plans the quantization of <paramref name="model"/> (read from <paramref name="path"/>, named in errors).</summary>
    /// <exception cref="InvalidDataException">The model has nothing this quantizer can make integer (or all of it is excluded), or an opset below 10.</exception>
    /// <exception cref="ArgumentException">An excluded name is no node of the main graph.</exception>
    public ModelQuantizer(ModelProto model, string path, QuantizePlan plan)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(plan);
        _path = path;
        var graph = model.Graph;
        long opset = OnnxModelFile.DefaultOpset(model);
        _scopes = Scopes(graph);
        foreach (var g in _scopes)
        {
            foreach (var init in g.Initializer) _initializers[init.Name] = init;
            foreach (var n in g.Node)
                if (n.OpType == "Constant" && n.Output.Count == 1 && Attribute(n, "value") is { T: { } value }) _initializers[n.Output[0]] = value;
        }
        foreach (var input in graph.Input)
            if (!_initializers.ContainsKey(input.Name)) _graphInputs.Add(input.Name);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var producedInside = new HashSet<string>(StringComparer.Ordinal);
        for (int s = 1; s < _scopes.Count; s++)
            foreach (var n in _scopes[s].Node)
                foreach (string o in n.Output) producedInside.Add(o);
        int excludedCount = 0;
        var scopeCandidates = new List<List<NodeProto>>();
        foreach (var g in _scopes)
        {
            var candidates = new List<NodeProto>();
            foreach (var node in g.Node)
            {
                if (node.Domain is not ("" or "ai.onnx")) continue;
                if (node.OpType is "Relu" or "Clip" or "MaxPool" ? plan.Carry != CarryMode.ConvOnly : node.OpType is "Add" or "Concat" && plan.Carry == CarryMode.All)
                {
                    _carried.Add(node);
                    continue;
                }
                if (node.OpType is not ("Conv" or "MatMul" or "Gemm")) continue;
                string? why = Unquantizable(node);
                if (why is not null)
                {
                    if (_skipNotes.Count < 5) _skipNotes.Add($"{node.OpType} '{node.Name}' left float: {why}");
                    continue;
                }
                candidates.Add(node);
            }
            scopeCandidates.Add(candidates);
        }
        var excluded = Excluded(_scopes, scopeCandidates, plan.Exclude, path);
        foreach (var candidates in scopeCandidates)
            foreach (var node in candidates)
            {
                if (excluded.Contains(node))
                {
                    excludedCount++;
                    continue;
                }
                _targets.Add(node);
                foreach (string t in ActivationsOf(node))
                    if (seen.Add(t)) _activations.Add(t);
            }
        for (int i = _carried.Count - 1; i >= 0; i--)
            if (excluded.Contains(_carried[i])) _carried.RemoveAt(i);
        if (excludedCount > 0) _skipNotes.Insert(0, $"{excludedCount} Conv/MatMul/Gemm node(s) left float as excluded");
        if (_targets.Count == 0 && excludedCount > 0)
            throw new InvalidDataException($"{path}: nothing to quantize: all {excludedCount} quantizable node(s) are excluded");
        if (_targets.Count == 0)
        {
            var ops = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var n in graph.Node) Count(ops, n.OpType);
            string reason = _skipNotes.Count > 0 ? $"; {string.Join("; ", _skipNotes)}" : "";
            var inner = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var g in _scopes)
                foreach (var n in g.Node) CountSubgraphs(n, inner, loopsOnly: true);
            // A Loop or Scan body runs once per iteration: its values cannot be passed out whole as an If branch's can.
            string sub = inner.Count > 0
                ? $"; inside Loop/Scan bodies: {Describe(inner)}, left float: a body's values change every iteration, so calibration cannot observe them from outside"
                : "";
            throw new InvalidDataException($"{path}: nothing to quantize: no Conv, MatMul or Gemm with constant float weights in the main graph or its If branches (its operators: {Describe(ops)}){sub}{reason}");
        }
        // A carried node joins when its data inputs are computed float tensors (Clip's bounds are not data; a Concat of shapes is int64).
        var floats = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in _scopes) FloatTensors(g, floats);
        foreach (var node in _carried)
        {
            int data = node.OpType == "Clip" ? 1 : node.Input.Count;
            if (node.Output.Count < 1 || node.Input.Count < 1) continue;
            bool all = true;
            for (int k = 0; k < data && k < node.Input.Count; k++)
                if (node.Input[k].Length == 0 || _initializers.ContainsKey(node.Input[k]) || !floats.Contains(node.Input[k])) all = false;
            if (!all) continue;
            for (int k = 0; k < data && k < node.Input.Count; k++)
                if (seen.Add(node.Input[k])) _activations.Add(node.Input[k]);
            if (seen.Add(node.Output[0])) _activations.Add(node.Output[0]);
            _carriedOk.Add(node);
        }
        foreach (string t in _activations)
            if (producedInside.Contains(t)) _subActivations.Add(t);
        if (opset < 10) throw new InvalidDataException($"{path}: opset {opset}: QuantizeLinear/DequantizeLinear need opset 10 or later (export the model at opset 13)");
        if (_graphInputs.Count == 0) throw new InvalidDataException($"{path}: the graph has no input");
    }

    /// <summary>The model's inputs (not initializers), in order.</summary>
    public IReadOnlyList<ValueInfoProto> Inputs
    {
        get
        {
            var list = new List<ValueInfoProto>();
            foreach (var i in _model.Graph.Input)
                if (_graphInputs.Contains(i.Name)) list.Add(i);
            return list;
        }
    }

    /// <summary>The activations to calibrate: what the quantized nodes read and write, in graph order.</summary>
    public IReadOnlyList<string> Activations => _activations;

    /// <summary>Whether <paramref name="tensor"/> is one of the model's inputs (its values are what calibration feeds).</summary>
    public bool IsGraphInput(string tensor) => _graphInputs.Contains(tensor);

    /// <summary>Nodes that will be quantized.</summary>
    public int TargetCount => _targets.Count;

    /// <summary>
    /// The model with every activation to calibrate added as a graph output (float32), serialized, for a calibration session;
    /// <see cref="CalibrationOutput"/> names the output that carries each. An activation inside an If branch is passed out
    /// as a new output of that branch and of its If (the other branch gives an empty tensor), up to the main graph: empty
    /// after a run means the branch was not taken.
    /// </summary>
    public byte[] CalibrationModel()
    {
        var copy = _model.Clone();
        var names = new UniqueNames(copy.Graph);
        var wanted = new HashSet<string>(_activations, StringComparer.Ordinal);
        var map = Expose(copy.Graph, wanted, names);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in copy.Graph.Output) outputs.Add(o.Name);
        _calibrationOutputs.Clear();
        foreach (string t in _activations)
        {
            if (_graphInputs.Contains(t)) continue;
            string name = map.TryGetValue(t, out string? m) ? m : t;
            _calibrationOutputs[t] = name;
            if (outputs.Add(name)) copy.Graph.Output.Add(FloatValue(name));
        }
        return copy.ToByteArray();
    }

    /// <summary>The output of <see cref="CalibrationModel"/> that carries <paramref name="activation"/> (not a graph input).</summary>
    public string CalibrationOutput(string activation) => _calibrationOutputs.TryGetValue(activation, out string? name) ? name : activation;

    /// <summary>Whether <paramref name="activation"/> is computed inside an If branch (calibration may never take it).</summary>
    public bool InsideBranch(string activation) => _subActivations.Contains(activation);

    private static ValueInfoProto FloatValue(string name) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } };

    /// <summary>For each wanted tensor computed in <paramref name="graph"/> or its If branches, the name of a value of <paramref name="graph"/> that carries it out.</summary>
    private static Dictionary<string, string> Expose(GraphProto graph, HashSet<string> wanted, UniqueNames names)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
            foreach (string o in n.Output)
                if (wanted.Contains(o)) map[o] = o;
        foreach (var n in graph.Node)
        {
            if (n.OpType != "If") continue;
            GraphProto? thenG = null, elseG = null;
            foreach (var a in n.Attribute)
            {
                if (a.Name == "then_branch") thenG = a.G;
                else if (a.Name == "else_branch") elseG = a.G;
            }
            if (thenG is null || elseG is null) continue;
            var fromThen = Expose(thenG, wanted, names);
            var fromElse = Expose(elseG, wanted, names);
            var keys = new List<string>(fromThen.Keys);
            foreach (string k in fromElse.Keys)
                if (!fromThen.ContainsKey(k)) keys.Add(k);
            foreach (string k in keys)
            {
                thenG.Output.Add(FloatValue(fromThen.TryGetValue(k, out string? t) ? t : Empty(thenG, names, k)));
                elseG.Output.Add(FloatValue(fromElse.TryGetValue(k, out string? e) ? e : Empty(elseG, names, k)));
                string outer = names.Make(k + "_passed_out");
                n.Output.Add(outer);
                map[k] = outer;
            }
        }
        return map;
    }

    /// <summary>A Constant node in <paramref name="graph"/> giving an empty float tensor: the branch's value for an activation of the other branch.</summary>
    private static string Empty(GraphProto graph, UniqueNames names, string activation)
    {
        string name = names.Make(activation + "_not_taken");
        var c = new NodeProto { OpType = "Constant", Name = names.Make(name + "_Constant") };
        c.Output.Add(name);
        var value = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        value.Dims.Add(0);
        c.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        graph.Node.Add(c);
        return name;
    }

    /// <summary>
    /// The QDQ model for the calibrated <paramref name="ranges"/> (one per <see cref="Activations"/> entry).
    /// The planned model is not changed: the result is a copy.
    /// </summary>
    public QuantizationResult Quantize(IReadOnlyDictionary<string, (float Lo, float Hi)> ranges, QuantizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(options);
        // A branch the calibration never took has no ranges: its nodes stay float (an activation of the main graph must have one).
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (string t in _activations)
            if (!ranges.ContainsKey(t))
            {
                if (!_subActivations.Contains(t)) throw new ArgumentException($"no calibrated range for activation {t}", nameof(ranges));
                missing.Add(t);
            }
        var model = _model.Clone();
        var graph = model.Graph;
        var result = new QuantizationResult { Model = model };
        // Nodes left unquantized (unquantizable or excluded) are counted with every other float node below.
        result.Notes.AddRange(_skipNotes);

        bool perChannel = options.PerChannel;
        long opset = OnnxModelFile.DefaultOpset(model);
        if (perChannel && opset < 13)
        {
            string? blocker = RaiseToOpset13(model, out int moved);
            if (blocker is null) result.Notes.Add($"opset {opset} raised to 13 (per-axis DequantizeLinear needs it){(moved > 0 ? $"; {moved} Split/Squeeze/Unsqueeze/ReduceSum attribute(s) moved to inputs, as opset 13 has them" : "")}");
            else
            {
                perChannel = false;
                result.Notes.Add($"weights per tensor, not per channel: per-axis DequantizeLinear needs opset 13 and raising this opset-{opset} model would change {blocker}");
            }
        }
        if (model.IrVersion < 7) model.IrVersion = 7;

        // Indices into the copies of the graphs (main, then If branches in the same order): the plan was made on the original.
        var scopes = Scopes(graph);
        var targetIndex = new HashSet<(int, int)>();
        var carriedIndex = new HashSet<(int, int)>();
        var used = new List<string>();
        var usedSet = new HashSet<string>(StringComparer.Ordinal);
        int untaken = 0;
        for (int s = 0; s < _scopes.Count; s++)
            for (int i = 0; i < _scopes[s].Node.Count; i++)
            {
                var n = _scopes[s].Node[i];
                bool target = _targets.Contains(n);
                if (!target && !_carriedOk.Contains(n)) continue;
                var acts = target ? new List<string>(ActivationsOf(n)) : CarriedActivations(n);
                bool ranged = true;
                foreach (string t in acts) ranged &= !missing.Contains(t);
                if (!ranged)
                {
                    if (target) untaken++;
                    continue;
                }
                (target ? targetIndex : carriedIndex).Add((s, i));
                foreach (string t in acts)
                    if (usedSet.Add(t)) used.Add(t);
            }
        if (untaken > 0) result.Notes.Add($"{untaken} Conv/MatMul/Gemm node(s) left float in If branches the calibration frames never took");
        var recurrent = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in scopes)
            foreach (var n in g.Node)
                if (n.OpType is "LSTM" or "GRU" or "RNN") Count(recurrent, n.OpType);
        if (recurrent.Count > 0) result.Notes.Add($"{Describe(recurrent)} left float: recurrent cells are not quantized (ONNX Runtime fuses no QDQ {string.Join("/", recurrent.Keys)} into an integer kernel)");

        var names = new UniqueNames(graph);
        var scales = new Dictionary<string, (float Scale, int Zero)>(StringComparer.Ordinal);
        var dataType = options.SignedActivations ? TensorProto.Types.DataType.Int8 : TensorProto.Types.DataType.Uint8;
        foreach (string t in used)
        {
            var (lo, hi) = ranges[t];
            scales[t] = ActivationScale(lo, hi, options.SignedActivations);
        }

        // Every activation gets one Q → DQ pair: produced tensors keep their name at the DQ's output (the producer writes
        // NAME_prequant), so every consumer and graph output reads the fake-quantized value unchanged in name; graph inputs
        // are fed as they are, and the quantized nodes read NAME_dequant. The pair sits in the graph that computes the tensor.
        var inputDequant = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputNodes = new List<NodeProto>();
        foreach (string t in used)
        {
            if (!_graphInputs.Contains(t)) continue;
            string dq = names.Make(t + "_dequant");
            inputNodes.AddRange(QdqPair(graph, names, t, dq, scales[t], dataType));
            inputDequant[t] = dq;
        }
        var weightUses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in scopes)
            foreach (var n in g.Node)
                foreach (string i in n.Input) weightUses[i] = weightUses.GetValueOrDefault(i) + 1;
        var removed = new HashSet<string>(StringComparer.Ordinal);

        for (int s = 0; s < scopes.Count; s++)
        {
            var g = scopes[s];
            var nodes = s == 0 ? new List<NodeProto>(inputNodes) : new List<NodeProto>();
            for (int i = 0; i < g.Node.Count; i++)
            {
                var node = g.Node[i];
                if (targetIndex.Contains((s, i)))
                {
                    float inputScale = scales[node.Input[0]].Scale;
                    for (int k = 0; k < node.Input.Count; k++)
                        if (inputDequant.TryGetValue(node.Input[k], out string? dq)) node.Input[k] = dq;
                    nodes.AddRange(QuantizeWeights(g, names, node, inputScale, perChannel, weightUses, removed));
                    Count(result.Quantized, node.OpType);
                }
                else if (carriedIndex.Contains((s, i)))
                {
                    for (int k = 0; k < node.Input.Count; k++)
                        if (inputDequant.TryGetValue(node.Input[k], out string? dq)) node.Input[k] = dq;
                    Count(result.Carried, node.OpType);
                }
                else if (node.OpType is not ("Constant" or "If")) Count(result.LeftFloat, node.OpType);
                var after = new List<NodeProto>();
                for (int k = 0; k < node.Output.Count; k++)
                {
                    string o = node.Output[k];
                    if (!usedSet.Contains(o) || _graphInputs.Contains(o)) continue;
                    string pre = names.Make(o + "_prequant");
                    node.Output[k] = pre;
                    after.AddRange(QdqPair(g, names, pre, o, scales[o], dataType));
                }
                nodes.Add(node);
                nodes.AddRange(after);
            }
            g.Node.Clear();
            g.Node.AddRange(nodes);
        }
        if (removed.Count > 0)
        {
            // A float weight every reader of which now reads its int8 copy goes: an initializer, or the Constant node that gave it.
            foreach (var g in scopes)
            {
                for (int i = g.Initializer.Count - 1; i >= 0; i--)
                    if (removed.Contains(g.Initializer[i].Name)) g.Initializer.RemoveAt(i);
                for (int i = g.Node.Count - 1; i >= 0; i--)
                    if (g.Node[i].OpType == "Constant" && g.Node[i].Output.Count == 1 && removed.Contains(g.Node[i].Output[0])) g.Node.RemoveAt(i);
            }
            for (int i = graph.Input.Count - 1; i >= 0; i--)
                if (removed.Contains(graph.Input[i].Name)) graph.Input.RemoveAt(i);
        }
        result.Activations = used.Count;
        if (!options.PerChannel) result.Notes.Add("weights per tensor (per-channel quantization gives Conv one scale per output channel)");
        return result;
    }

    /// <summary>Scale and zero point of an activation range, as ONNX Runtime's quantizer makes them (the range widened to hold 0).</summary>
    public static (float Scale, int Zero) ActivationScale(float lo, float hi, bool signed)
    {
        lo = Math.Min(lo, 0f);
        hi = Math.Max(hi, 0f);
        int qmin = signed ? -128 : 0, qmax = signed ? 127 : 255;
        float scale = (hi - lo) / (qmax - qmin);
        // An all-zero tensor: any scale represents it; 1 keeps the arithmetic finite.
        if (!(scale > 0) || !float.IsFinite(scale)) return (1f, 0);
        int zero = (int)Math.Round(qmin - lo / scale);
        return (scale, Math.Clamp(zero, qmin, qmax));
    }

    /// <summary>
    /// The tensors of the main graph that hold float32, followed from the float inputs and initializers
    /// through the nodes in order: most operators give their first input's type; comparisons, shapes,
    /// indices and casts to other types do not give float; Constant and ConstantOfShape give their value's.
    /// </summary>
    private static void FloatTensors(GraphProto graph, HashSet<string> floats)
    {
        const int Float = (int)TensorProto.Types.DataType.Float;
        foreach (var i in graph.Input)
            if (i.Type?.TensorType?.ElemType == Float) floats.Add(i.Name);
        foreach (var i in graph.Initializer)
            if (i.DataType == Float) floats.Add(i.Name);
        foreach (var n in graph.Node)
        {
            bool isFloat = n.OpType switch
            {
                "Shape" or "Size" or "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "Not" or "And" or "Or" or "Xor"
                    or "ArgMax" or "ArgMin" or "NonZero" or "NonMaxSuppression" or "IsNaN" or "IsInf" => false,
                "Cast" => Attribute(n, "to") is { } to && to.I == Float,
                "Constant" => Attribute(n, "value") is { } v && v.T?.DataType == Float,
                "ConstantOfShape" => Attribute(n, "value") is not { } value || value.T?.DataType == Float,
                "Conv" or "MatMul" or "Gemm" => true,
                _ => n.Input.Count > 0 && floats.Contains(n.Input[0]),
            };
            // Split's outputs are all pieces of its input; other operators' second outputs (TopK's, MaxPool's) are indices.
            if (isFloat && n.OpType == "Split") foreach (string o in n.Output) floats.Add(o);
            else if (isFloat && n.Output.Count > 0) floats.Add(n.Output[0]);
        }
    }

    /// <summary>The main graph, then every If branch (pre-order, nested ones after their If's graph): the same order on a copy.</summary>
    private static List<GraphProto> Scopes(GraphProto main)
    {
        var scopes = new List<GraphProto>();
        void Walk(GraphProto g)
        {
            scopes.Add(g);
            foreach (var n in g.Node)
                if (n.OpType == "If" && n.Domain is "" or "ai.onnx")
                    foreach (var a in n.Attribute)
                        if (a.G is not null && a.Name is "then_branch" or "else_branch") Walk(a.G);
        }
        Walk(main);
        return scopes;
    }

    private static AttributeProto? Attribute(NodeProto node, string name)
    {
        foreach (var a in node.Attribute)
            if (a.Name == name) return a;
        return null;
    }

    /// <summary>The nodes <paramref name="exclude"/> names: node names (in any of <paramref name="scopes"/>) or <see cref="QuantizePlan.ExcludeWords"/> (applied to each graph on its own).</summary>
    private HashSet<NodeProto> Excluded(List<GraphProto> scopes, List<List<NodeProto>> scopeCandidates, IReadOnlyList<string> exclude, string path)
    {
        var excluded = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        if (exclude.Count == 0) return excluded;
        var all = new List<NodeProto>();
        foreach (var c in scopeCandidates) all.AddRange(c);
        foreach (string name in exclude)
        {
            if (name is "first" or "depthwise" or "heads")
            {
                // The words apply to each graph on its own: an If branch has its own first layer and output layers.
                for (int s = 0; s < scopes.Count; s++) excluded.UnionWith(ExcludedIn(scopes[s], scopeCandidates[s], name));
                continue;
            }
            bool found = false;
            foreach (var g in scopes)
                foreach (var n in g.Node)
                    if (n.Name == name) { excluded.Add(n); found = true; }
            if (!found)
            {
                var examples = new List<string>();
                foreach (var n in all)
                    if (examples.Count < 3 && n.Name.Length > 0) examples.Add(n.Name);
                throw new ArgumentException($"{path}: no node named '{name}' in the model (exclude takes node names, e.g. {string.Join(", ", examples)}, or {string.Join(", ", QuantizePlan.ExcludeWords)})");
            }
        }
        return excluded;
    }

    private HashSet<NodeProto> ExcludedIn(GraphProto graph, List<NodeProto> candidates, string word)
    {
        var excluded = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        switch (word)
        {
            case "first":
                if (candidates.Count > 0) excluded.Add(candidates[0]);
                break;
            case "depthwise":
                foreach (var n in candidates)
                    if (n.OpType == "Conv" && Attribute(n, "group") is { I: > 1 } g && IsDepthwise(n, g.I)) excluded.Add(n);
                break;
            case "heads":
                excluded.UnionWith(Heads(graph, new HashSet<NodeProto>(candidates, ReferenceEqualityComparer.Instance)));
                break;
        }
        return excluded;
    }

    /// <summary>Whether Conv <paramref name="node"/> of <paramref name="group"/> groups has one input channel per group (its weight [M, 1, ...]).</summary>
    private bool IsDepthwise(NodeProto node, long group) =>
        _initializers.TryGetValue(node.Input[1], out var w) && w.Dims.Count >= 2 && w.Dims[1] == 1 && w.Dims[0] % group == 0;

    /// <summary>The nodes of <paramref name="quantizable"/> after which no other of them runs on their result: the model's output layers.</summary>
    private static List<NodeProto> Heads(GraphProto graph, HashSet<NodeProto> quantizable)
    {
        // Graph order is topological: walking it backwards, a tensor reaches a quantizable node when one of its readers is one or reaches one.
        var reaches = new HashSet<string>(StringComparer.Ordinal);
        var heads = new List<NodeProto>();
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var n = graph.Node[i];
            bool downstream = false;
            foreach (string o in n.Output) downstream |= reaches.Contains(o);
            if (quantizable.Contains(n) && !downstream) heads.Add(n);
            if (downstream || quantizable.Contains(n))
            {
                foreach (string input in n.Input) reaches.Add(input);
                // An If (Loop, Scan) reads outer values inside its subgraphs, not as inputs: Silero's encoder reaches its decoder that way.
                SubgraphReads(n, reaches);
            }
        }
        heads.Reverse();
        return heads;
    }

    /// <summary>Adds every name the nodes of <paramref name="node"/>'s subgraphs read (a superset of the outer values they use).</summary>
    private static void SubgraphReads(NodeProto node, HashSet<string> reads)
    {
        foreach (var a in node.Attribute)
        {
            var graphs = new List<GraphProto>(a.Graphs);
            if (a.G is not null) graphs.Add(a.G);
            foreach (var g in graphs)
                foreach (var n in g.Node)
                {
                    foreach (string input in n.Input) reads.Add(input);
                    SubgraphReads(n, reads);
                }
        }
    }

    /// <summary>Counts the Conv, MatMul, Gemm and recurrent nodes in <paramref name="node"/>'s subgraphs (and theirs).</summary>
    private static void CountSubgraphs(NodeProto node, SortedDictionary<string, int> counts, bool loopsOnly = false)
    {
        // If branches are scopes of their own (Scopes); with loopsOnly only what sits inside Loop and Scan bodies counts.
        if (loopsOnly && node.OpType == "If") return;
        foreach (var a in node.Attribute)
        {
            var graphs = new List<GraphProto>(a.Graphs);
            if (a.G is not null) graphs.Add(a.G);
            foreach (var g in graphs)
                foreach (var n in g.Node)
                {
                    if (n.OpType is "Conv" or "MatMul" or "Gemm" or "LSTM" or "GRU" or "RNN") Count(counts, n.OpType);
                    CountSubgraphs(n, counts);
                }
        }
    }

    /// <summary>Why <paramref name="node"/> cannot be quantized here, or null.</summary>
    private string? Unquantizable(NodeProto node)
    {
        int weightAt = 1;
        if (node.Input.Count < 2) return "fewer than two inputs";
        if (node.OpType == "MatMul")
        {
            // A product of two activations quantizes both; a constant right side is a weight.
            if (_initializers.ContainsKey(node.Input[0])) return "its left side is a constant";
            if (!_initializers.ContainsKey(node.Input[1])) return null;
        }
        else if (_initializers.ContainsKey(node.Input[0])) return "its input is a constant";
        if (!_initializers.TryGetValue(node.Input[weightAt], out var w)) return "its weight is not a constant (an initializer or a Constant node): it is computed";
        if (w.DataType != (int)TensorProto.Types.DataType.Float) return $"its weight is {(TensorProto.Types.DataType)w.DataType}, not float";
        if (w.DataLocation == TensorProto.Types.DataLocation.External) return "its weight is stored outside the model file";
        if (ElementCount(w) is not long n || n == 0) return "its weight's dims are invalid";
        if (FloatCount(w) != n) return $"its weight holds {FloatCount(w)} values for dims [{string.Join(",", w.Dims)}]";
        if (node.OpType == "Conv" && w.Dims.Count < 3) return "its weight has fewer than 3 dims";
        if (node.OpType is "MatMul" or "Gemm" && w.Dims.Count != 2) return "its weight is not a matrix";
        if (node.OpType == "Gemm")
        {
            foreach (var a in node.Attribute)
            {
                if (a.Name == "transA" && a.I != 0) return "transA";
                if (a.Name is "alpha" or "beta" && a.F != 1f) return $"{a.Name} = {a.F}";
            }
        }
        if (node.OpType is "Conv" or "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            if (!_initializers.TryGetValue(node.Input[2], out var b)) return "its bias is not an initializer";
            if (b.DataType != (int)TensorProto.Types.DataType.Float || ElementCount(b) is not long bn || FloatCount(b) != bn) return "its bias is not a float constant";
            if (node.OpType == "Conv" && (b.Dims.Count != 1 || b.Dims[0] != w.Dims[0])) return "its bias does not match its output channels";
        }
        return null;
    }

    /// <summary>What a carried node reads (its data inputs: Clip's bounds are not) and writes.</summary>
    private static List<string> CarriedActivations(NodeProto node)
    {
        var list = new List<string>();
        int data = node.OpType == "Clip" ? 1 : node.Input.Count;
        for (int k = 0; k < data && k < node.Input.Count; k++) list.Add(node.Input[k]);
        list.Add(node.Output[0]);
        return list;
    }

    private IEnumerable<string> ActivationsOf(NodeProto node)
    {
        yield return node.Input[0];
        if (node.OpType == "MatMul" && !_initializers.ContainsKey(node.Input[1])) yield return node.Input[1];
        yield return node.Output[0];
    }

    /// <summary>Replaces the node's weight (and bias) inputs with DequantizeLinear of int8 (int32) initializers; returns those DQ nodes.</summary>
    private List<NodeProto> QuantizeWeights(GraphProto graph, UniqueNames names, NodeProto node, float xScale,
        bool perChannel, Dictionary<string, int> uses, HashSet<string> removed)
    {
        var made = new List<NodeProto>();
        if (node.OpType == "MatMul" && !_initializers.ContainsKey(node.Input[1])) return made;
        var w = _initializers[node.Input[1]];
        float[] values = Floats(w);
        bool axis = perChannel && node.OpType == "Conv";
        int channels = axis ? (int)w.Dims[0] : 1;
        int perChannelCount = values.Length / channels;
        var wScale = new float[channels];
        var q = new sbyte[values.Length];
        for (int c = 0; c < channels; c++)
        {
            float max = 0;
            for (int k = c * perChannelCount; k < (c + 1) * perChannelCount; k++) max = Math.Max(max, Math.Abs(values[k]));
            float s = max > 0 ? max / 127f : 1f;
            wScale[c] = s;
            for (int k = c * perChannelCount; k < (c + 1) * perChannelCount; k++) q[k] = (sbyte)Math.Clamp((int)Math.Round(values[k] / s), -127, 127);
        }
        string wName = node.Input[1];
        string qName = names.Make(wName + "_quantized"), sName = names.Make(wName + "_scale"), zName = names.Make(wName + "_zero_point"), dqName = names.Make(wName + "_dequant");
        graph.Initializer.Add(Int8Tensor(qName, w.Dims, q));
        graph.Initializer.Add(FloatTensor(sName, axis ? new long[] { channels } : Array.Empty<long>(), wScale));
        graph.Initializer.Add(Int8Tensor(zName, axis ? new long[] { channels } : Array.Empty<long>(), new sbyte[channels]));
        made.Add(Dq(names, qName, sName, zName, dqName, axis ? 0 : null));
        node.Input[1] = dqName;
        Release(wName, uses, removed);

        if (node.OpType is "Conv" or "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            var b = _initializers[node.Input[2]];
            float[] bias = Floats(b);
            var bScale = new float[channels];
            for (int c = 0; c < channels; c++) bScale[c] = xScale * wScale[c];
            var bq = new int[bias.Length];
            for (int k = 0; k < bias.Length; k++)
            {
                float s = bScale[axis ? k : 0];
                double v = s > 0 ? Math.Round(bias[k] / (double)s) : 0;
                bq[k] = (int)Math.Clamp(v, int.MinValue + 1, int.MaxValue);
            }
            string bName = node.Input[2];
            string bqName = names.Make(bName + "_quantized"), bsName = names.Make(bName + "_scale"), bzName = names.Make(bName + "_zero_point"), bdqName = names.Make(bName + "_dequant");
            graph.Initializer.Add(Int32Tensor(bqName, b.Dims, bq));
            graph.Initializer.Add(FloatTensor(bsName, axis ? new long[] { channels } : Array.Empty<long>(), bScale));
            graph.Initializer.Add(Int32Tensor(bzName, axis ? new long[] { channels } : Array.Empty<long>(), new int[channels]));
            made.Add(Dq(names, bqName, bsName, bzName, bdqName, axis ? 0 : null));
            node.Input[2] = bdqName;
            Release(bName, uses, removed);
        }
        return made;
    }

    private static void Release(string initializer, Dictionary<string, int> uses, HashSet<string> removed)
    {
        // A weight another node also reads stays (float) for that node.
        if (--CollectionsMarshal.GetValueRefOrAddDefault(uses, initializer, out _) <= 0) removed.Add(initializer);
    }

    private static List<NodeProto> QdqPair(GraphProto graph, UniqueNames names, string input, string output, (float Scale, int Zero) q, TensorProto.Types.DataType type)
    {
        string scale = names.Make(output + "_scale"), zero = names.Make(output + "_zero_point"), quantized = names.Make(output + "_quantized");
        graph.Initializer.Add(FloatTensor(scale, Array.Empty<long>(), new[] { q.Scale }));
        graph.Initializer.Add(type == TensorProto.Types.DataType.Int8
            ? Int8Tensor(zero, Array.Empty<long>(), new[] { (sbyte)q.Zero })
            : new TensorProto { Name = zero, DataType = (int)TensorProto.Types.DataType.Uint8, RawData = ByteString.CopyFrom((byte)q.Zero) });
        var qNode = new NodeProto { OpType = "QuantizeLinear", Name = names.Make(output + "_QuantizeLinear") };
        qNode.Input.Add(input);
        qNode.Input.Add(scale);
        qNode.Input.Add(zero);
        qNode.Output.Add(quantized);
        var dq = Dq(names, quantized, scale, zero, output, null);
        return new List<NodeProto> { qNode, dq };
    }

    private static NodeProto Dq(UniqueNames names, string input, string scale, string zero, string output, int? axis)
    {
        var dq = new NodeProto { OpType = "DequantizeLinear", Name = names.Make(output + "_DequantizeLinear") };
        dq.Input.Add(input);
        dq.Input.Add(scale);
        dq.Input.Add(zero);
        dq.Output.Add(output);
        if (axis is int a) dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        return dq;
    }

    /// <summary>
    /// Raises the default opset to 13, moving the attributes that became inputs (Split's split, Squeeze's and
    /// Unsqueeze's axes, ReduceSum's axes) into initializers; returns what would change meaning instead
    /// (Softmax-family axis semantics, any opset below 11), or null when done.
    /// </summary>
    private static string? RaiseToOpset13(ModelProto model, out int moved)
    {
        moved = 0;
        long opset = OnnxModelFile.DefaultOpset(model);
        if (opset < 11) return "the meaning of operators revised in opsets 11 to 13 (re-export at opset 13 for per-channel weights)";
        if (Scopes(model.Graph).Count > 1) return "the operators inside its If branches (re-export at opset 13 for per-channel weights)";
        foreach (var n in model.Graph.Node)
            if (n.Domain is "" or "ai.onnx" && n.OpType is "Softmax" or "LogSoftmax" or "Hardmax") return $"{n.OpType}'s axis semantics (node '{n.Name}')";
        var names = new UniqueNames(model.Graph);
        foreach (var n in model.Graph.Node)
        {
            if (n.Domain is not ("" or "ai.onnx")) continue;
            string? attribute = n.OpType switch { "Split" => "split", "Squeeze" or "Unsqueeze" or "ReduceSum" => "axes", _ => null };
            if (attribute is null) continue;
            for (int i = 0; i < n.Attribute.Count; i++)
            {
                if (n.Attribute[i].Name != attribute) continue;
                var ints = n.Attribute[i].Ints;
                string name = names.Make((n.Name.Length > 0 ? n.Name : n.OpType) + "_" + attribute);
                var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
                t.Dims.Add(ints.Count);
                t.Int64Data.AddRange(ints);
                model.Graph.Initializer.Add(t);
                n.Attribute.RemoveAt(i);
                // Before opset 13 each of these has one input; the attribute becomes the second.
                n.Input.Add(name);
                moved++;
                break;
            }
        }
        foreach (var o in model.OpsetImport)
            if (o.Domain is "" or "ai.onnx") o.Version = 13;
        return null;
    }

    /// <summary>The element count of <paramref name="t"/>'s dims, or null when a dim is negative or the product overflows an array.</summary>
    private static long? ElementCount(TensorProto t)
    {
        long n = 1;
        foreach (long d in t.Dims)
        {
            if (d < 0 || d > Array.MaxLength) return null;
            n *= d;
            if (n > Array.MaxLength) return null;
        }
        return n;
    }

    private static long FloatCount(TensorProto t) => t.RawData.Length > 0 ? (t.RawData.Length % 4 == 0 ? t.RawData.Length / 4 : -1) : t.FloatData.Count;

    private static float[] Floats(TensorProto t)
    {
        if (t.RawData.Length > 0) return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        var values = new float[t.FloatData.Count];
        t.FloatData.CopyTo(values, 0);
        return values;
    }

    private static TensorProto FloatTensor(string name, IEnumerable<long> dims, float[] values) =>
        Raw(name, dims, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()));

    private static TensorProto Int8Tensor(string name, IEnumerable<long> dims, sbyte[] values) =>
        Raw(name, dims, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()));

    private static TensorProto Int32Tensor(string name, IEnumerable<long> dims, int[] values) =>
        Raw(name, dims, TensorProto.Types.DataType.Int32, MemoryMarshal.AsBytes(values.AsSpan()));

    private static TensorProto Raw(string name, IEnumerable<long> dims, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes)
    {
        // raw_data is little-endian, as this machine and every board the project targets.
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>"Conv 37, Relu 17" from counts by operator type.</summary>
    public static string Describe(IReadOnlyDictionary<string, int> counts)
    {
        var parts = new List<string>();
        foreach (var kv in counts) parts.Add($"{kv.Key} {kv.Value}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>Tensor and node names not yet used in the graph.</summary>
    private sealed class UniqueNames
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public UniqueNames(GraphProto graph) => Add(graph);

        private void Add(GraphProto graph)
        {
            foreach (var i in graph.Initializer) _used.Add(i.Name);
            foreach (var i in graph.Input) _used.Add(i.Name);
            foreach (var o in graph.Output) _used.Add(o.Name);
            foreach (var n in graph.Node)
            {
                _used.Add(n.Name);
                foreach (string s in n.Input) _used.Add(s);
                foreach (string s in n.Output) _used.Add(s);
                // Names are unique across a model's graphs: a new name must not be one of a subgraph's either.
                foreach (var a in n.Attribute)
                {
                    if (a.G is not null) Add(a.G);
                    foreach (var g in a.Graphs) Add(g);
                }
            }
        }

        public string Make(string wanted)
        {
            string name = wanted;
            for (int k = 1; !_used.Add(name); k++) name = $"{wanted}_{k}";
            return name;
        }
    }
}
