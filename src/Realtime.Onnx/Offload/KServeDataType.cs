using Microsoft.ML.OnnxRuntime.Tensors;

namespace Realtime.Onnx.Offload;

/// <summary>
/// The KServe v2 inference protocol's tensor data types (<c>FP32</c>, <c>INT64</c>, …) for the
/// element types a model node carries: one table for the server (<c>rtapp serve</c>) and the client
/// (<see cref="OffloadClient"/>), so both name a tensor the same way.
/// </summary>
public static class KServeDataType
{
    /// <summary>The protocol's name of <paramref name="type"/>, or null for a type a connection does not carry.</summary>
    public static string? Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "FP32",
        TensorElementType.Float16 => "FP16",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        _ => null,
    };

    /// <summary>The element type the protocol's <paramref name="name"/> stands for, or null when it is none the project carries.</summary>
    public static TensorElementType? Parse(string? name) => name switch
    {
        "FP32" => TensorElementType.Float,
        "FP16" => TensorElementType.Float16,
        "UINT8" => TensorElementType.UInt8,
        "INT8" => TensorElementType.Int8,
        "INT32" => TensorElementType.Int32,
        "INT64" => TensorElementType.Int64,
        _ => null,
    };

    /// <summary>Bytes per element of <paramref name="type"/> (one of those <see cref="Name"/> knows).</summary>
    public static int Size(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 => 4,
        TensorElementType.Float16 => 2,
        TensorElementType.UInt8 or TensorElementType.Int8 => 1,
        TensorElementType.Int64 => 8,
        _ => 0,
    };
}
