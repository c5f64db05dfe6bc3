using Realtime.Core.Graph;

namespace Realtime.Onnx.Components;

/// <summary>The built-in components over ONNX Runtime (one registration line each).</summary>
public static class OnnxComponents
{
    /// <summary>Registers Onnx's component types with <paramref name="r"/>.</summary>
    public static ComponentRegistry AddOnnxComponents(this ComponentRegistry r)
    {
        System.ArgumentNullException.ThrowIfNull(r);
        r.Register(OnnxModelNode.TypeName, OnnxModelNode.Create, "an ONNX model: one port per model input and output, bound once, zero copy",
            files: ReferencedFile.Fields("path"));
        return r;
    }
}
