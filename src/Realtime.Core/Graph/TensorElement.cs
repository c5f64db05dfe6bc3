namespace Realtime.Core.Graph;

/// <summary>Element types a tensor on a connection can have (the ones ONNX models use at the edge).</summary>
public enum TensorElement : byte
{
    /// <summary>32-bit float.</summary>
    Float32,
    /// <summary>16-bit float.</summary>
    Float16,
    /// <summary>Unsigned byte (quantised images).</summary>
    UInt8,
    /// <summary>Signed byte (quantised).</summary>
    Int8,
    /// <summary>32-bit integer.</summary>
    Int32,
    /// <summary>64-bit integer.</summary>
    Int64,
}
