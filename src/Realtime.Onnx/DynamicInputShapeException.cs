using System.IO;

namespace Realtime.Onnx;

/// <summary>A model input with a dynamic dimension (beyond the batch) that was given no shape: the binding cannot size its buffer.</summary>
public sealed class DynamicInputShapeException : InvalidDataException
{
    /// <summary>The input <paramref name="input"/> of the model at <paramref name="path"/> needs a shape, as <paramref name="shapeHint"/> writes it (<c>input=1xN</c>).</summary>
    public DynamicInputShapeException(string path, string input, string dims, int dimension, string shapeHint)
        : base($"{path}: input '{input}' has shape [{dims}] with dynamic dimension {dimension}: give its shape ({shapeHint})")
    {
        Input = input;
        ShapeHint = shapeHint;
    }

    /// <summary>The input's name.</summary>
    public string Input { get; }

    /// <summary>The shape to give, with the dynamic dimensions as N: <c>input=1xN</c>.</summary>
    public string ShapeHint { get; }
}
