using System;
using System.IO;
using Google.Protobuf;
using Onnx;
using Realtime.Core.Profiles;

namespace Realtime.Bench.Quantization;

/// <summary>An ONNX model read as its protobuf graph (OnnxSharp's generated classes), checked enough to be quantized safely.</summary>
public static class OnnxModelFile
{
    /// <summary>The largest model read, bytes (protobuf's own limit is 2 GiB; weights of an edge model are far below).</summary>
    public const int MaxBytes = 1 << 30;

    /// <summary>
    /// Reads <paramref name="path"/> through <see cref="InputFile"/> (a regular file, at most
    /// <see cref="MaxBytes"/>) and parses it; anything that is not an ONNX model with a graph is an
    /// <see cref="InvalidDataException"/> "PATH: problem".
    /// </summary>
    public static ModelProto Read(string path)
    {
        byte[] bytes = InputFile.ReadBytes(path, MaxBytes, out string? problem) ?? throw new InvalidDataException($"{path}: {problem}");
        return Parse(bytes, path);
    }

    /// <summary>Parses <paramref name="bytes"/> (named <paramref name="path"/> in errors).</summary>
    public static ModelProto Parse(byte[] bytes, string path)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException ex) { throw new InvalidDataException($"{path}: is not an ONNX model (protobuf: {ex.Message})"); }
        // Protobuf accepts many byte strings as an empty or odd message: a model has a graph with nodes and an opset.
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new InvalidDataException($"{path}: is not an ONNX model (no graph nodes)");
        if (model.OpsetImport.Count == 0) throw new InvalidDataException($"{path}: is not an ONNX model (no opset_import)");
        return model;
    }

    /// <summary>The opset of ONNX's default domain ("" or "ai.onnx"); 0 when the model imports none.</summary>
    public static long DefaultOpset(ModelProto model)
    {
        foreach (var o in model.OpsetImport)
            if (o.Domain is "" or "ai.onnx") return o.Version;
        return 0;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (a temporary file renamed over it, so a failed write leaves no half model).</summary>
    public static void Write(ModelProto model, string path)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            model.WriteTo(stream);
        File.Move(temp, full, overwrite: true);
    }
}
