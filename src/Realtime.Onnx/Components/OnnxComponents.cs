using System.Collections.Generic;
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
            // A session takes tens of ms to create: beside the other nodes (a camera opening its video), not after them.
            files: ModelFiles, concurrent: true);
        r.Register(OffloadModel.TypeName, OffloadModel.Create, "an ONNX model tried on a KServe v2 server first (url) when its round trip fits the frame, the local model the fallback",
            files: ReferencedFile.Fields("path"), concurrent: true);
        return r;
    }

    // The model and every ladder variant's model: what rtapp check verifies and a bundle carries.
    private static IReadOnlyList<ReferencedFile> ModelFiles(NodeConfig config)
    {
        var files = new List<ReferencedFile>(ReferencedFile.Fields("path")(config));
        if (config.Section("ladder")?.Section("variants") is { } variants)
            foreach (string rung in variants.Names())
                if (variants.Section(rung) is { } v && v.Text("path", "") is { Length: > 0 } path)
                    files.Add(new ReferencedFile($"{v.Field}.path", path));
        return files;
    }
}
