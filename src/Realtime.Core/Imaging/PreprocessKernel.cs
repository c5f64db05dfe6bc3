namespace Realtime.Core.Imaging;

/// <summary>Which implementation of the fused letterbox pass runs.</summary>
public enum PreprocessKernel
{
    /// <summary><see cref="Vector128"/> where 128-bit vectors are hardware accelerated (x64, arm64 NEON), else <see cref="Scalar"/>.</summary>
    Auto,
    /// <summary>One value at a time: the reference the vector kernel is tested against.</summary>
    Scalar,
    /// <summary>4 floats per step with System.Runtime.Intrinsics' Vector128 and byte shuffles (SSSE3 pshufb, NEON tbl).</summary>
    Vector128,
}
