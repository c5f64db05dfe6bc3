using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Realtime.Bench.Batching;

/// <summary>What <see cref="ModelBatcher.Rewrite"/> made: the batch-N model and what it changed.</summary>
/// <param name="Model">The rewritten model (the original is left as it was).</param>
/// <param name="Inputs">Graph inputs whose first dimension became N.</param>
/// <param name="Outputs">Graph outputs whose first dimension became N.</param>
/// <param name="Reshapes">Reshape nodes whose constant shape led with the batch (1), now 0 (copy the input's first dimension).</param>
/// <param name="Filled">ConstantOfShape nodes whose constant shape led with 1, now N.</param>
public sealed record BatchedModel(ModelProto Model, int Inputs, int Outputs, int Reshapes, int Filled);

/// <summary>
/// Makes a fixed-batch-N variant of a batch-1 ONNX model: the graph inputs' and outputs' first
/// dimension set to N, every Reshape whose constant target shape leads with 1 made to lead with 0
/// (ONNX's "copy this dimension from the input", so the batch flows through), every ConstantOfShape
/// whose constant shape leads with 1 made to lead with N (BlazeFace pads channels with such zeros), and the intermediate
/// shapes the exporter recorded dropped (ONNX Runtime infers them again). Operators that bake the
/// batch in some other way (Expand, Tile, a flattening Reshape to [-1, ...]) are not rewritten: the
/// result must be checked against the batch-1 model on real frames (<see cref="BatchVerifier"/>).
/// </summary>
public static class ModelBatcher
{
    /// <summary>Rewrites <paramref name="source"/> (read from <paramref name="path"/>, named in errors) for a batch of <paramref name="batch"/>.</summary>
    public static BatchedModel Rewrite(ModelProto source, string path, int batch)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (batch < 2) throw new ArgumentOutOfRangeException(nameof(batch), batch, "a batch of 2 or more");
        var model = source.Clone();
        var graph = model.Graph;
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) initializers.Add(t.Name);

        int inputs = 0, outputs = 0;
        foreach (var input in graph.Input)
        {
            if (initializers.Contains(input.Name)) continue; // a weight listed as an input (old exporters) is no batch
            SetBatch(input, path, "input", batch);
            inputs++;
        }
        foreach (var output in graph.Output)
        {
            SetBatch(output, path, "output", batch);
            outputs++;
        }
        if (inputs == 0) throw new InvalidDataException($"{path}: the model has no input to batch");
        // The exporter's recorded intermediate shapes say batch 1; ORT infers them again from the new inputs.
        graph.ValueInfo.Clear();

        var tensors = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) tensors[t.Name] = t;
        foreach (var node in graph.Node)
            if (node.OpType == "Constant" && node.Output.Count == 1)
                foreach (var a in node.Attribute)
                    if (a.Name == "value" && a.T is { } t) tensors[node.Output[0]] = t;

        // Each constant shape is rewritten once, however many nodes read it.
        var done = new HashSet<TensorProto>(ReferenceEqualityComparer.Instance);
        int reshapes = 0, filled = 0;
        foreach (var node in graph.Node)
        {
            bool reshape = node.OpType == "Reshape" && node.Input.Count >= 2;
            // ConstantOfShape makes a tensor of a given shape (an exporter's zero padding of channels, concatenated to
            // an activation): its batch is N, fixed, as the variant's is.
            bool constant = node.OpType == "ConstantOfShape" && node.Input.Count >= 1;
            if (!reshape && !constant) continue;
            if (!tensors.TryGetValue(node.Input[reshape ? 1 : 0], out var shape)) continue;
            foreach (var a in node.Attribute)
                if (reshape && a.Name == "allowzero" && a.I != 0)
                    throw new InvalidDataException($"{path}: Reshape '{node.Name}' has allowzero=1, so a 0 in its shape cannot copy the batch");
            if (done.Contains(shape))
            {
                if (reshape) reshapes++; else filled++;
                continue;
            }
            long[]? dims = Int64s(shape);
            if (dims is null || dims.Length == 0 || dims[0] != 1) continue;
            dims[0] = reshape ? 0 : batch;
            SetInt64s(shape, dims);
            done.Add(shape);
            if (reshape) reshapes++; else filled++;
        }
        return new BatchedModel(model, inputs, outputs, reshapes, filled);
    }

    /// <summary>A value's dimensions (-1 for a symbolic or unknown one); empty when it has no shape.</summary>
    public static long[] Dims(ValueInfoProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var dims = value.Type?.TensorType?.Shape?.Dim;
        if (dims is null) return Array.Empty<long>();
        var result = new long[dims.Count];
        for (int i = 0; i < result.Length; i++) result[i] = dims[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dims[i].DimValue : -1;
        return result;
    }

    private static void SetBatch(ValueInfoProto value, string path, string kind, int batch)
    {
        var dims = value.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0)
            throw new InvalidDataException($"{path}: {kind} '{value.Name}' has no shape with a first (batch) dimension");
        var first = dims[0];
        bool fixedOther = first.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && first.DimValue != 1;
        if (fixedOther)
            throw new InvalidDataException($"{path}: {kind} '{value.Name}' has shape [{string.Join(",", Dims(value))}]: its first dimension is {first.DimValue}, not a batch of 1");
        first.DimValue = batch; // also replaces a symbolic batch (dim_param): the variant takes N frames, no other count
    }

    private static long[]? Int64s(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Int64) return null;
        if (t.RawData.Length > 0) return t.RawData.Length % 8 == 0 ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : null;
        var values = new long[t.Int64Data.Count];
        t.Int64Data.CopyTo(values, 0);
        return values;
    }

    private static void SetInt64s(TensorProto t, long[] values)
    {
        if (t.RawData.Length > 0) t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        else
        {
            t.Int64Data.Clear();
            t.Int64Data.AddRange(values);
        }
    }

    /// <summary>A shape as text, [1,128,128,3] (-1 for a symbolic dimension).</summary>
    public static string Shape(long[] dims) => "[" + string.Join(",", Array.ConvertAll(dims, d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
